//! The shape of the code, kept: no module imports one that (directly or
//! not) imports it back — in `src/web/` (transports know the seam, never the
//! driver), in each crate of `crates/`, among the JavaScript modules of
//! `src/js/` — no file grows past what can be read at once, and no
//! JavaScript is written inside a Rust string anywhere.

#![cfg(not(target_arch = "wasm32"))]

mod read;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use read::*;

const MAX_LINES: usize = 350;

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
        for import in imports(&text, "crate::web::") {
            if import != module {
                edges.insert(import);
            }
        }
    }
    assert!(graph.contains_key("driver") && graph.contains_key("seam"), "{graph:?}");
    if let Some(cycle) = find_cycle(&graph) {
        panic!("import cycle in src/web/: {}", cycle.join(" → "));
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
        front.contains("pub(crate) trait FrontEnd"),
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

/// The limit for every Rust file outside `src/web/` (which keeps its 350).
const MAX_RUST_LINES: usize = 400;

/// Files longer than that, and why: each is a table of scenarios, one
/// `#[test]` per case with its inputs and the exact outputs, read one case
/// at a time like a table's rows (splitting them would only scatter the
/// shared helpers).
const LONG_TABLES: [&str; 2] = [
    // the machine's scripted scenarios (HTML §9.2.2–9.2.4, every timer)
    "crates/eventsource-core/tests/machine.rs",
    // the shared stream's scenarios (takeovers, races, handovers)
    "crates/eventsource-core/tests/shared.rs",
];

#[test]
fn no_rust_file_is_over_400_lines_except_the_scenario_tables() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files = all_rust(root);
    assert!(files.len() > 40, "{} Rust files found", files.len());
    let mut exempt_seen = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
        let lines = lines_without_unit_tests(&fs::read_to_string(file).unwrap());
        if LONG_TABLES.contains(&relative.as_str()) {
            exempt_seen.push(relative);
            continue;
        }
        assert!(
            lines <= MAX_RUST_LINES,
            "{relative} has {lines} lines (at most {MAX_RUST_LINES}, unit tests not counted): split it by role"
        );
    }
    exempt_seen.sort();
    assert_eq!(exempt_seen, LONG_TABLES, "an exempt file moved: update LONG_TABLES");
}

#[test]
fn no_crate_has_an_import_cycle_between_its_modules() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut crates: Vec<PathBuf> = fs::read_dir(root.join("crates"))
        .unwrap()
        .map(|entry| entry.unwrap().path().join("src"))
        .filter(|src| src.is_dir())
        .collect();
    crates.push(root.join("src"));
    crates.sort();
    assert!(crates.len() >= 2, "{crates:?}");
    for src in &crates {
        let mut files = Vec::new();
        rust_files(src, &mut files);
        let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for file in &files {
            let Some(module) = top_module(src, file) else { continue };
            let text = code_only(&fs::read_to_string(file).unwrap());
            let edges = graph.entry(module.clone()).or_default();
            for import in imports(&text, "crate::") {
                if import != module {
                    edges.insert(import);
                }
            }
        }
        if graph.is_empty() {
            // Only crate roots (crates/contract-js: lib.rs and main.rs): no
            // module to take part in a cycle.
            continue;
        }
        assert!(graph.len() >= 3, "{}: {graph:?}", src.display());
        assert!(
            graph.get("machine").is_none_or(|edges| edges.contains("parser")),
            "imports are read: {graph:?}"
        );
        if let Some(cycle) = find_cycle(&graph) {
            panic!("import cycle in {}: {}", src.display(), cycle.join(" → "));
        }
    }
}

/// The limit for the JavaScript shell's files.
const MAX_JS_LINES: usize = 400;

#[test]
fn the_javascript_modules_have_no_import_cycle_and_no_file_over_400_lines() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let js = root.join("src/js");
    let mut files = Vec::new();
    files_with(&js, "js", &mut files);
    files_with(&js, "ts", &mut files);
    assert!(files.len() >= 20, "{files:?}");
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let text = fs::read_to_string(file).unwrap();
        let name = file.strip_prefix(&js).unwrap().to_string_lossy().replace('\\', "/");
        let lines = text.lines().count();
        assert!(
            lines <= MAX_JS_LINES,
            "src/js/{name} has {lines} lines (at most {MAX_JS_LINES}): split it by job"
        );
        graph.insert(name, js_imports(&js, file, &text));
    }
    assert!(
        graph["event-source.js"].contains("state.js") && graph["wasm/pump.js"].contains("wasm/guard.js"),
        "imports are read: {graph:?}"
    );
    if let Some(cycle) = find_cycle(&graph) {
        panic!("import cycle in src/js/: {}", cycle.join(" → "));
    }
}

#[test]
fn no_rust_file_anywhere_writes_javascript_in_a_string() {
    // What `no_javascript_is_written_in_rust_strings…` checks for src/,
    // for every Rust file of the repository: tests and the core included.
    // JavaScript a test binds lives in a .js file next to it.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files = all_rust(root);
    for file in &files {
        if file.starts_with(root.join("tests/layout")) {
            continue; // these tests name what they look for
        }
        let text = code_only(&fs::read_to_string(file).unwrap());
        for made in [
            "inline_js",
            "Function::new_with_args",
            "Function::new_no_args",
            "js_sys::eval",
        ] {
            assert!(
                !text.contains(made),
                "{} writes JavaScript in a Rust string ({made}): put it in a .js file bound with #[wasm_bindgen(module = …)]",
                file.display()
            );
        }
        for (at, _) in text.match_indices("#[wasm_bindgen(module = \"/") {
            let rest = &text[at + "#[wasm_bindgen(module = \"/".len()..];
            let module = &rest[..rest.find('"').unwrap()];
            assert!(root.join(module).is_file(), "{}: {module} is missing", file.display());
        }
    }
}
