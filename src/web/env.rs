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

/// `target[key] = value` (a plain data property; setting one on an object
/// of ours cannot fail).
pub fn set(target: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

pub fn global() -> JsValue {
    js_sys::global().into()
}

/// The global `fetch`, if there is one.
pub fn fetch_function() -> Option<Function> {
    get(&global(), "fetch").and_then(|f| f.dyn_into::<Function>().ok())
}

/// Whether `fetch` can stream a response body: `fetch`, `AbortController`
/// and `Response.prototype.body` (a `ReadableStream`) all exist.
pub fn can_stream_fetch() -> bool {
    let g = global();
    fetch_function().is_some()
        && get(&g, "AbortController").is_some()
        && get(&g, "ReadableStream").is_some()
        && get(&g, "Response")
            .and_then(|r| get(&r, "prototype"))
            .is_some_and(|p| Reflect::has(&p, &JsValue::from_str("body")).unwrap_or(false))
}

/// Whether this realm has an `EventSource` of its own.
pub fn has_native_event_source() -> bool {
    get(&global(), "EventSource").is_some_and(|v| v.is_function())
}

/// Whether `XMLHttpRequest` exists (not in service workers or Node).
pub fn has_xhr() -> bool {
    get(&global(), "XMLHttpRequest").is_some_and(|v| v.is_function())
}

/// The serialized origin of an absolute http(s) URL as the URL parser
/// serializes it (default ports already dropped), or `None` for other
/// schemes. (Bytes, not `str` slicing: a `str` slice's panic path would pull
/// Unicode tables and the formatting machinery into the wasm.)
fn origin_of(url: &str) -> Option<&[u8]> {
    let bytes = url.as_bytes();
    let scheme = if bytes.starts_with(b"http://") {
        7
    } else if bytes.starts_with(b"https://") {
        8
    } else {
        return None;
    };
    let host_end = bytes
        .iter()
        .skip(scheme)
        .position(|&b| matches!(b, b'/' | b'?' | b'#'))
        .map_or(bytes.len(), |p| p + scheme);
    bytes.get(..host_end)
}

/// Whether a request to `url` is cross-origin for this realm, which CORS
/// applies to. False where there is no origin (Node, which has no CORS).
pub fn is_cross_origin(url: &str) -> bool {
    let here = get(&global(), "location")
        .and_then(|l| get(&l, "origin"))
        .and_then(|o| o.as_string());
    match (here, origin_of(url)) {
        (Some(here), Some(there)) => here.as_bytes() != there,
        _ => false,
    }
}
