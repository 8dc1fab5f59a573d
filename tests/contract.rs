//! The Rust↔JavaScript contract has one source, `src/contract/`. The
//! JavaScript constants, sentences, settings' fields and the Link's methods
//! are generated from it (`crates/contract-js`, whose tests fail when the
//! committed modules are stale) and checked by value where JavaScript meets
//! them (`tests/node/border.test.mjs`, the Link double in `tests/web.rs`);
//! this checks the text written by hand that states it too: the TypeScript
//! union, the README, the double's batch layout. A drift fails here,
//! natively, in milliseconds.

#![cfg(not(target_arch = "wasm32"))]

use std::fs;
use std::path::Path;

use eventsource_wasm::contract::{BATCH_END, KIND_ID, KIND_TYPE, REASONS};

fn read(path: &str) -> String {
    fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn the_test_double_decodes_the_batch_layout_of_the_contract() {
    let double = read("tests/web/double.js");
    let line = format!(
        "const BATCH_END = {:?}, KIND_TYPE = {KIND_TYPE}, KIND_ID = {KIND_ID};",
        char::from(BATCH_END)
    );
    assert!(double.contains(&line), "tests/web/double.js makeLink() must say {line}");
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

#[test]
fn the_stop_signal_has_one_name_in_both_front_ends() {
    // src/js/wasm/stop.js dispatches it and the JavaScript class imports
    // its name; the Rust API listens for it by a constant of its own (a
    // snippet's exported string is not a Rust `&'static str`).
    let js = read("src/js/wasm/stop.js");
    let start = js
        .find("export const STOP_EVENT = '")
        .expect("stop.js exports STOP_EVENT")
        + 27;
    let name = &js[start..start + js[start..].find('\'').expect("its closing quote")];
    let rust = read("src/web/api/lifecycle.rs");
    let line = format!("const STOP_EVENT: &str = {name:?};");
    assert!(rust.contains(&line), "src/web/api/lifecycle.rs must say {line}");
}
