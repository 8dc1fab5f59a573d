//! What the Rust API's browser tests share (tests/rust_api/,
//! tests/rust_api_release.rs, tests/rust_api_shared.rs): the test server's
//! plans and log, and waiting for the next item with a deadline that says
//! what was awaited.

#![allow(dead_code)] // each test binary uses some of these

use eventsource_wasm::{Error, Event, EventSource, Message, Open};
use futures_util::StreamExt;
use futures_util::future::{Either, select};
use js_sys::{Array, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

pub const ORIGIN: &str = match option_env!("SSE_TEST_ORIGIN") {
    Some(origin) => origin,
    None => "http://127.0.0.1:8790",
};

pub const CORS: &str = r#""cors": true"#;

// The helpers to reach the test server: one copy, tests/web.rs's.
#[wasm_bindgen(module = "/tests/web/double.js")]
extern "C" {
    #[wasm_bindgen(js_name = planUrl)]
    pub fn plan_url(origin: &str, key: &str, plan: &str) -> String;
    pub fn sleep(ms: u32) -> Promise;
    #[wasm_bindgen(js_name = serverLog)]
    pub fn server_log(origin: &str, key: &str) -> Promise;
    #[wasm_bindgen(js_name = uniqueKey)]
    pub fn unique_key(name: &str) -> String;
}

#[wasm_bindgen(module = "/tests/api_support/page.js")]
extern "C" {
    #[wasm_bindgen(js_name = recordingFetch)]
    pub fn recording_fetch(seen: &Array) -> js_sys::Function;
    #[wasm_bindgen(js_name = loadScript)]
    pub fn load_script(src: &str) -> Promise;
    #[wasm_bindgen(js_name = jsSource)]
    pub fn js_source(url: &str, key: &str) -> JsValue;
    #[wasm_bindgen(js_name = jsSeen)]
    pub fn js_seen(handle: &JsValue) -> String;
    #[wasm_bindgen(js_name = jsClose)]
    pub fn js_close(handle: &JsValue);
    #[wasm_bindgen(js_name = setHidden)]
    pub fn set_hidden(hidden: bool);
}

/// A stream for `key` following `plan` (a JSON array of connection specs).
pub fn url(key: &str, plan: &str) -> String {
    plan_url(ORIGIN, key, plan)
}

pub async fn pause(ms: u32) {
    JsFuture::from(sleep(ms)).await.unwrap();
}

/// The next item, or a failure that says what was awaited.
pub async fn next(source: &mut EventSource, what: &str) -> Event {
    match select(source.next(), JsFuture::from(sleep(5000))).await {
        Either::Left((Some(event), _)) => event,
        Either::Left((None, _)) => panic!("the stream ended while waiting for {what}"),
        Either::Right(_) => panic!("timed out after 5 s waiting for {what}"),
    }
}

pub async fn next_message(source: &mut EventSource, what: &str) -> Message {
    match next(source, what).await {
        Event::Message(message) => message,
        other => panic!("expected {what}, got {other:?}"),
    }
}

pub async fn next_open(source: &mut EventSource) -> Open {
    match next(source, "the open item").await {
        Event::Open(open) => open,
        other => panic!("expected the open item, got {other:?}"),
    }
}

pub async fn next_error(source: &mut EventSource, what: &str) -> Error {
    match next(source, what).await {
        Event::Error(error) => error,
        other => panic!("expected {what}, got {other:?}"),
    }
}

/// Whether the stream has ended (within `ms`).
pub async fn ends_within(source: &mut EventSource, ms: u32) -> Result<(), String> {
    match select(source.next(), JsFuture::from(sleep(ms))).await {
        Either::Left((None, _)) => Ok(()),
        Either::Left((Some(event), _)) => Err(format!("an item after the end: {event:?}")),
        Either::Right(_) => Err(format!("the stream did not end within {ms} ms")),
    }
}

/// What the server received for `key`: the requests (without preflights)
/// and how many of its connections are open.
pub async fn server(key: &str) -> (Vec<JsValue>, u32) {
    let log = JsFuture::from(server_log(ORIGIN, key)).await.unwrap();
    let requests: Array = Reflect::get(&log, &"requests".into()).unwrap().into();
    let open = Reflect::get(&log, &"open".into()).unwrap().as_f64().unwrap_or(-1.0);
    (requests.iter().collect(), open as u32)
}

pub fn field(value: &JsValue, path: &[&str]) -> JsValue {
    path.iter().fold(value.clone(), |v, key| {
        Reflect::get(&v, &(*key).into()).unwrap_or(JsValue::UNDEFINED)
    })
}

pub fn text(value: &JsValue, path: &[&str]) -> Option<String> {
    field(value, path).as_string()
}

/// `url` with `user:password@` (already percent-encoded) after the scheme.
pub fn with_userinfo(url: &str, userinfo: &str) -> String {
    url.replacen("http://", &format!("http://{userinfo}@"), 1)
}

/// `Basic` + the platform's `btoa` of `pair` (one character per byte),
/// computed apart from the engine.
pub fn basic(pair: &str) -> String {
    let global = js_sys::global();
    let btoa: js_sys::Function = Reflect::get(&global, &"btoa".into()).unwrap().into();
    let encoded = btoa.call1(&global, &pair.into()).unwrap().as_string().unwrap();
    format!("Basic {encoded}")
}

pub fn origin_of(url: &str) -> String {
    web_sys::Url::new(url).unwrap().origin()
}
