//! Counts of live JavaScript resources, for the leak tests and for anyone
//! who wants to check that closed sources leave nothing behind
//! (`diagnostics()` in JavaScript).

use core::sync::atomic::{AtomicU32, Ordering};

pub(crate) struct Counter(AtomicU32);

impl Counter {
    const fn new() -> Counter {
        Counter(AtomicU32::new(0))
    }
    pub(super) fn increment(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
    pub(super) fn decrement(&self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
    pub(crate) fn get(&self) -> u32 {
        self.0.load(Ordering::Relaxed)
    }
}

/// Drivers (sources) alive in wasm memory.
pub(super) static DRIVERS: Counter = Counter::new();
/// Armed timers and their closures.
pub(super) static TIMERS: Counter = Counter::new();
/// Event listeners held (XHR's).
pub(super) static LISTENERS: Counter = Counter::new();
/// Requests in flight (fetch or XHR).
pub(super) static REQUESTS: Counter = Counter::new();
/// Promise callbacks waiting (a response, a body read, a `headers` promise,
/// a CORS probe).
pub(super) static CALLBACKS: Counter = Counter::new();

/// `{ sources, timers, listeners, requests, callbacks, wasmMemoryBytes }`.
#[cfg(feature = "js")]
#[wasm_bindgen::prelude::wasm_bindgen(js_name = diagnostics)]
pub fn diagnostics() -> js_sys::Object {
    let object = js_sys::Object::new();
    let set = |key: &str, value: f64| crate::web::env::set(&object, key, &wasm_bindgen::JsValue::from_f64(value));
    set("sources", f64::from(DRIVERS.get()));
    set("timers", f64::from(TIMERS.get()));
    set("listeners", f64::from(LISTENERS.get()));
    set("requests", f64::from(REQUESTS.get()));
    set("callbacks", f64::from(CALLBACKS.get()));
    // 64 KiB pages of linear memory (it grows to the peak and stays: freed
    // memory is reused by the allocator, not returned).
    set("wasmMemoryBytes", (core::arch::wasm32::memory_size(0) * 65536) as f64);
    object
}
