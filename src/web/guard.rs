//! Every way JavaScript calls into the wasm (a timer, an event listener, a
//! promise settling) goes through a small JavaScript wrapper that catches a
//! trap. wasm32 aborts on panic: the panic hook has already reported it and
//! poisoned the source whose code ran (see `panic`), and without the wrapper
//! the trap would escape as an uncaught exception, which takes a Node
//! process down and which the page would see. This is also why there is no
//! async executor here: its microtask is one call site nobody could guard.

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
// A trap is a RuntimeError from the wasm: already reported by the panic
// hook. Anything else is a bug in JavaScript and goes on as it was.
function contain(error) {
  if (!(error instanceof WebAssembly.RuntimeError)) throw error;
}
export function guarded(f) {
  return function (a, b) {
    try {
      f(a, b);
    } catch (error) {
      contain(error);
    }
  };
}
// Calls `once(true, value)` or `once(false, reason)`, exactly once, so a
// self-freeing closure is always freed.
export function settle(promise, once) {
  promise.then(
    (value) => {
      try {
        once(true, value);
      } catch (error) {
        contain(error);
      }
    },
    (reason) => {
      try {
        once(false, reason);
      } catch (error) {
        contain(error);
      }
    },
  );
}
"#)]
extern "C" {
    /// `f` wrapped so that a trap inside it is contained.
    pub fn guarded(f: &Function) -> Function;
    fn settle(promise: &Promise, once: JsValue);
}

/// Run `then` when `promise` settles, with `Ok(value)` or `Err(reason)`.
/// The closure frees itself once called, and it is always called once.
pub fn on_settle(promise: &Promise, then: impl FnOnce(Result<JsValue, JsValue>) + 'static) {
    let once = Closure::once_into_js(move |ok: bool, value: JsValue| then(if ok { Ok(value) } else { Err(value) }));
    settle(promise, once);
}
