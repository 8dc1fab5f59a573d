//! eventsource-wasm: a spec-exact Server-Sent Events client for the
//! browser (and any JavaScript realm), in Rust. The protocol (parser,
//! connection machine, every timer) is the `eventsource_core` crate; this
//! crate carries it out with `fetch` or `XMLHttpRequest` through web-sys.
//!
//! For Rust web apps (wasm32; feature `api`, on by default): an
//! `EventSource` that is a `futures_core::Stream` of events, with every
//! option of the npm package's JavaScript class: headers (fixed, or asked
//! before each connection, async allowed), method and body, credentials, a
//! reconnection policy and a hook before each reconnection, a heartbeat,
//! limits, a persisted last event ID, pausing while hidden. See the
//! `EventSource` and `Builder` docs (built for wasm32: docs.rs builds them
//! so).
//!
//! For the npm package (feature `js`, which the npm build turns on and a
//! Rust app never needs): the wasm-bindgen exports the JavaScript
//! `EventSource` class is built on. Also here:
//!
//! - [`batch`]: how a chunk's events cross into JavaScript in one call;
//! - [`contract`]: the values the JavaScript side must agree on.

#![cfg_attr(not(feature = "std"), no_std)]
// What is `pub` is the crate's API (the wasm-bindgen exports and what the
// tests use); everything else says `pub(crate)` or less, so reading an item
// tells its reach (an error under clippy's `-D warnings`).
#![warn(unreachable_pub)]

extern crate alloc;

pub mod batch;
pub mod contract;

#[cfg(target_arch = "wasm32")]
mod web;

#[cfg(all(target_arch = "wasm32", feature = "api"))]
pub use web::api::*;
#[cfg(all(target_arch = "wasm32", feature = "shared", feature = "js"))]
pub use web::group_name;
#[cfg(all(target_arch = "wasm32", feature = "bench", feature = "js"))]
pub use web::parse_count;
#[cfg(all(target_arch = "wasm32", feature = "js"))]
pub use web::{Link, Source, diagnostics, inspect_stream, supports_sse};

// The npm build's allocator (feature `js` without `std`): its own small
// free list, which `heap` declares the global allocator.
#[cfg(all(
    target_arch = "wasm32",
    not(target_feature = "atomics"),
    feature = "js",
    not(feature = "std")
))]
mod heap;

// The allocator of Rust apps' wasm (and the std builds): talc, smaller and
// faster than dlmalloc there.
#[cfg(all(
    target_arch = "wasm32",
    not(target_feature = "atomics"),
    not(all(feature = "js", not(feature = "std")))
))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
