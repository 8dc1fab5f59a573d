//! The CORS probe (`Order::Probe`): does the server of a URL answer a
//! request that CORS cannot refuse?
//!
//! A fetch (or XHR) that CORS refuses fails exactly like one whose server
//! cannot be reached, but the two call for opposite things: the spec
//! reconnects after a network error, while a refusal will refuse again, so
//! browsers fail the connection. One `no-cors` request tells them apart: if
//! the server answers it, the failure was the refusal. The probe is aborted
//! as soon as its head arrives (an event stream would stay open). The
//! machine decides when to probe and what the answer means.

use alloc::rc::Rc;

use js_sys::{Object, Promise};
use wasm_bindgen::prelude::*;
use web_sys::AbortController;

use crate::web::env;
use crate::web::guard::{Settle, on_settle};
use crate::web::seam::{Report, Reporter};

/// A probe in flight; dropping it aborts it and cancels its callback.
pub(super) struct Probe {
    controller: Rc<AbortController>,
    _settle: Option<Settle>,
}

impl Drop for Probe {
    fn drop(&mut self) {
        self.controller.abort();
    }
}

/// Probe `url`. The answer is reported as [`Report::Probed`]: at once
/// (false) when no probe can be made, else when it settles.
pub(super) fn start(url: &str, with_credentials: bool, reporter: Reporter) -> Option<Probe> {
    let (Some(fetch), Ok(controller)) = (env::fetch_function(), AbortController::new()) else {
        reporter.report(Report::Probed(false));
        return None;
    };
    let init = Object::new();
    env::set(&init, "mode", &"no-cors".into());
    env::set(&init, "credentials", &env::credentials(with_credentials).into());
    env::set(&init, "cache", &"no-store".into());
    env::set(&init, "signal", &controller.signal());
    let Ok(promise) = fetch.call2(&JsValue::UNDEFINED, &JsValue::from_str(url), &init) else {
        reporter.report(Report::Probed(false));
        return None;
    };
    let controller = Rc::new(controller);
    let abort = controller.clone();
    let settle = on_settle(&Promise::resolve(&promise), move |result| {
        // Only the head was wanted.
        abort.abort();
        reporter.report(Report::Probed(result.is_ok()));
    });
    Some(Probe {
        controller,
        _settle: Some(settle),
    })
}
