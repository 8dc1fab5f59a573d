//! The fetch transport: `fetch()` with the request HTML §9.2.2 describes, the
//! body read chunk by chunk through a `ReadableStream` reader, everything
//! reported through the seam.

use alloc::rc::{Rc, Weak};
use core::cell::RefCell;

use js_sys::{Object, Promise, Reflect, Uint8Array};
use sse_core::machine::Failure;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{
    AbortController, ReadableStreamByobReader, ReadableStreamDefaultReader, ReadableStreamReadResult, Response,
};

use crate::web::guard::{Settle, on_settle};
use crate::web::seam::{Chunk, Report, Reporter, RequestSpec};
use crate::web::{env, stats};

/// A request in flight. Dropping it aborts the fetch and the body read and
/// cancels the promise callback it waits on.
pub struct FetchRequest {
    inner: Rc<Inner>,
}

struct Inner {
    controller: AbortController,
    reporter: Reporter,
    /// The promise callback the request waits on: the response, then each
    /// body read, one at a time.
    awaiting: RefCell<Option<Settle>>,
}

impl Drop for FetchRequest {
    fn drop(&mut self) {
        self.inner.controller.abort();
        drop(self.inner.awaiting.borrow_mut().take());
        stats::REQUESTS.decrement();
    }
}

/// Bytes a BYOB read may fill at most.
const BYOB_CHUNK: u32 = 64 * 1024;

/// Start the request: the init (from the link) gets this request's abort
/// signal, and the fetch function (the `fetch` option's, else the global
/// one, looked up now) is called with it.
pub fn start(spec: &RequestSpec<'_>, reporter: Reporter) -> Result<FetchRequest, JsValue> {
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
pub fn adopt(promise: &Promise, controller: AbortController, reporter: Reporter) -> FetchRequest {
    let inner = Rc::new(Inner {
        controller,
        reporter,
        awaiting: RefCell::new(None),
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
pub fn failure_of(reason: &JsValue) -> Failure {
    let name = Reflect::get(reason, &JsValue::from_str("name"))
        .ok()
        .and_then(|n| n.as_string());
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
        Ok(_) => {
            inner.report(Report::Failed(Failure::Network));
            return;
        }
        Err(reason) => {
            inner.report(Report::Failed(failure_of(&reason)));
            return;
        }
    };
    let head = Report::Head {
        status: response.status(),
        status_text: response.status_text(),
        content_type: response.headers().get("content-type").ok().flatten(),
        www_authenticate: response.headers().get("www-authenticate").ok().flatten(),
        final_url: response.url(),
    };
    if !inner.report(head) {
        return;
    }
    let Some(body) = response.body() else {
        inner.report(Report::End);
        return;
    };
    // A BYOB reader fills one buffer of ours, which comes back on every read:
    // no new ArrayBuffer per chunk, so a long stream leaves far less garbage
    // (browsers' fetch bodies are byte streams). Otherwise the default reader.
    match ReadableStreamByobReader::new(&body) {
        Ok(reader) => read_byob(inner, reader, Uint8Array::new_with_length(BYOB_CHUNK)),
        Err(_) => read_default(inner, body.get_reader().unchecked_into()),
    }
}

/// What a read gave: a chunk that was fed, or `None` (the end, an error, or
/// the request is no longer wanted).
fn take_chunk(inner: &Inner, result: Result<JsValue, JsValue>) -> Option<Uint8Array> {
    let result: ReadableStreamReadResult = match result {
        Ok(result) => result.unchecked_into(),
        Err(reason) => {
            inner.report(Report::Failed(failure_of(&reason)));
            return None;
        }
    };
    if result.get_done().unwrap_or(true) {
        inner.report(Report::End);
        return None;
    }
    let chunk: Uint8Array = result.get_value().unchecked_into();
    inner.report(Report::Body(Chunk::Js(&chunk))).then_some(chunk)
}

fn read_byob(inner: &Rc<Inner>, reader: ReadableStreamByobReader, view: Uint8Array) {
    let promise = reader.read_with_array_buffer_view(&view);
    let weak: Weak<Inner> = Rc::downgrade(inner);
    inner.wait(on_settle(&promise, move |result| {
        let Some(inner) = weak.upgrade() else { return };
        if let Some(chunk) = take_chunk(&inner, result) {
            // The buffer was transferred to the stream and back: read into it again.
            read_byob(&inner, reader, Uint8Array::new(&chunk.buffer()));
        }
    }));
}

fn read_default(inner: &Rc<Inner>, reader: ReadableStreamDefaultReader) {
    let promise = reader.read();
    let weak = Rc::downgrade(inner);
    inner.wait(on_settle(&promise, move |result| {
        let Some(inner) = weak.upgrade() else { return };
        if take_chunk(&inner, result).is_some() {
            read_default(&inner, reader);
        }
    }));
}

/// The first request, made by the JavaScript shell while the core was
/// loading (`src/js/prefetch.js`): `{ url, lastEventId, authorize, promise,
/// controller }`. Dropped without being adopted, it is aborted.
pub struct Prefetched {
    value: Option<JsValue>,
}

fn field(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

impl Prefetched {
    pub fn new(value: JsValue) -> Option<Prefetched> {
        value.is_object().then_some(Prefetched { value: Some(value) })
    }

    /// Whether it is the request the machine asks for, exactly.
    pub fn matches(&self, request: &sse_core::machine::Request) -> bool {
        let Some(value) = &self.value else { return false };
        request.kind == sse_core::machine::RequestKind::First
            && field(value, "url").as_string().as_deref() == Some(request.url.as_str())
            && field(value, "lastEventId").as_string().as_deref()
                == Some(request.last_event_id.as_deref().unwrap_or(""))
            && field(value, "authorize").as_bool() == Some(request.authorize)
    }

    /// Whether the page called `window.stop()` while it was in flight.
    pub fn stopped(&self) -> bool {
        self.value
            .as_ref()
            .is_some_and(|value| field(value, "stopped").is_truthy())
    }

    /// Take it over as the request in flight.
    pub fn adopt(mut self, reporter: Reporter) -> Option<FetchRequest> {
        let value = self.value.take()?;
        let promise: Promise = field(&value, "promise").dyn_into().ok()?;
        let controller: AbortController = field(&value, "controller").dyn_into().ok()?;
        Some(adopt(&promise, controller, reporter))
    }
}

impl Drop for Prefetched {
    fn drop(&mut self) {
        if let Some(value) = &self.value {
            if let Ok(controller) = field(value, "controller").dyn_into::<AbortController>() {
                controller.abort();
            }
        }
    }
}
