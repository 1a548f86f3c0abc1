//! PostgreSQL over TLS through the real binary, against a throw-away cluster that refuses TCP
//! connections without TLS and holds a certificate for `localhost` signed by a test authority
//! (made with openssl): libpq's `sslmode` words each do what libpq's do, and a certificate
//! that does not check out, or a TLS word that cannot be honoured, is refused with a message.

use std::path::Path;
use std::process::Command;

use crate::common::{add_user_on, own_postgres_cluster_with, skipped, traject};

/// Run openssl in `dir`; false when it is missing or fails.
fn openssl(dir: &Path, args: &[&str]) -> bool {
    Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A test authority (`ca.pem`), a server certificate for `localhost` only signed by it
/// (`server.crt`, `server.key`) and a stranger authority (`stranger.pem`).
fn certificates(dir: &Path) -> bool {
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
    ];
    let authority = |name: &str| {
        let key = format!("{name}.key");
        let pem = format!("{name}.pem");
        let subject = format!("/CN=traject test {name}");
        let mut args = vec!["req", "-x509"];
        args.extend(ec);
        args.extend([
            "-days", "2", "-subj", &subject, "-keyout", &key, "-out", &pem,
        ]);
        args.extend(["-addext", "basicConstraints=critical,CA:TRUE"]);
        args.extend(["-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
        openssl(dir, &args)
    };
    authority("ca")
        && authority("stranger")
        && openssl(dir, &[&["req"][..], &ec, &["-subj", "/CN=localhost", "-keyout", "server.key", "-out", "server.csr"]].concat())
        && std::fs::write(
            dir.join("ext.cnf"),
            "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
        )
        .is_ok()
        && openssl(
            dir,
            &[
                "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                "-CAcreateserial", "-days", "2", "-extfile", "ext.cnf", "-out", "server.crt",
            ],
        )
}

#[test]
fn postgres_over_tls_checks_what_sslmode_asks_and_refuses_what_does_not_check_out() {
    let test = "postgres_over_tls_checks_what_sslmode_asks_and_refuses_what_does_not_check_out";
    let dir = tempfile::tempdir().unwrap();
    if !certificates(dir.path()) {
        if std::env::var_os("CI").is_some() {
            panic!("CI: openssl is needed for the PostgreSQL TLS test");
        }
        skipped(test, "no openssl");
        return;
    }
    let Some(cluster) = own_postgres_cluster_with(test, Some(dir.path().to_path_buf())) else {
        return;
    };
    // postgres://postgres@127.0.0.1:PORT/postgres → the same server by the name on its
    // certificate, and by its address (which the certificate does not name).
    let by_address = cluster.url.clone();
    let port = by_address
        .rsplit(':')
        .next()
        .unwrap()
        .split('/')
        .next()
        .unwrap();
    let by_name = format!("postgres://postgres@localhost:{port}/postgres?hostaddr=127.0.0.1");
    let ca = dir.path().join("ca.pem");
    let stranger = dir.path().join("stranger.pem");
    let with = |base: &str, words: &str| {
        let sep = if base.contains('?') { '&' } else { '?' };
        format!("{base}{sep}{words}")
    };
    let run = |url: &str, args: &[&str]| {
        let out = traject().args(args).args(["--db", url]).output().unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let list = |url: &str| run(url, &["user", "list"]);

    // A write over verify-full, then reads over every mode that encrypts.
    let full = with(
        &by_name,
        &format!("sslmode=verify-full&sslrootcert={}", ca.display()),
    );
    add_user_on(&full, "tls-coord", "coordinator", None, None);
    for url in [
        full.clone(),
        with(
            &by_address,
            &format!("sslmode=verify-ca&sslrootcert={}", ca.display()),
        ),
        with(&by_address, "sslmode=require"),
        by_address.clone(),
    ] {
        let out = traject()
            .args(["user", "list", "--db", &url])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && text.contains("tls-coord"),
            "{url}: {text}"
        );
    }

    // The server takes no connection without TLS.
    let (ok, text) = list(&with(&by_address, "sslmode=disable"));
    assert!(!ok && text.contains("cannot connect"), "{text}");
    // verify-full checks the name: 127.0.0.1 is not on the certificate.
    let (ok, text) = list(&with(
        &by_address,
        &format!("sslmode=verify-full&sslrootcert={}", ca.display()),
    ));
    assert!(!ok && text.to_lowercase().contains("certificate"), "{text}");
    // An authority that did not sign the server's certificate.
    let (ok, text) = list(&with(
        &by_name,
        &format!("sslmode=verify-full&sslrootcert={}", stranger.display()),
    ));
    assert!(!ok && text.to_lowercase().contains("certificate"), "{text}");
    // Words that cannot be honoured are refused before connecting.
    let (ok, text) = list(&with(&by_name, "sslmode=verify-full"));
    assert!(!ok && text.contains("needs sslrootcert=FILE"), "{text}");
    let (ok, text) = list(&with(&by_name, "sslmode=verify_full"));
    assert!(
        !ok && text.contains("there is no sslmode=verify_full"),
        "{text}"
    );
    let (ok, text) = list(&with(
        &by_name,
        "sslmode=require&sslrootcert=/nowhere/ca.pem",
    ));
    assert!(!ok && text.contains("/nowhere/ca.pem"), "{text}");
}
