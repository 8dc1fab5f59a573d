//! The fetch transport: `fetch()` with the request HTML §9.2.2 describes, the
//! body read chunk by chunk through a `ReadableStream` reader.

use js_sys::{Function, Promise, Reflect, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{JsFuture, spawn_local};
use web_sys::{
    AbortController, Headers, ReadableStreamDefaultReader, ReadableStreamReadResult, Request,
    RequestCache, RequestCredentials, RequestInit, RequestMode, RequestRedirect, Response,
};

use crate::web::driver::{Settings, WeakDriver};
use crate::web::env;

/// The part of a request the driver holds: aborting it ends the fetch and
/// the body read, which makes the task below finish.
pub struct FetchRequest {
    controller: AbortController,
}

impl Drop for FetchRequest {
    fn drop(&mut self) {
        self.controller.abort();
    }
}

/// Header values are byte strings: a value is sent as the code units of a
/// string in which each char stands for one byte. The last event ID is sent
/// as UTF-8 bytes, as browsers do, so each of its UTF-8 bytes becomes a char.
fn byte_string(text: &str) -> String {
    text.bytes().map(char::from).collect()
}

/// Build the request and start the task that runs it.
pub fn start(
    driver: WeakDriver,
    generation: u32,
    settings: &Settings,
    last_event_id: Option<&str>,
) -> Result<FetchRequest, JsValue> {
    let controller = AbortController::new()?;
    let headers = Headers::new()?;
    // HTML §9.2.2: Accept: text/event-stream. No Cache-Control: cache mode
    // no-store already keeps caches out, and the header would force a CORS
    // preflight on every cross-origin stream.
    headers.append("Accept", "text/event-stream")?;
    if let Some(id) = last_event_id {
        headers.append("Last-Event-ID", &byte_string(id))?;
    }
    let init = RequestInit::new();
    init.set_method("GET");
    init.set_headers(&headers);
    init.set_mode(RequestMode::Cors);
    init.set_credentials(if settings.with_credentials {
        RequestCredentials::Include
    } else {
        RequestCredentials::SameOrigin
    });
    init.set_cache(RequestCache::NoStore);
    init.set_redirect(RequestRedirect::Follow);
    init.set_signal(Some(&controller.signal()));
    let request = Request::new_with_str_and_init(&settings.url, &init)?;
    let fetch = env::fetch_function().ok_or_else(|| JsValue::from_str("fetch is not available"))?;
    let request_url = settings.url.clone();
    spawn_local(run(driver, generation, fetch, request, request_url));
    Ok(FetchRequest { controller })
}

/// The serialized origin of `url` ("null" for opaque origins).
fn origin_of(url: &str) -> Option<String> {
    web_sys::Url::new(url).ok().map(|u| u.origin())
}

async fn run(
    driver: WeakDriver,
    generation: u32,
    fetch: Function,
    request: Request,
    request_url: String,
) {
    let promise = match fetch.call1(&JsValue::UNDEFINED, &request) {
        Ok(value) => Promise::resolve(&value),
        Err(_) => {
            if let Some(d) = driver.upgrade() {
                d.network_error(generation);
            }
            return;
        }
    };
    let result = JsFuture::from(promise).await;
    let Some(d) = driver.upgrade() else { return };
    let response: Response = match result {
        Ok(value)
            if value.is_instance_of::<Response>()
                || Reflect::has(&value, &"status".into()).unwrap_or(false) =>
        {
            value.unchecked_into()
        }
        _ => {
            d.network_error(generation);
            return;
        }
    };
    let content_type = response.headers().get("content-type").ok().flatten();
    // `origin` is that of the final URL, after redirects; a response made by a
    // custom fetch may have no URL, and then the request's stands.
    let final_url = response.url();
    let origin = origin_of(if final_url.is_empty() {
        &request_url
    } else {
        &final_url
    })
    .unwrap_or_default();
    if !d.response(
        generation,
        response.status(),
        content_type.as_deref(),
        origin,
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
