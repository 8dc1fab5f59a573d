//! The fetch transport: `fetch()` with the request HTML §9.2.2 describes, the
//! body read chunk by chunk through a `ReadableStream` reader, everything
//! reported through the seam.

use alloc::rc::Rc;
use core::cell::RefCell;

use eventsource_core::machine::Failure;
use js_sys::{Object, Promise, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{AbortController, Response};

use crate::web::guard::{Callback, Settle, on_settle, settled};
use crate::web::seam::{Chunk, Report, Reporter, RequestSpec};
use crate::web::{env, stats};

#[wasm_bindgen(module = "/src/js/wasm/pump.js")]
extern "C" {
    #[wasm_bindgen(catch)]
    fn pump(
        body: &web_sys::ReadableStream,
        size: u32,
        max: u32,
        chunk: &js_sys::Function,
        end: &js_sys::Function,
    ) -> Result<JsValue, JsValue>;
    fn stop(slot: &JsValue);
}

/// A request in flight. Dropping it aborts the fetch and the body read and
/// cancels the promise callback it waits on.
pub(super) struct FetchRequest {
    inner: Rc<Inner>,
}

struct Inner {
    controller: AbortController,
    reporter: Reporter,
    /// The promise callback the request waits on for the response.
    awaiting: RefCell<Option<Settle>>,
    /// The body's read loop, once there is a body.
    body: RefCell<Option<Pump>>,
}

/// The body's read loop (`pump` above) and the two callbacks it calls, for
/// as long as this lives: dropping it stops the loop (no callback after)
/// and frees them. Counted as one promise callback in [`stats`].
struct Pump {
    slot: JsValue,
    _chunk: Callback,
    _end: Callback,
}

impl Drop for Pump {
    fn drop(&mut self) {
        // If a callback is running right now, wasm-bindgen defers freeing it
        // until it returns.
        stop(&self.slot);
        stats::CALLBACKS.decrement();
    }
}

impl Drop for FetchRequest {
    fn drop(&mut self) {
        self.inner.controller.abort();
        drop(self.inner.awaiting.borrow_mut().take());
        drop(self.inner.body.borrow_mut().take());
        stats::REQUESTS.decrement();
    }
}

/// The first BYOB buffer, in bytes: a stream of small events (most) never
/// needs more, and a page with many sources holds 4 KiB for each.
const BYOB_FIRST: u32 = 4 * 1024;
/// The largest BYOB buffer: a read that fills one doubles it, up to this.
const BYOB_MAX: u32 = 64 * 1024;

/// Start the request: the init (from the link) gets this request's abort
/// signal, and the fetch function (the `fetch` option's, else the global
/// one, looked up now) is called with it.
pub(super) fn start(spec: &RequestSpec<'_>, reporter: Reporter) -> Result<FetchRequest, JsValue> {
    let fetch = match spec.fetch {
        Some(custom) => custom.clone(),
        None => env::fetch_function().ok_or_else(|| JsValue::from_str("fetch is not available"))?,
    };
    let controller = AbortController::new()?;
    env::set(spec.init, "signal", &controller.signal());
    let promise = fetch.call2(&JsValue::UNDEFINED, &JsValue::from_str(spec.url), spec.init)?;
    Ok(adopt(&Promise::resolve(&promise), controller, reporter))
}

/// Take over a fetch already made (the shell's first request, made while
/// the core was loading): `promise` of its response, `controller` its abort.
pub(super) fn adopt(promise: &Promise, controller: AbortController, reporter: Reporter) -> FetchRequest {
    let inner = Rc::new(Inner {
        controller,
        reporter,
        awaiting: RefCell::new(None),
        body: RefCell::new(None),
    });
    stats::REQUESTS.increment();
    let weak = Rc::downgrade(&inner);
    inner.wait(on_settle(promise, move |result| {
        if let Some(inner) = weak.upgrade() {
            responded(&inner, result);
        }
    }));
    FetchRequest { inner }
}

impl Inner {
    fn wait(&self, settle: Settle) {
        // The one replaced has run (or this is the first).
        let old = self.awaiting.replace(Some(settle));
        drop(old);
    }

    fn report(&self, report: Report<'_>) -> bool {
        self.reporter.report(report)
    }
}

/// How a rejected fetch or read failed: an `AbortError` that is not ours
/// (ours cancels the callback first) is someone else's abort, which fails
/// the connection (HTML §9.2.2); anything else is the network.
pub(super) fn failure_of(reason: &JsValue) -> Failure {
    let name = env::field(reason, "name").as_string();
    if name.as_deref() == Some("AbortError") {
        Failure::Aborted
    } else {
        Failure::Network
    }
}

/// The fetch promise settled.
fn responded(inner: &Rc<Inner>, result: Result<JsValue, JsValue>) {
    let response: Response = match result {
        Ok(value) if value.is_instance_of::<Object>() => value.unchecked_into(),
        Ok(value) => {
            // A custom fetch resolved with no Response.
            inner.report(Report::Failed(Failure::Network, value));
            return;
        }
        Err(reason) => {
            inner.report(Report::Failed(failure_of(&reason), reason));
            return;
        }
    };
    let head = Report::Head {
        status: response.status(),
        status_text: response.status_text(),
        content_type: response.headers().get("content-type").ok().flatten(),
        www_authenticate: response.headers().get("www-authenticate").ok().flatten(),
        content_encoding: response.headers().get("content-encoding").ok().flatten(),
        final_url: response.url(),
    };
    if !inner.report(head) {
        return;
    }
    let Some(body) = response.body() else {
        inner.report(Report::End);
        return;
    };
    read_body(inner, &body);
}

/// Read the body to its end through `pump`: each chunk is reported as it
/// comes, then the end or the failure.
fn read_body(inner: &Rc<Inner>, body: &web_sys::ReadableStream) {
    let weak = Rc::downgrade(inner);
    let chunk = Callback::new(move |chunk: JsValue| {
        let Some(inner) = weak.upgrade() else { return };
        let chunk: Uint8Array = chunk.unchecked_into();
        let len = chunk.length();
        if !inner.report(Report::Body(Chunk::Js(&chunk, len))) {
            // No longer wanted: read no more (the request is being released).
            drop(inner.body.borrow_mut().take());
        }
    });
    let weak = Rc::downgrade(inner);
    let end = Callback::new(move |outcome: JsValue| {
        let Some(inner) = weak.upgrade() else { return };
        inner.report(match settled(&outcome) {
            Ok(_) => Report::End,
            Err(reason) => Report::Failed(failure_of(&reason), reason),
        });
    });
    let slot = match pump(
        body,
        BYOB_FIRST,
        BYOB_MAX,
        chunk.as_ref().unchecked_ref(),
        end.as_ref().unchecked_ref(),
    ) {
        Ok(slot) => slot,
        // A body that cannot be read (locked, or no stream at all).
        Err(reason) => {
            inner.report(Report::Failed(failure_of(&reason), reason));
            return;
        }
    };
    stats::CALLBACKS.increment();
    // The response's callback, which is running now (wasm-bindgen frees it
    // once it returns), is done with.
    let response = inner.awaiting.borrow_mut().take();
    drop(response);
    let old = inner.body.replace(Some(Pump {
        slot,
        _chunk: chunk,
        _end: end,
    }));
    drop(old);
}
