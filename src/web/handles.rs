//! RAII handles for JavaScript listeners: each releases what it holds when
//! dropped, so a closed or dropped source leaves no listener or closure
//! behind. Each counts itself in [`crate::web::stats`], which the leak tests
//! read, and calls into the wasm through `guard::guarded`, so that a trap
//! there is contained (see `guard`). Timers are in `clock`.

use js_sys::Function;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::web::guard::{Callback, guarded};
use crate::web::stats;

/// `target.addEventListener(type, closure)` for as long as this lives.
pub(super) struct Listener {
    target: web_sys::EventTarget,
    event_type: &'static str,
    /// The guarded function given to addEventListener (needed to remove it).
    wrapper: Function,
    _callback: Callback,
}

impl Listener {
    pub(super) fn new(
        target: &web_sys::EventTarget,
        event_type: &'static str,
        mut callback: impl FnMut(web_sys::Event) + 'static,
    ) -> Listener {
        let callback = Callback::new(move |event: JsValue| callback(event.unchecked_into()));
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
