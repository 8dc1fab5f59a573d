//! The page's lifecycle and the network, for one Rust source (as
//! `src/js/lifecycle.js` and `src/js/state.js` do for the JavaScript
//! class): `offline`/`online`, the back/forward cache, hiding the page with
//! `pause_when_hidden`, and `window.stop()`.

use alloc::rc::{Rc, Weak};
use alloc::vec::Vec;
use core::cell::Cell;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use super::front::Front;
use crate::web::driver::Driver;
use crate::web::env;
use crate::web::handles::Listener;

// The one signal of `window.stop()` for both front-ends: the page's `stop`
// wrapped once, dispatching STOP_EVENT on the global object before it
// aborts the requests in flight.
#[wasm_bindgen(module = "/src/js/wasm/stop.js")]
extern "C" {
    #[wasm_bindgen(js_name = watchStop)]
    fn watch_stop();
}

/// What src/js/wasm/stop.js dispatches (its `STOP_EVENT`; tests/contract.rs
/// holds the two equal).
const STOP_EVENT: &str = "eventsource-wasm:stop";

/// Why a source is suspended: the page is hidden, or in the back/forward
/// cache (each resumes only what it suspended).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Why {
    Hidden,
    Cached,
}

/// The page lifecycle and the network, for one source (as
/// `src/js/lifecycle.js` does for the JavaScript class): `offline`/`online`
/// tell the machine; a page with an open connection cannot enter the
/// back/forward cache, so `pagehide` (persisted) suspends and `pageshow`
/// (persisted) resumes with `Last-Event-ID`; with `pause_when_hidden`, so
/// does hiding the page. Looked up here, when the source is made.
pub(super) fn watch(driver: &Rc<Driver<Front>>, front: &Front, pause_when_hidden: bool) -> Vec<Listener> {
    let mut held = Vec::new();
    let Ok(global) = env::global().dyn_into::<web_sys::EventTarget>() else {
        return held;
    };
    let weak = Rc::downgrade(driver);
    let suspended = Rc::new(Cell::new(None::<Why>));
    for (kind, online) in [("online", true), ("offline", false)] {
        let weak = weak.clone();
        held.push(Listener::new(&global, kind, move |_| {
            if let Some(driver) = weak.upgrade() {
                driver.input(|machine, now| machine.set_online(now, online));
            }
        }));
    }
    // A shared source leaves its group instead (another source leads at
    // once; with every page hidden, none does), and joins it again as a
    // newcomer.
    let suspend = |weak: &Weak<Driver<Front>>, front: &Front, suspended: &Cell<Option<Why>>, why: Why| {
        if suspended.get().is_none() {
            if let Some(driver) = weak.upgrade() {
                suspended.set(Some(why));
                if front.shares() {
                    driver.leave_group();
                    front.leave_group();
                } else {
                    driver.input(|machine, _| machine.suspend());
                }
            }
        }
    };
    let resume = |weak: &Weak<Driver<Front>>, front: &Front, suspended: &Cell<Option<Why>>, why: Why| {
        if suspended.get() == Some(why) {
            suspended.set(None);
            if let Some(driver) = weak.upgrade() {
                if front.shares() {
                    front.rejoin(weak, &driver);
                } else {
                    driver.input(|machine, now| machine.resume(now));
                }
            }
        }
    };
    let document = env::field(&env::global(), "document");
    if document.is_undefined() {
        return held;
    }
    // window.stop() aborts the request in flight: it fails as aborted (HTML
    // §9.2.2), not as the network error Chromium's fetch reports.
    watch_stop();
    {
        let weak = weak.clone();
        held.push(Listener::new(&global, STOP_EVENT, move |_| {
            if let Some(driver) = weak.upgrade() {
                driver.page_stopped();
            }
        }));
    }
    for (kind, hide) in [("pagehide", true), ("pageshow", false)] {
        let (weak, front, suspended) = (weak.clone(), front.clone(), suspended.clone());
        held.push(Listener::new(&global, kind, move |event| {
            // A shared source lets go of its group's lock on any pagehide
            // (navigating away, closing, or into the cache), so that another
            // leads at once.
            if env::field(&event, "persisted").is_truthy() || (hide && front.shares()) {
                if hide {
                    suspend(&weak, &front, &suspended, Why::Cached);
                } else {
                    resume(&weak, &front, &suspended, Why::Cached);
                }
            }
        }));
    }
    if let (true, Ok(target)) = (pause_when_hidden, document.dyn_into::<web_sys::EventTarget>()) {
        let (weak, front, suspended) = (weak.clone(), front.clone(), suspended.clone());
        held.push(Listener::new(&target, "visibilitychange", move |_| {
            // Looked up when it changes (tests replace it).
            let hidden = env::field(&env::field(&env::global(), "document"), "hidden").is_truthy();
            if hidden {
                suspend(&weak, &front, &suspended, Why::Hidden);
            } else {
                resume(&weak, &front, &suspended, Why::Hidden);
            }
        }));
    }
    held
}
