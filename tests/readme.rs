//! The README's Rust API snippet is the code `tests/rust_api/readme.rs` compiles
//! and runs (between its `README: From Rust` markers), and the one in the
//! API's module docs (`src/web/api/mod.rs`): wasm32 doc tests cannot run,
//! so the compiled copy stands for all three.

use std::fs;
use std::path::Path;

fn read(path: &str) -> String {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    fs::read_to_string(&full).unwrap_or_else(|e| panic!("cannot read {}: {e}", full.display()))
}

fn between<'a>(text: &'a str, start: &str, end: &str, file: &str) -> &'a str {
    let from = text.find(start).unwrap_or_else(|| panic!("{file} has no {start:?}")) + start.len();
    let to = text[from..]
        .find(end)
        .unwrap_or_else(|| panic!("{file} has no {end:?} after {start:?}"));
    &text[from..from + to]
}

/// The snippet as compiled (at the top level of its module file).
fn compiled() -> String {
    let test = read("tests/rust_api/readme.rs");
    let inside = between(
        &test,
        "// README: From Rust (begin)\n",
        "// README: From Rust (end)",
        "tests/rust_api/readme.rs",
    );
    inside.to_string()
}

#[test]
fn the_readmes_from_rust_snippet_is_the_one_the_browser_test_compiles() {
    let readme = read("README.md");
    let section = between(&readme, "## From Rust\n", "\n## ", "README.md");
    let snippet = between(section, "```rust\n", "```", "README.md's From Rust section");
    assert_eq!(
        snippet,
        compiled(),
        "copy the snippet from tests/rust_api/readme.rs into README.md"
    );
}

#[test]
fn the_api_module_docs_example_is_the_one_the_browser_test_compiles() {
    let module = read("src/web/api/mod.rs");
    let docs: String = module
        .lines()
        .take_while(|line| line.starts_with("//!"))
        .map(|line| {
            format!(
                "{}\n",
                line.strip_prefix("//! ").unwrap_or(line.trim_start_matches("//!"))
            )
        })
        .collect();
    let example = between(&docs, "```no_run\n", "```", "src/web/api/mod.rs's docs");
    assert_eq!(
        example,
        compiled(),
        "copy the snippet from tests/rust_api/readme.rs into the module docs"
    );
}
