//! What this realm offers, found by feature tests on the global object (never
//! `window`), so one build serves windows, workers, service workers and Node.

use js_sys::{Function, Object, Reflect};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

fn get(target: &JsValue, key: &str) -> Option<JsValue> {
    if !target.is_object() && !target.is_function() {
        return None;
    }
    Reflect::get(target, &JsValue::from_str(key))
        .ok()
        .filter(|v| !v.is_undefined() && !v.is_null())
}

/// `target[key]`, or undefined (also where reading it throws): the one
/// property reader of the web layer.
pub(super) fn field(target: &JsValue, key: &str) -> JsValue {
    Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// `target[key] = value` (a plain data property; setting one on an object
/// of ours cannot fail).
pub(super) fn set(target: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

/// `Math.random()`.
#[cfg(feature = "shared")]
pub(super) fn random() -> f64 {
    js_sys::Math::random()
}

#[wasm_bindgen(module = "/src/js/wasm/env.js")]
extern "C" {
    /// `globalThis`: one import, instead of js-sys's `global()`, which
    /// tries `globalThis`, `self`, `window` and `global` in turn and caches
    /// each in a thread-local (measured: BENCHMARKS.md, "The rest of the
    /// weight").
    fn realm() -> JsValue;
}

/// The global object of this realm (window, worker, service worker, Node).
pub(super) fn global() -> JsValue {
    realm()
}

/// The global `fetch`, if there is one.
pub(super) fn fetch_function() -> Option<Function> {
    get(&global(), "fetch").and_then(|f| f.dyn_into::<Function>().ok())
}

/// Whether `fetch` can stream a response body: `fetch`, `AbortController`
/// and `Response.prototype.body` (a `ReadableStream`) all exist.
pub(super) fn can_stream_fetch() -> bool {
    let g = global();
    fetch_function().is_some()
        && get(&g, "AbortController").is_some()
        && get(&g, "ReadableStream").is_some()
        && get(&g, "Response")
            .and_then(|r| get(&r, "prototype"))
            .is_some_and(|p| Reflect::has(&p, &JsValue::from_str("body")).unwrap_or(false))
}

/// Whether this realm has an `EventSource` of its own.
pub(super) fn has_native_event_source() -> bool {
    get(&global(), "EventSource").is_some_and(|v| v.is_function())
}

/// Whether `XMLHttpRequest` exists (not in service workers or Node).
pub(super) fn has_xhr() -> bool {
    get(&global(), "XMLHttpRequest").is_some_and(|v| v.is_function())
}

/// The `credentials` mode for `withCredentials` (HTML §9.2.2 step 8).
pub(super) fn credentials(with_credentials: bool) -> &'static str {
    if with_credentials { "include" } else { "same-origin" }
}
