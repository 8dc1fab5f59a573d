//! The shape of the web layer, kept: no module of `src/web/` imports one
//! that (directly or not) imports it back — transports know the seam, never
//! the driver — and no file grows past what can be read at once.

#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

const MAX_LINES: usize = 350;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `src/web/driver/reports.rs` → `driver`: the module a file belongs to.
fn module_of(web: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(web).unwrap();
    let first = relative.components().next().unwrap().as_os_str().to_string_lossy();
    first.trim_end_matches(".rs").to_owned()
}

/// The `crate::web::…` modules a file names, in `use` lines or paths.
fn imports(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (at, _) in text.match_indices("crate::web::") {
        let rest = &text[at + "crate::web::".len()..];
        if let Some(list) = rest.strip_prefix('{') {
            let end = list.find('}').unwrap();
            for item in list[..end].split(',') {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    out.insert(name);
                }
            }
        } else {
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            out.insert(name);
        }
    }
    out
}

#[test]
fn the_web_layer_has_no_import_cycle_and_no_file_over_350_lines() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let web = root.join("src/web");
    let mut files = Vec::new();
    rust_files(&web, &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let text = fs::read_to_string(file).unwrap();
        let lines = text.lines().count();
        assert!(
            lines <= MAX_LINES,
            "{} has {lines} lines (at most {MAX_LINES}): split it by job",
            file.display()
        );
        let module = module_of(&web, file);
        if module == "mod" {
            continue; // src/web/mod.rs lists the modules
        }
        let edges = graph.entry(module.clone()).or_default();
        for import in imports(&text) {
            if import != module {
                edges.insert(import);
            }
        }
    }
    assert!(graph.contains_key("driver") && graph.contains_key("seam"), "{graph:?}");
    // Depth-first search for a cycle.
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
            panic!("import cycle in src/web/: {}", cycle.join(" → "));
        }
    }
    // Transports import the seam and nothing of the driver.
    for transport in ["fetch", "xhr", "probe"] {
        let edges = &graph[transport];
        assert!(edges.contains("seam"), "{transport} reports through the seam");
        assert!(!edges.contains("driver"), "{transport} imports the driver");
    }
}

#[test]
fn the_driver_reaches_its_front_end_through_the_trait_and_names_no_javascript_type() {
    // The driver tells its front-end through `FrontEnd` (src/web/front.rs);
    // the JavaScript one (`link`) is one implementation, and the driver's
    // own code names no wasm-bindgen, js-sys or web-sys type, so a Rust
    // front-end is a new implementation, not a change to the driver.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src/web/driver"), &mut files);
    assert!(files.len() >= 3, "{files:?}");
    for file in &files {
        let text = fs::read_to_string(file).unwrap();
        for name in ["wasm_bindgen", "js_sys", "web_sys", "JsValue", "crate::web::link"] {
            assert!(!text.contains(name), "{} names {name}", file.display());
        }
    }
    let front = fs::read_to_string(root.join("src/web/front.rs")).unwrap();
    assert!(
        front.contains("pub trait FrontEnd"),
        "src/web/front.rs declares the trait"
    );
    for name in ["wasm_bindgen", "js_sys", "JsValue"] {
        assert!(!front.contains(name), "the FrontEnd trait names {name}");
    }
}

#[test]
fn no_module_is_a_file_swapped_by_cfg() {
    // Group membership is a value the driver holds (`Solo` or the shared
    // `Group`, src/web/driver/membership.rs), not a file chosen by a cfg.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    for file in &files {
        let text = fs::read_to_string(file).unwrap();
        for line in text.lines() {
            let line = line.trim_start();
            assert!(
                !(line.starts_with("#[cfg_attr(") && line.contains("path =")),
                "{}: {line}",
                file.display()
            );
        }
    }
}

fn files_with(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_with(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

#[test]
fn no_javascript_is_written_in_rust_strings_and_the_trap_filter_exists_once() {
    // The JavaScript the wasm binds lives in src/js/wasm/ (bound with
    // `#[wasm_bindgen(module = …)]`), where it is read, linted and bundled
    // like the rest; a trap is recognized in one place (guard.js).
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut rust = Vec::new();
    files_with(&root.join("src"), "rs", &mut rust);
    let mut bound = 0;
    for file in &rust {
        let text = fs::read_to_string(file).unwrap();
        assert!(
            !text.contains("inline_js"),
            "{} writes JavaScript in a Rust string",
            file.display()
        );
        for (at, _) in text.match_indices("#[wasm_bindgen(module = \"/") {
            let rest = &text[at + "#[wasm_bindgen(module = \"/".len()..];
            let module = &rest[..rest.find('"').unwrap()];
            assert!(module.starts_with("src/js/wasm/"), "{}: {module}", file.display());
            assert!(root.join(module).is_file(), "{}: {module} is missing", file.display());
            bound += 1;
        }
    }
    assert!(bound >= 3, "the guard, the clock and the read loop are bound modules");
    let mut js = Vec::new();
    files_with(&root.join("src/js"), "js", &mut js);
    let filters: Vec<String> = js
        .iter()
        .filter(|f| {
            fs::read_to_string(f)
                .unwrap()
                .contains("instanceof WebAssembly.RuntimeError")
        })
        .map(|f| f.display().to_string())
        .collect();
    assert_eq!(filters.len(), 1, "the trap filter is written once: {filters:?}");
    assert!(filters[0].ends_with("src/js/wasm/guard.js"), "{filters:?}");
}
