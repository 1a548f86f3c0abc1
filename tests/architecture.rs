//! The library's top-level modules depend on each other one way only: a module may use those
//! below it, never one that (directly or through others) uses it. This test reads `src/` and
//! fails on any cycle, naming it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn top_level_modules(src: &Path) -> Vec<String> {
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    lib.lines()
        .filter_map(|l| l.trim().strip_prefix("pub mod "))
        .map(|m| m.trim_end_matches(';').to_string())
        .collect()
}

fn sources(dir: &Path, out: &mut String) {
    if dir.is_file() {
        out.push_str(&std::fs::read_to_string(dir).unwrap());
        return;
    }
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let p = entry.path();
        if p.is_dir() || p.extension().is_some_and(|x| x == "rs") {
            sources(&p, out);
        }
    }
}

/// Which top-level modules each one names as `crate::<module>`.
fn uses(src: &Path, modules: &[String]) -> BTreeMap<String, BTreeSet<String>> {
    let mut graph = BTreeMap::new();
    for m in modules {
        let mut text = String::new();
        let dir = src.join(m);
        let file = src.join(format!("{m}.rs"));
        sources(if dir.is_dir() { &dir } else { &file }, &mut text);
        let used: BTreeSet<String> = modules
            .iter()
            .filter(|other| *other != m && text.contains(&format!("crate::{other}")))
            .cloned()
            .collect();
        graph.insert(m.clone(), used);
    }
    graph
}

fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == n) {
            let mut cycle = path[i..].to_vec();
            cycle.push(n.to_string());
            return Some(cycle);
        }
        if done.contains(n) {
            return None;
        }
        path.push(n.to_string());
        for next in &graph[n] {
            if let Some(c) = visit(next, graph, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(n.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|n| visit(n, graph, &mut Vec::new(), &mut done))
}

#[test]
fn top_level_modules_have_no_import_cycle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let modules = top_level_modules(&src);
    assert!(
        modules.len() > 10,
        "read the module list from lib.rs: {modules:?}"
    );
    let graph = uses(&src, &modules);
    if let Some(cycle) = find_cycle(&graph) {
        panic!(
            "import cycle among top-level modules: {}",
            cycle.join(" → ")
        );
    }
}

#[test]
fn the_cycle_finder_finds_a_planted_cycle() {
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    g.insert("a".into(), ["b".to_string()].into());
    g.insert("b".into(), ["c".to_string()].into());
    g.insert("c".into(), ["a".to_string()].into());
    assert_eq!(find_cycle(&g).unwrap(), ["a", "b", "c", "a"]);
    g.get_mut("c").unwrap().clear();
    assert!(find_cycle(&g).is_none());
}
