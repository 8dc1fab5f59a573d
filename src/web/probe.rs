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

use js_sys::{Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use web_sys::AbortController;

use crate::web::env;
use crate::web::guard::on_settle;

/// Ask whether the server of `url` answers a `no-cors` request; `then`
/// gets the answer.
pub fn server_answers(url: &str, with_credentials: bool, then: impl FnOnce(bool) + 'static) {
    let (Some(fetch), Ok(controller)) = (env::fetch_function(), AbortController::new()) else {
        then(false);
        return;
    };
    let init = Object::new();
    let set = |key: &str, value: &JsValue| {
        let _ = Reflect::set(&init, &JsValue::from_str(key), value);
    };
    set("mode", &"no-cors".into());
    set(
        "credentials",
        &(if with_credentials { "include" } else { "same-origin" }).into(),
    );
    set("cache", &"no-store".into());
    set("signal", &controller.signal());
    let Ok(promise) = fetch.call2(&JsValue::UNDEFINED, &JsValue::from_str(url), &init) else {
        then(false);
        return;
    };
    on_settle(&Promise::resolve(&promise), move |result| {
        // Only the head was wanted: close the connection (an event stream
        // would otherwise stay open).
        controller.abort();
        then(result.is_ok());
    });
}
