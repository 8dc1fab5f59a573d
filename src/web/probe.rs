//! Telling a CORS refusal from a network error.
//!
//! A fetch that CORS refuses fails with the same `TypeError` as one whose
//! server cannot be reached, but the two call for opposite things: the spec
//! reconnects after a network error, while a refusal will refuse again
//! ("unless the user agent knows that to be futile", HTML §9.2.2), so
//! browsers fail the connection (error, CLOSED). After a cross-origin request
//! fails, one `no-cors` request asks whether the server answers at all: if it
//! does, the failure was the refusal and the connection fails; if not, it was
//! the network and the source reconnects. The probe is aborted as soon as its
//! head arrives, and same-origin requests (which CORS cannot refuse) are
//! never probed.

use js_sys::{Object, Promise};
use wasm_bindgen::prelude::*;
use web_sys::AbortController;

use crate::web::env;
use crate::web::guard::{Settle, on_settle};

/// Ask whether the server of `url` answers a `no-cors` request; `then`
/// gets the answer, at once when the probe cannot be made, else when it
/// settles unless the returned handle is dropped first (which also aborts
/// the probe).
pub fn server_answers(url: &str, with_credentials: bool, then: impl FnOnce(bool) + 'static) -> Option<Settle> {
    let (Some(fetch), Ok(controller)) = (env::fetch_function(), AbortController::new()) else {
        then(false);
        return None;
    };
    let init = Object::new();
    let set = |key: &str, value: &JsValue| env::set(&init, key, value);
    set("mode", &"no-cors".into());
    set(
        "credentials",
        &(if with_credentials { "include" } else { "same-origin" }).into(),
    );
    set("cache", &"no-store".into());
    set("signal", &controller.signal());
    let Ok(promise) = fetch.call2(&JsValue::UNDEFINED, &JsValue::from_str(url), &init) else {
        then(false);
        return None;
    };
    // Only the head is wanted: the probe's connection is closed once it
    // answered (an event stream would otherwise stay open), or when the
    // callback is dropped unanswered.
    let probe = Abort(controller);
    Some(on_settle(&Promise::resolve(&promise), move |result| {
        drop(probe);
        then(result.is_ok());
    }))
}

/// Aborts its controller when dropped.
struct Abort(AbortController);

impl Drop for Abort {
    fn drop(&mut self) {
        self.0.abort();
    }
}
