//! The Rust↔JavaScript contract has one source, `src/contract.rs` and the
//! `Link` block of `src/web/link.rs`; this checks every other place that
//! states it: the JavaScript constants and messages, the TypeScript union,
//! the README, the JavaScript `Link` class and the test double in
//! `tests/web.rs`. A drift fails here, natively, in milliseconds.

#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use eventsource_core::machine::Reason;
use eventsource_wasm::contract::{BATCH_END, KIND_COMMENT, KIND_ID, KIND_TYPE, READY_STATES, REASONS, WARNINGS};

fn read(path: &str) -> String {
    fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The quoted names in the first `[ … ]` after `marker` in `text`.
fn quoted_list(text: &str, marker: &str, open: char, close: char) -> Vec<String> {
    let start = text.find(marker).unwrap_or_else(|| panic!("no {marker:?}")) + marker.len();
    let rest = &text[start..];
    let from = rest.find(open).expect("a list") + 1;
    let to = rest[from..].find(close).expect("its end") + from;
    rest[from..to]
        .split([',', '|'])
        .map(|s| s.trim().trim_matches(|c| c == '\'' || c == '"').to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

#[test]
fn the_contract_lists_every_core_reason_then_panic() {
    assert_eq!(REASONS.len(), Reason::NAMES.len() + 1);
    assert_eq!(&REASONS[..Reason::NAMES.len()], &Reason::NAMES[..]);
    assert_eq!(REASONS[Reason::NAMES.len()], "panic");
}

#[test]
fn the_javascript_constants_match() {
    let js = read("src/js/contract.js");
    for (name, state) in READY_STATES {
        let line = format!("export const {name} = {};", state as u8);
        assert!(js.contains(&line), "src/js/contract.js must say {line}");
    }
    let end = format!("export const BATCH_END = {:?};", char::from(BATCH_END));
    assert!(js.contains(&end), "src/js/contract.js must say {end}");
    for (name, bit) in [
        ("KIND_TYPE", KIND_TYPE),
        ("KIND_ID", KIND_ID),
        ("KIND_COMMENT", KIND_COMMENT),
    ] {
        let line = format!("export const {name} = {bit};");
        assert!(js.contains(&line), "src/js/contract.js must say {line}");
    }
    assert_eq!(quoted_list(&js, "export const REASONS =", '[', ']'), REASONS);
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
fn every_reason_and_warning_has_a_message_and_the_readme_names_every_reason() {
    let messages = read("src/js/messages.js");
    for reason in &REASONS[..Reason::NAMES.len()] {
        assert!(
            messages.contains(&format!("case '{reason}':")),
            "messages.js has no message for {reason}"
        );
    }
    for warning in WARNINGS {
        assert!(
            messages.contains(&format!("'{warning}'")),
            "messages.js has no message for {warning}"
        );
    }
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
    // crates/eventsource-core/README.md is the core's crate documentation, so its
    // examples run as doc tests; the top-level README's core section's must be
    // among them. (Its "From Rust" section shows the wasm crate's API, which
    // runs only in a browser: tests/readme.rs checks that one.)
    let core = read("crates/eventsource-core/README.md");
    let readme = read("README.md");
    let start = readme
        .find("## The protocol core, from Rust")
        .expect("README.md has a section on the core from Rust");
    let section = &readme[start..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |end| end + 3)];
    let mut found = 0;
    for block in section.split("```rust\n").skip(1) {
        let code = &block[..block.find("```").expect("a closed block")];
        assert!(
            core.contains(code),
            "a Rust example of README.md is not in crates/eventsource-core/README.md:\n{code}"
        );
        found += 1;
    }
    assert!(found >= 1, "README.md shows the core from Rust");
}
