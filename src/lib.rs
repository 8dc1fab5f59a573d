//! eventsource-wasm: a spec-exact Server-Sent Events client.
//!
//! - [`parser`]: the incremental `text/event-stream` parser (pure Rust).
//! - [`machine`]: the connection and reconnection state machine (pure Rust).
//! - `web` (wasm32 only): the driver that carries out the machine's commands
//!   with fetch or XHR through web-sys, and the exports the JavaScript
//!   `EventSource` class is built on.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod batch;
pub mod machine;
pub mod mime;
pub mod parser;

#[cfg(target_arch = "wasm32")]
pub mod web;

// The allocator of the wasm build: smaller and faster than dlmalloc there.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
