//! Time, as the page's own globals tell it: `Date.now()`, `setTimeout` and
//! `clearTimeout` are looked up on the global object at every call, never
//! once at load, so fake clocks (`@sinonjs/fake-timers`, Jest's and
//! Vitest's) that replace them after this package was imported drive every
//! reconnection and heartbeat.

use eventsource_core::Instant;
use js_sys::Function;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::web::guard::{Callback, guarded};
use crate::web::stats;

#[wasm_bindgen(module = "/src/js/wasm/clock.js")]
extern "C" {
    /// Milliseconds since the epoch: a wall clock, which keeps counting
    /// while a device sleeps (the machine notices a wake by it).
    fn now() -> f64;
    // Node's setTimeout returns an object, not a number: the id is opaque.
    fn arm(handler: &Function, delay_ms: f64) -> JsValue;
    fn disarm(id: &JsValue);
    fn soon(handler: &Function) -> JsValue;
    fn drop_soon(slot: &JsValue);
}

/// The machine's clock: `Date.now()` as the core's [`Instant`], whole
/// milliseconds (0 before the epoch, which only a broken fake clock
/// reports). Where the platform's number becomes the core's type.
pub(super) fn now_ms() -> Instant {
    let now = now();
    Instant(if now > 0.0 { now as u64 } else { 0 })
}

/// The largest delay a platform timer takes (2^31 − 1 ms); a longer one
/// would fire at once, so longer waits are armed in steps.
const MAX_TIMER_DELAY: u64 = 0x7FFF_FFFF;

/// A one-shot platform timer. Dropping it cancels it (and frees its closure).
pub(super) struct Timeout {
    id: JsValue,
    /// Whether `id` is a promise job's slot (a deadline already due), not a
    /// platform timer.
    due: bool,
    _callback: Callback,
}

impl Timeout {
    /// Call `callback` once after `delay_ms` (at most 2^31 − 1 ms). With no
    /// delay, from a promise job once the running code is done, not from a
    /// platform timer: so a deadline already due (the first request, which
    /// the machine makes at its creation time) needs no clock, and a fake
    /// clock installed before a source is made (Vitest's `useFakeTimers()`
    /// in `beforeEach`) holds only the delays it should, reconnection and
    /// heartbeat. Like the timer it replaces, it runs after the code that
    /// constructed the source, so a `close()` there still means no request.
    pub(super) fn new(delay_ms: u64, mut callback: impl FnMut() + 'static) -> Timeout {
        let callback = Callback::new(move |_: JsValue| callback());
        let handler = guarded(callback.as_ref().unchecked_ref());
        let due = delay_ms == 0;
        let id = if due {
            soon(&handler)
        } else {
            arm(&handler, delay_ms.min(MAX_TIMER_DELAY) as f64)
        };
        stats::TIMERS.increment();
        Timeout {
            id,
            due,
            _callback: callback,
        }
    }
}

impl Drop for Timeout {
    fn drop(&mut self) {
        // Clearing a timer that already fired is a no-op. If the callback is
        // running right now, wasm-bindgen defers freeing it until it returns.
        if self.due {
            drop_soon(&self.id);
        } else {
            disarm(&self.id);
        }
        stats::TIMERS.decrement();
    }
}
