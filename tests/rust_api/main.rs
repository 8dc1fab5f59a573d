//! Browser tests of the Rust API (`node scripts/wasm-browser.mjs
//! --test=rust_api --features=js,shared,test-hooks`), against the scriptable test server that
//! `npm test` starts and whose origin it compiles in as `SSE_TEST_ORIGIN`
//! (tests/server/server.mjs: each request with a key gets the next spec of
//! its plan, and `/log` tells what the server received). The page is
//! wasm-bindgen-test's own, on another origin: every plan allows CORS.
//!
//! One binary, its tests in modules by role.

#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[path = "../api_support/mod.rs"]
mod api_support;

mod build;
mod credentials;
mod failures;
mod policy;
mod readme;
mod reconnection;
mod requests;
mod stream;
