//! The fetch transport: `fetch()` with the request HTML §9.2.2 describes, the
//! body read chunk by chunk through a `ReadableStream` reader.

use alloc::string::String;

use js_sys::{Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{JsFuture, spawn_local};
use web_sys::{AbortController, ReadableStreamDefaultReader, ReadableStreamReadResult, Response};

use crate::web::driver::{RequestSpec, WeakDriver};
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

fn set(target: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
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
    set(&init, "method", &spec.method.into());
    set(&init, "headers", spec.headers);
    if !spec.body.is_undefined() {
        set(&init, "body", spec.body);
    }
    set(&init, "mode", &"cors".into());
    set(
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
    set(&init, "cache", &"no-store".into());
    set(&init, "redirect", &"follow".into());
    set(&init, "signal", &request.controller.signal());
    let promise = fetch.call2(&JsValue::UNDEFINED, &JsValue::from_str(spec.url), &init)?;
    spawn_local(run(
        driver,
        generation,
        Promise::resolve(&promise),
        String::from(spec.url),
        spec.with_credentials,
    ));
    Ok(request)
}

/// The request failed before any response: a refusal or the network (see
/// `probe`).
pub async fn failed(driver: &WeakDriver, generation: u32, url: &str, with_credentials: bool) {
    let refused = env::is_cross_origin(url) && probe::server_answers(url, with_credentials).await;
    if let Some(d) = driver.upgrade() {
        if refused {
            d.refused(generation);
        } else {
            d.network_error(generation);
        }
    }
}

async fn run(driver: WeakDriver, generation: u32, promise: Promise, request_url: String, with_credentials: bool) {
    let result = JsFuture::from(promise).await;
    let response: Response = match result {
        Ok(value) if value.is_object() => value.unchecked_into(),
        _ => {
            failed(&driver, generation, &request_url, with_credentials).await;
            return;
        }
    };
    let Some(d) = driver.upgrade() else { return };
    let content_type = response.headers().get("content-type").ok().flatten();
    // Events carry the origin of the final URL, after redirects; a response
    // made by a custom fetch may have no URL, and then the request's stands.
    let mut final_url = response.url();
    if final_url.is_empty() {
        final_url = request_url;
    }
    if !d.response(
        generation,
        response.status(),
        response.status_text(),
        content_type.as_deref(),
        final_url,
    ) {
        return;
    }
    let Some(body) = response.body() else {
        d.end(generation);
        return;
    };
    let reader: ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    drop(d);
    loop {
        let result = JsFuture::from(reader.read()).await;
        let Some(d) = driver.upgrade() else { return };
        match result {
            Err(_) => {
                d.network_error(generation);
                return;
            }
            Ok(value) => {
                let result: ReadableStreamReadResult = value.unchecked_into();
                if result.get_done().unwrap_or(true) {
                    d.end(generation);
                    return;
                }
                let chunk: Uint8Array = result.get_value().unchecked_into();
                if !d.chunk(generation, &chunk) {
                    // Closed or failed: the request was aborted, which
                    // already errored the stream.
                    return;
                }
            }
        }
    }
}
