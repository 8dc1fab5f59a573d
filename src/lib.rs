//! eventsource-wasm: the wasm crate of a spec-exact Server-Sent Events
//! client. The protocol (parser, connection machine) is the `eventsource_core`
//! crate; this crate is what is JavaScript-shaped around it:
//!
//! - [`batch`]: how a chunk's events cross into JavaScript in one call;
//! - [`contract`]: the values the JavaScript side must agree on;
//! - `web` (wasm32 only): the driver over fetch and XHR through web-sys,
//!   and the wasm-bindgen exports below.

#![cfg_attr(not(feature = "std"), no_std)]

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

// The allocator of the wasm build: smaller and faster than dlmalloc there.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
