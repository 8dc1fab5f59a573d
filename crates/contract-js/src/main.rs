//! `cargo run -p contract-js -- [--check] [DIR]`: write the JavaScript side
//! of the border (default `src/js/generated`), each file only if it
//! changed; with `--check`, write nothing and fail if any is stale.
//! `scripts/build.mjs` runs it before bundling.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut check = false;
    let mut dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../src/js/generated"));
    for arg in std::env::args().skip(1) {
        if arg == "--check" {
            check = true;
        } else {
            dir = PathBuf::from(arg);
        }
    }
    let mut stale = Vec::new();
    for (name, text) in contract_js::files() {
        let path = dir.join(name);
        if std::fs::read_to_string(&path).ok().as_deref() == Some(text.as_str()) {
            continue;
        }
        if check {
            stale.push(path.display().to_string());
        } else if let Err(error) = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, &text)) {
            eprintln!("contract-js: cannot write {}: {error}", path.display());
            return ExitCode::FAILURE;
        }
    }
    if stale.is_empty() {
        return ExitCode::SUCCESS;
    }
    eprintln!(
        "contract-js: stale (src/contract changed): {}; run `cargo run -p contract-js` (or `npm run build`) and commit them",
        stale.join(", ")
    );
    ExitCode::FAILURE
}
