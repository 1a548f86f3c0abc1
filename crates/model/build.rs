// Embeds the bundled programmes (programs/*.yaml), their tests (programs/tests/*.yaml) and
// scripts (scripts/*.rhai) so the binary runs its main job with no files around it. The list is
// generated here so that no programme or city name has to be written in src/.
use std::fmt::Write as _;
use std::path::Path;

fn list(dir: &Path, ext: &str) -> Vec<std::path::PathBuf> {
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == ext))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

fn emit(code: &mut String, name: &str, root: &Path, files: &[std::path::PathBuf]) {
    writeln!(code, "pub static {name}: &[(&str, &str)] = &[").unwrap();
    for f in files {
        let rel = f
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        writeln!(
            code,
            "    ({rel:?}, include_str!({:?})),",
            f.display().to_string()
        )
        .unwrap();
    }
    writeln!(code, "];").unwrap();
}

fn main() {
    // The bundled files live at the workspace root, two folders up.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap();
    let root = root.as_path();
    let mut code = String::new();
    emit(
        &mut code,
        "PROGRAMS",
        root,
        &list(&root.join("programs"), "yaml"),
    );
    emit(
        &mut code,
        "PROGRAM_TESTS",
        root,
        &list(&root.join("programs/tests"), "yaml"),
    );
    emit(
        &mut code,
        "SCRIPTS",
        root,
        &list(&root.join("scripts"), "rhai"),
    );
    let out = Path::new(&std::env::var("OUT_DIR").unwrap()).join("bundled.rs");
    std::fs::write(out, code).unwrap();
    for d in ["programs", "programs/tests", "scripts"] {
        println!("cargo:rerun-if-changed={}", root.join(d).display());
    }
}
