//! RAII handles for JavaScript resources: each releases what it holds when
//! dropped, so a closed or dropped source leaves no timer, listener or closure
//! behind: every closure is owned by a value that frees it. Each also counts itself in
//! [`crate::web::stats`], which the leak tests read. Timers and listeners
//! call into the wasm through `guard::guarded`, so that a trap there is
//! contained (see `guard`).

use js_sys::Function;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::web::guard::guarded;
use crate::web::stats;

#[wasm_bindgen]
extern "C" {
    // Bound as globals, not through `window`, so they exist in windows,
    // workers and Node alike. Node's setTimeout returns an object, not a
    // number, so the id is kept as an opaque value.
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &Function, delay_ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
}

/// A one-shot timer. Dropping it cancels it (and frees its closure).
pub struct Timeout {
    id: JsValue,
    _callback: Closure<dyn FnMut()>,
}

impl Timeout {
    /// Call `callback` once after `delay_ms` (capped by the caller at the
    /// platform's 2^31 − 1 ms).
    pub fn new(delay_ms: u64, callback: impl FnMut() + 'static) -> Timeout {
        let callback = Closure::<dyn FnMut()>::new(callback);
        let id = set_timeout(&guarded(callback.as_ref().unchecked_ref()), delay_ms as f64);
        stats::TIMERS.increment();
        Timeout {
            id,
            _callback: callback,
        }
    }
}

impl Drop for Timeout {
    fn drop(&mut self) {
        // Clearing a timer that already fired is a no-op. If the callback is
        // running right now, wasm-bindgen defers freeing it until it returns.
        clear_timeout(&self.id);
        stats::TIMERS.decrement();
    }
}

/// `target.addEventListener(type, closure)` for as long as this lives.
pub struct Listener {
    target: web_sys::EventTarget,
    event_type: &'static str,
    /// The guarded function given to addEventListener (needed to remove it).
    wrapper: Function,
    _callback: Closure<dyn FnMut(web_sys::Event)>,
}

impl Listener {
    pub fn new(
        target: &web_sys::EventTarget,
        event_type: &'static str,
        callback: impl FnMut(web_sys::Event) + 'static,
    ) -> Listener {
        let callback = Closure::<dyn FnMut(web_sys::Event)>::new(callback);
        let wrapper = guarded(callback.as_ref().unchecked_ref());
        let _ = target.add_event_listener_with_callback(event_type, &wrapper);
        stats::LISTENERS.increment();
        Listener {
            target: target.clone(),
            event_type,
            wrapper,
            _callback: callback,
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self
            .target
            .remove_event_listener_with_callback(self.event_type, &self.wrapper);
        stats::LISTENERS.decrement();
    }
}
