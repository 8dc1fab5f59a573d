//! The Rust↔JavaScript contract has one source, `src/contract/` and the
//! `Link` block of `src/web/link.rs`. The JavaScript constants, sentences
//! and settings' fields are generated from it (`crates/contract-js`, whose
//! tests fail when the committed modules are stale); this checks the places
//! written by hand that state it too: the TypeScript union, the README, the
//! JavaScript `Link` class and the test double in `tests/web.rs`. A drift
//! fails here, natively, in milliseconds.

#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use eventsource_wasm::contract::{BATCH_END, KIND_ID, KIND_TYPE, REASONS};

fn read(path: &str) -> String {
    fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn the_test_double_decodes_the_batch_layout_of_the_contract() {
    let double = read("tests/web.rs");
    let line = format!(
        "const BATCH_END = {:?}, KIND_TYPE = {KIND_TYPE}, KIND_ID = {KIND_ID};",
        char::from(BATCH_END)
    );
    assert!(double.contains(&line), "tests/web.rs makeLink() must say {line}");
}

#[test]
fn the_typescript_union_of_reasons_matches() {
    let dts = read("src/js/index.d.ts");
    let start = dts.find("export type ErrorReason =").expect("the union") + "export type ErrorReason =".len();
    let end = dts[start..].find(';').expect("its end") + start;
    let mut union: Vec<String> = dts[start..end]
        .split('|')
        .map(|s| s.trim().trim_matches('\'').to_owned())
        .filter(|s| !s.is_empty())
        .collect();
    union.sort();
    let mut want: Vec<String> = REASONS.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(union, want, "index.d.ts ErrorReason");
}

#[test]
fn the_readme_names_every_reason() {
    let readme = read("README.md");
    for reason in REASONS {
        assert!(
            readme.contains(&format!("`'{reason}'`")),
            "README.md does not list the reason '{reason}'"
        );
    }
}

/// Method name → parameter count, from `name(a, b) {` lines of a JS class
/// or object literal between `start` and the matching end marker.
fn js_methods(text: &str, start: &str, end: &str) -> BTreeMap<String, usize> {
    let from = text.find(start).unwrap_or_else(|| panic!("no {start:?}"));
    let to = text[from..].find(end).map_or(text.len(), |i| i + from);
    let mut methods = BTreeMap::new();
    for line in text[from..to].lines() {
        let line = line.trim();
        let Some(paren) = line.find('(') else { continue };
        let name = &line[..paren];
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        if ["if", "for", "while", "switch", "function", "constructor", "catch"].contains(&name) {
            continue;
        }
        let Some(close) = line.find(')') else { continue };
        if !line[close..].starts_with(") {") {
            continue;
        }
        let params = &line[paren + 1..close];
        let count = if params.trim().is_empty() {
            0
        } else {
            params.split(',').count()
        };
        methods.insert(name.to_owned(), count);
    }
    methods
}

/// The `Link` methods of src/web/link.rs and their parameter counts.
fn rust_link_methods() -> BTreeMap<String, usize> {
    let rust = read("src/web/link.rs");
    let mut methods = BTreeMap::new();
    let mut rest = rust.as_str();
    while let Some(at) = rest.find("pub fn ") {
        rest = &rest[at + 7..];
        let paren = rest.find('(').unwrap();
        let name = rest[..paren].to_owned();
        let close = rest.find(')').unwrap();
        let params: Vec<&str> = rest[paren + 1..close]
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty() && !p.starts_with("this"))
            .collect();
        methods.insert(name, params.len());
    }
    assert!(methods.len() >= 5, "{methods:?}");
    methods
}

#[test]
fn the_javascript_link_class_has_every_method_with_its_arity() {
    let js = js_methods(&read("src/js/link.js"), "class Link {", "\n}\n");
    assert_eq!(js, rust_link_methods(), "src/js/link.js class Link vs src/web/link.rs");
}

#[test]
fn the_test_double_in_the_browser_tests_has_every_method_with_its_arity() {
    let double = js_methods(&read("tests/web.rs"), "export function makeLink()", "\n  };\n");
    assert_eq!(
        double,
        rust_link_methods(),
        "tests/web.rs makeLink() vs src/web/link.rs"
    );
}

#[test]
fn the_readmes_rust_examples_are_the_cores_doc_tests() {
    // crates/sse-core/README.md is the core's crate documentation, so its
    // examples run as doc tests; the top-level README's must be among them.
    let core = read("crates/sse-core/README.md");
    let readme = read("README.md");
    let mut found = 0;
    for block in readme.split("```rust\n").skip(1) {
        let code = &block[..block.find("```").expect("a closed block")];
        assert!(
            core.contains(code),
            "a Rust example of README.md is not in crates/sse-core/README.md:\n{code}"
        );
        found += 1;
    }
    assert!(found >= 1, "README.md shows the core from Rust");
}
