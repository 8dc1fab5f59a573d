//! The fetch transport: `fetch()` with the request HTML §9.2.2 describes, the
//! body read chunk by chunk through a `ReadableStream` reader.

use alloc::string::String;

use js_sys::{Object, Promise, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{
    AbortController, ReadableStreamByobReader, ReadableStreamDefaultReader, ReadableStreamReadResult, Response,
};

use crate::web::driver::{RequestSpec, WeakDriver};
use crate::web::guard::{Settle, on_settle};
use crate::web::{env, probe, stats};

/// The part of a request the driver holds: aborting it ends the fetch and
/// the body read, which makes the task below finish.
pub struct FetchRequest {
    controller: AbortController,
}

impl Drop for FetchRequest {
    fn drop(&mut self) {
        self.controller.abort();
        stats::REQUESTS.decrement();
    }
}

/// Header values are byte strings: a value is sent as the code units of a
/// string in which each char stands for one byte. The last event ID is sent
/// as UTF-8 bytes, as browsers do, so each of its UTF-8 bytes becomes a char.
pub fn byte_string(text: &str) -> String {
    text.bytes().map(char::from).collect()
}

/// Start the request and the task that reads it. The init is a plain object
/// (one `Reflect.set` binding instead of one binding per RequestInit field).
pub fn start(driver: WeakDriver, generation: u32, spec: &RequestSpec<'_>) -> Result<FetchRequest, JsValue> {
    let fetch = match spec.fetch {
        Some(custom) => custom.clone(),
        None => env::fetch_function().ok_or_else(|| JsValue::from_str("fetch is not available"))?,
    };
    let controller = AbortController::new()?;
    stats::REQUESTS.increment();
    let request = FetchRequest { controller };
    let init = Object::new();
    env::set(&init, "method", &spec.method.into());
    env::set(&init, "headers", spec.headers);
    if !spec.body.is_undefined() {
        env::set(&init, "body", spec.body);
    }
    env::set(&init, "mode", &"cors".into());
    env::set(
        &init,
        "credentials",
        &(if spec.with_credentials {
            "include"
        } else {
            "same-origin"
        })
        .into(),
    );
    // HTML §9.2.2: cache mode "no-store" (the browser then adds
    // Cache-Control: no-cache itself, without a CORS preflight).
    env::set(&init, "cache", &"no-store".into());
    env::set(&init, "redirect", &"follow".into());
    env::set(&init, "signal", &request.controller.signal());
    let promise = fetch.call2(&JsValue::UNDEFINED, &JsValue::from_str(spec.url), &init)?;
    let (url, with_credentials) = (String::from(spec.url), spec.with_credentials);
    let weak = driver.clone();
    let settle = on_settle(&Promise::resolve(&promise), move |result| {
        responded(weak, generation, result, url, with_credentials)
    });
    wait_on(&driver, generation, settle);
    Ok(request)
}

/// The request failed before any response: a refusal or the network (see
/// `probe`), told apart only for cross-origin requests.
pub fn failed(driver: WeakDriver, generation: u32, url: String, with_credentials: bool) {
    let weak = driver.clone();
    let conclude = move |refused: bool| {
        if let Some(d) = weak.upgrade() {
            if refused {
                d.refused(generation);
            } else {
                d.network_error(generation);
            }
        }
    };
    if env::is_cross_origin(&url) {
        if let Some(settle) = probe::server_answers(&url, with_credentials, conclude) {
            wait_on(&driver, generation, settle);
        }
    } else {
        conclude(false);
    }
}

/// The fetch promise settled.
fn responded(
    driver: WeakDriver,
    generation: u32,
    result: Result<JsValue, JsValue>,
    request_url: String,
    with_credentials: bool,
) {
    let response: Response = match result {
        Ok(value) if value.is_object() => value.unchecked_into(),
        _ => {
            failed(driver, generation, request_url, with_credentials);
            return;
        }
    };
    let Some(d) = driver.upgrade() else { return };
    let content_type = response.headers().get("content-type").ok().flatten();
    if !d.response(
        generation,
        response.status(),
        response.status_text(),
        content_type.as_deref(),
        response.url(),
    ) {
        return;
    }
    let Some(body) = response.body() else {
        d.end(generation);
        return;
    };
    drop(d);
    // A BYOB reader fills one buffer of ours, which comes back on every read:
    // no new ArrayBuffer per chunk, so a long stream leaves far less garbage
    // (browsers' fetch bodies are byte streams). Otherwise the default reader.
    match ReadableStreamByobReader::new(&body) {
        Ok(reader) => read_byob(driver, generation, reader, Uint8Array::new_with_length(BYOB_CHUNK)),
        Err(_) => read_default(driver, generation, body.get_reader().unchecked_into()),
    }
}

/// Bytes a BYOB read may fill at most.
const BYOB_CHUNK: u32 = 64 * 1024;

/// What a read gave: a chunk to feed, the end, or an error.
fn take_chunk(driver: &WeakDriver, generation: u32, result: Result<JsValue, JsValue>) -> Option<Uint8Array> {
    let d = driver.upgrade()?;
    let Ok(result) = result else {
        d.network_error(generation);
        return None;
    };
    let result: ReadableStreamReadResult = result.unchecked_into();
    if result.get_done().unwrap_or(true) {
        d.end(generation);
        return None;
    }
    let chunk: Uint8Array = result.get_value().unchecked_into();
    // False once closed or failed: the request was aborted, which already
    // errored the stream.
    d.chunk(generation, &chunk).then_some(chunk)
}

fn read_byob(driver: WeakDriver, generation: u32, reader: ReadableStreamByobReader, view: Uint8Array) {
    let promise = reader.read_with_array_buffer_view(&view);
    let weak = driver.clone();
    let settle = on_settle(&promise, move |result| {
        if let Some(chunk) = take_chunk(&weak, generation, result) {
            // The buffer was transferred to the stream and back: read into it again.
            let next = Uint8Array::new(&chunk.buffer());
            read_byob(weak, generation, reader, next);
        }
    });
    wait_on(&driver, generation, settle);
}

fn read_default(driver: WeakDriver, generation: u32, reader: ReadableStreamDefaultReader) {
    let promise = reader.read();
    let weak = driver.clone();
    let settle = on_settle(&promise, move |result| {
        if take_chunk(&weak, generation, result).is_some() {
            read_default(weak, generation, reader);
        }
    });
    wait_on(&driver, generation, settle);
}

/// The request waits on `settle` now (its driver holds it).
fn wait_on(driver: &WeakDriver, generation: u32, settle: Settle) {
    if let Some(d) = driver.upgrade() {
        d.wait_on(generation, settle);
    }
}
