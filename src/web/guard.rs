//! Every way JavaScript calls into the wasm (a timer, an event listener, a
//! promise settling) goes through a small JavaScript wrapper that catches a
//! trap. wasm32 aborts on panic: the panic hook has already reported it and
//! poisoned the source whose code ran (see `panic`), and without the wrapper
//! the trap would escape as an uncaught exception, which takes a Node
//! process down and which the page would see. This is also why there is no
//! async executor here: its microtask is one call site nobody could guard.
//!
//! Every closure JavaScript calls takes one `JsValue` ([`Callback`]): each
//! closure signature costs wasm-bindgen an invoke shim, a destroy shim and
//! a conversion of its own (measured: BENCHMARKS.md, "The wasm's bytes,
//! change by change").

use js_sys::{Function, Promise};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::web::{env, stats};

/// The one closure type JavaScript calls into the wasm with.
pub(super) type Callback = Closure<dyn FnMut(JsValue)>;

#[wasm_bindgen(module = "/src/js/wasm/guard.js")]
extern "C" {
    /// `f` wrapped so that a trap inside it is contained.
    pub fn guarded(f: &Function) -> Function;
    fn settle(promise: &Promise, once: &Function) -> JsValue;
    fn cancel(slot: &JsValue);
}

/// A promise callback, for as long as this lives: dropping it (when its
/// request is dropped, or once it ran) cancels the call if it has not
/// happened and frees the closure, so a promise that never settles holds
/// nothing of ours.
#[must_use = "dropping a Settle cancels its callback"]
pub(super) struct Settle {
    slot: JsValue,
    _callback: Callback,
}

impl Drop for Settle {
    fn drop(&mut self) {
        // If the callback is running right now, wasm-bindgen defers freeing
        // it until it returns.
        cancel(&self.slot);
        stats::CALLBACKS.decrement();
    }
}

/// Run `then` when `promise` settles, with `Ok(value)` or `Err(reason)`,
/// unless the returned handle is dropped first.
pub(super) fn on_settle(promise: &Promise, then: impl FnOnce(Result<JsValue, JsValue>) + 'static) -> Settle {
    let mut then = Some(then);
    let callback = Callback::new(move |outcome: JsValue| {
        if let Some(then) = then.take() {
            then(settled(&outcome));
        }
    });
    let slot = settle(promise, callback.as_ref().unchecked_ref());
    stats::CALLBACKS.increment();
    Settle {
        slot,
        _callback: callback,
    }
}

/// An outcome from guard.js (`{ ok, value }`, made once per settled promise
/// or ended body, never per chunk) as a `Result`.
pub(super) fn settled(outcome: &JsValue) -> Result<JsValue, JsValue> {
    let value = env::field(outcome, "value");
    if env::field(outcome, "ok").is_truthy() {
        Ok(value)
    } else {
        Err(value)
    }
}
