//! Programmes, programme tests and scripts compiled into the binary (see build.rs), so the main
//! job runs from any folder with no setup. Entries are `(relative path, text)`.

include!(concat!(env!("OUT_DIR"), "/bundled.rs"));

/// The id of a bundled programme: its file stem (`programs/<id>.yaml`).
pub fn program_ids() -> Vec<&'static str> {
    PROGRAMS.iter().map(|(path, _)| stem(path)).collect()
}

pub fn program(id: &str) -> Option<(&'static str, &'static str)> {
    PROGRAMS.iter().copied().find(|(path, _)| stem(path) == id)
}

pub fn script(name: &str) -> Option<&'static str> {
    SCRIPTS
        .iter()
        .find(|(path, _)| stem(path) == name)
        .map(|(_, text)| *text)
}

fn stem(path: &str) -> &str {
    let file = path.rsplit('/').next().unwrap_or(path);
    file.split('.').next().unwrap_or(file)
}
