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

/// Start the request. The init is a plain object (one `Reflect.set`
/// binding instead of one binding per RequestInit field).
pub fn start(spec: &RequestSpec<'_>, reporter: Reporter) -> Result<FetchRequest, JsValue> {
    let fetch = match spec.fetch {
        Some(custom) => custom.clone(),
        None => env::fetch_function().ok_or_else(|| JsValue::from_str("fetch is not available"))?,
    };
    let controller = AbortController::new()?;
    let init = Object::new();
    env::set(&init, "method", &spec.method.into());
    env::set(&init, "headers", spec.headers);
    if !spec.body.is_undefined() {
        env::set(&init, "body", spec.body);
    }
    env::set(&init, "mode", &"cors".into());
    env::set(&init, "credentials", &env::credentials(spec.with_credentials).into());
    // HTML §9.2.2: cache mode "no-store" (the browser then adds
    // Cache-Control: no-cache itself, without a CORS preflight).
    env::set(&init, "cache", &"no-store".into());
    env::set(&init, "redirect", &"follow".into());
    env::set(&init, "signal", &controller.signal());
    let inner = Rc::new(Inner {
        controller,
        reporter,
        awaiting: RefCell::new(None),
    });
    stats::REQUESTS.increment();
    let request = FetchRequest { inner };
    let promise = fetch.call2(&JsValue::UNDEFINED, &JsValue::from_str(spec.url), &init)?;
    let weak = Rc::downgrade(&request.inner);
    request
        .inner
        .wait(on_settle(&Promise::resolve(&promise), move |result| {
            if let Some(inner) = weak.upgrade() {
                responded(&inner, result);
            }
        }));
    Ok(request)
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
