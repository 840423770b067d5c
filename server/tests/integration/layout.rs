//! The services' layering: no service module depends on another that
//! depends back on it (directly or through others), so each can be read,
//! tested and moved on its own. Read from the source, as the compiler
//! allows cycles between modules of one crate.
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Service module → the service modules its code (not its comments) names.
fn dependencies() -> BTreeMap<String, BTreeSet<String>> {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/src/server/services");
    let mut files = Vec::new();
    for dir in [base.clone(), base.join("seed")] {
        for entry in std::fs::read_dir(&dir).expect("services directory") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "rs")
                && path.file_stem().is_some_and(|s| s != "mod")
            {
                files.push(path);
            }
        }
    }
    let module_names: BTreeSet<String> = files
        .iter()
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    let mut graph = BTreeMap::new();
    for path in &files {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let code: String = std::fs::read_to_string(path)
            .expect("read module")
            .lines()
            .filter(|line| !line.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let mut uses = BTreeSet::new();
        for prefix in ["super::", "services::", "seed::"] {
            for (i, _) in code.match_indices(prefix) {
                let rest = &code[i + prefix.len()..];
                let word: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                    .collect();
                if module_names.contains(&word) && word != name {
                    uses.insert(word);
                }
            }
        }
        graph.insert(name, uses);
    }
    graph
}

#[test]
fn service_modules_have_no_dependency_cycles() {
    let graph = dependencies();
    assert!(graph.len() > 15, "found {} service modules", graph.len());
    // Depth-first search; a module met again while still on the path closes a cycle.
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|n| n == node) {
            let mut cycle = path[start..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        if let Some(cycle) = visit(node, &graph, &mut Vec::new(), &mut done) {
            panic!(
                "service modules depend on each other in a cycle: {}",
                cycle.join(" → ")
            );
        }
    }
}
