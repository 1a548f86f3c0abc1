//! The Debian package `.ci/run` builds (`packaging/build-deb`): it holds the release binary, the
//! systemd unit, the default settings and the README; the unit passes `systemd-analyze verify`;
//! the default settings file passes `traject config check`, with every setting it shows
//! commented out taken in too.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::skipped;

/// The package built by `.ci/run`, or `None` (skipped outside CI).
fn package(test: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/debian");
    let found = std::fs::read_dir(&dir).ok().and_then(|entries| {
        entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .find(|p| p.extension().is_some_and(|x| x == "deb"))
    });
    if found.is_none() {
        let why = "no package in target/debian: run packaging/build-deb (as .ci/run does)";
        if std::env::var_os("CI").is_some() {
            panic!("CI: {why}");
        }
        skipped(test, why);
    }
    found
}

fn run(program: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn the_package_holds_the_binary_the_unit_and_the_settings_and_the_unit_verifies() {
    let Some(deb) = package("packaging") else {
        return;
    };
    let deb = deb.to_str().unwrap();
    let (ok, listing) = run("dpkg-deb", &["-c", deb]);
    assert!(ok, "{listing}");
    for file in [
        "./usr/bin/traject",
        "./lib/systemd/system/traject.service",
        "./etc/traject/traject.toml",
        "./usr/share/doc/traject/README.md",
    ] {
        assert!(listing.contains(file), "{file} in the package:\n{listing}");
    }
    let (ok, info) = run("dpkg-deb", &["-I", deb]);
    assert!(ok && info.contains("Package: traject"), "{info}");
    assert!(
        info.contains(&format!("Version: {}", env!("CARGO_PKG_VERSION"))),
        "{info}"
    );
    let (ok, conffiles) = run("dpkg-deb", &["-I", deb, "conffiles"]);
    assert!(
        ok && conffiles.trim() == "/etc/traject/traject.toml",
        "the settings are a conffile: {conffiles}"
    );

    let root = tempfile::tempdir().unwrap();
    let (ok, text) = run("dpkg-deb", &["-x", deb, root.path().to_str().unwrap()]);
    assert!(ok, "{text}");
    let binary = root.path().join("usr/bin/traject");
    // The settings as installed pass the check; so do they with every example setting that is
    // commented out taken in (so none of them names a key or value traject does not take).
    let installed = root.path().join("etc/traject/traject.toml");
    let (ok, text) = run(
        binary.to_str().unwrap(),
        &["config", "check", installed.to_str().unwrap()],
    );
    assert!(ok && text.contains("db "), "{text}");
    let examples: String = std::fs::read_to_string(&installed)
        .unwrap()
        .lines()
        .map(|l| match l.strip_prefix('#') {
            Some(rest) if rest.contains(" = ") && !rest.starts_with(' ') => rest,
            _ => l,
        })
        .map(|l| format!("{l}\n"))
        .collect();
    let taken_in = examples.lines().filter(|l| !l.starts_with('#')).count();
    let all = root.path().join("all.toml");
    std::fs::write(&all, examples).unwrap();
    let (ok, text) = run(
        binary.to_str().unwrap(),
        &["config", "check", all.to_str().unwrap()],
    );
    assert!(ok, "{text}");
    for key in [
        "public_url",
        "trusted_proxies",
        "metrics_token",
        "tls.cert",
        "tls.key",
        "programs",
    ] {
        let line = text
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{key} ")))
            .unwrap();
        assert!(
            line.contains("all.toml:"),
            "{key} is set from the file: {line}"
        );
    }
    assert!(taken_in > 10, "{taken_in}");

    let Ok(analyze) = which("systemd-analyze") else {
        if std::env::var_os("CI").is_some() {
            panic!("CI: systemd-analyze is needed to verify the unit (Debian's systemd package)");
        }
        skipped("packaging", "no systemd-analyze");
        return;
    };
    // The unit as installed, pointed at the extracted binary and settings.
    let unit =
        std::fs::read_to_string(root.path().join("lib/systemd/system/traject.service")).unwrap();
    for setting in [
        "DynamicUser=yes",
        "ProtectSystem=strict",
        "StateDirectory=traject",
        "NoNewPrivileges=yes",
        "Restart=on-failure",
    ] {
        assert!(unit.contains(setting), "{setting}");
    }
    let unit = unit
        .replace(
            "ExecStart=/usr/bin/traject",
            &format!("ExecStart={}", binary.display()),
        )
        .replace(
            "LoadCredential=traject.toml:/etc/traject/traject.toml",
            &format!("LoadCredential=traject.toml:{}", installed.display()),
        );
    let path = root.path().join("traject.service");
    std::fs::write(&path, unit).unwrap();
    let (ok, text) = run(&analyze, &["verify", path.to_str().unwrap()]);
    assert!(ok, "systemd-analyze verify: {text}");
}

fn which(program: &str) -> Result<String, ()> {
    let (ok, path) = run("sh", &["-c", &format!("command -v {program}")]);
    if ok {
        Ok(path.trim().to_string())
    } else {
        Err(())
    }
}
