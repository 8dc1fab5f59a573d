//! Browser tests of the wasm driver (`wasm-pack test --headless --chrome --
//! --test web`), against the scriptable test server that `npm test` starts
//! and whose origin it compiles in as `SSE_TEST_ORIGIN`. The driver is used
//! directly, with a recording JS `Link` instead of the EventSource class.

#![cfg(target_arch = "wasm32")]

use eventsource_wasm::{Link, Source, supports_sse};
use js_sys::{Array, JSON, Promise};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const ORIGIN: &str = match option_env!("SSE_TEST_ORIGIN") {
    Some(origin) => origin,
    None => "http://127.0.0.1:8790",
};

#[wasm_bindgen(module = "/tests/web/double.js")]
extern "C" {
    #[wasm_bindgen(js_name = makeLink)]
    fn make_link() -> Link;
    #[wasm_bindgen(js_name = linkLog)]
    fn link_log(link: &Link) -> Array;
    #[wasm_bindgen(js_name = linkCauses)]
    fn link_causes(link: &Link) -> String;
    #[wasm_bindgen(js_name = planUrl)]
    fn plan_url(origin: &str, key: &str, plan: &str) -> String;
    fn sleep(ms: u32) -> Promise;
    #[wasm_bindgen(js_name = serverLog)]
    fn server_log(origin: &str, key: &str) -> Promise;
    #[wasm_bindgen(js_name = uniqueKey)]
    fn unique_key(name: &str) -> String;
}

/// The link's log as JSON text, for simple assertions.
fn log_json(link: &Link) -> String {
    JSON::stringify(&link_log(link)).unwrap().as_string().unwrap()
}

/// Wait until `done(log)` holds, or fail after `ms`.
async fn wait_for(link: &Link, ms: u32, what: &str, done: impl Fn(&str) -> bool) -> String {
    let mut waited = 0;
    loop {
        let log = log_json(link);
        if done(&log) {
            return log;
        }
        assert!(waited < ms, "timed out waiting for {what}; log so far: {log}");
        JsFuture::from(sleep(20)).await.unwrap();
        waited += 20;
    }
}

async fn requests(key: &str) -> Array {
    let log = JsFuture::from(server_log(ORIGIN, key)).await.unwrap();
    js_sys::Reflect::get(&log, &"requests".into()).unwrap().into()
}

/// The double stands for the JavaScript `Link`: it has every method the
/// driver calls (`contract::link::METHODS`), each with its number of
/// arguments, and no other.
#[wasm_bindgen_test]
fn the_link_double_has_every_method_the_driver_calls_with_its_arity() {
    let link = make_link();
    let mut functions = Vec::new();
    for key in js_sys::Reflect::own_keys(&link).unwrap().iter() {
        let value = js_sys::Reflect::get(&link, &key).unwrap();
        if let Some(function) = value.dyn_ref::<js_sys::Function>() {
            functions.push((key.as_string().unwrap(), function.length() as usize));
        }
    }
    functions.sort();
    let mut methods: Vec<(String, usize)> = eventsource_wasm::contract::link::METHODS
        .iter()
        .map(|(name, arity)| (name.to_string(), *arity))
        .collect();
    methods.sort();
    assert_eq!(functions, methods);
}

/// The settings the JavaScript class would pass (src/js/options.js).
fn settings(transport: &str) -> JsValue {
    let settings = js_sys::Object::new();
    js_sys::Reflect::set(&settings, &"transport".into(), &transport.into()).unwrap();
    let location = js_sys::Reflect::get(&js_sys::global(), &"location".into()).unwrap();
    let origin = js_sys::Reflect::get(&location, &"origin".into()).unwrap();
    js_sys::Reflect::set(&settings, &"origin".into(), &origin).unwrap();
    // The flags the class always gives (src/contract/settings.rs), unset.
    for (field, type_of) in eventsource_wasm::contract::settings::FIELDS {
        if *type_of == "boolean" {
            js_sys::Reflect::set(&settings, &(*field).into(), &JsValue::FALSE).unwrap();
        }
    }
    settings.into()
}

fn open_source(url: &str, link: &Link) -> Source {
    open_with_transport(url, link, "fetch")
}

fn open_with_transport(url: &str, link: &Link, transport: &str) -> Source {
    Source::new(url, false, link.clone(), &settings(transport).unchecked_into(), None)
}

const CORS: &str = r#""cors": true"#;

#[wasm_bindgen_test]
async fn receives_messages_and_custom_events_in_order() {
    let key = unique_key("order");
    let plan = format!(
        r#"[{{{CORS}, "chunks": ["id: 1\ndata: first\n\nevent: custom\ndata: a\ndata: b\n\n", "data: third\n\n"], "end": "open"}}]"#
    );
    let link = make_link();
    let source = open_source(&plan_url(ORIGIN, &key, &plan), &link);
    assert_eq!(source.ready_state(), 0);
    let log = wait_for(&link, 5000, "three messages", |l| l.contains("third")).await;
    let url = plan_url(ORIGIN, &key, &plan);
    assert_eq!(
        log,
        format!(
            r#"[["open","{url}"],["message","message","first","1"],["message","custom","a\nb","1"],["message","message","third","1"]]"#
        ),
        "open carries the final URL (the JS class takes its origin)"
    );
    assert_eq!(source.ready_state(), 1);
    source.close();
    assert_eq!(source.ready_state(), 2);
}

#[wasm_bindgen_test]
async fn a_data_url_stream_is_read_without_a_server() {
    let link = make_link();
    let source = open_source("data:text/event-stream,data:%20from%20a%20data%20URL%0A%0A", &link);
    let log = wait_for(&link, 5000, "the message", |l| l.contains("from a data URL")).await;
    assert!(
        log.starts_with(r#"[["open","data:text/event-stream,"#),
        "open carries the data: URL (whose origin is opaque): {log}"
    );
    source.close();
}

#[wasm_bindgen_test]
async fn a_404_fails_the_connection_with_the_status() {
    let key = unique_key("404");
    let plan = format!(r#"[{{{CORS}, "status": 404, "chunks": ["nope"]}}]"#);
    let link = make_link();
    let source = open_source(&plan_url(ORIGIN, &key, &plan), &link);
    let log = wait_for(&link, 5000, "the error", |l| l.contains("error")).await;
    assert!(log.contains(r#"["error",2,"status",404,"#), "{log}");
    assert_eq!(source.ready_state(), 2);
    JsFuture::from(sleep(300)).await.unwrap();
    assert_eq!(requests(&key).await.length(), 1, "a failed connection never reconnects");
}

#[wasm_bindgen_test]
async fn a_wrong_content_type_fails_the_connection() {
    let key = unique_key("mime");
    let plan = format!(r#"[{{{CORS}, "type": "text/plain", "chunks": ["data: x\n\n"]}}]"#);
    let link = make_link();
    let source = open_source(&plan_url(ORIGIN, &key, &plan), &link);
    let log = wait_for(&link, 5000, "the error", |l| l.contains("error")).await;
    assert!(log.contains(r#"["error",2,"mime",0,"#), "{log}");
    assert!(!log.contains("message"), "{log}");
    assert_eq!(source.ready_state(), 2);
}

#[wasm_bindgen_test]
async fn an_ended_stream_reconnects_with_last_event_id_after_retry() {
    let key = unique_key("reconnect");
    let plan = format!(
        r#"[{{{CORS}, "chunks": ["retry: 100\nid: é-7\ndata: one\n\n"]}}, {{{CORS}, "chunks": ["data: two\n\n"], "end": "open"}}]"#
    );
    let link = make_link();
    let source = open_source(&plan_url(ORIGIN, &key, &plan), &link);
    let log = wait_for(&link, 5000, "the second connection's message", |l| l.contains("two")).await;
    assert!(log.contains(r#"["error",0,"ended",0,"#), "{log}");
    let reqs = requests(&key).await;
    assert_eq!(reqs.length(), 2);
    let second = reqs.get(1);
    let id = js_sys::Reflect::get(&second, &"lastEventId".into()).unwrap();
    assert_eq!(id.as_string().as_deref(), Some("é-7"), "Last-Event-ID is sent as UTF-8");
    source.close();
}

#[wasm_bindgen_test]
async fn close_in_the_constructing_task_sends_no_request() {
    let key = unique_key("close-now");
    let plan = format!(r#"[{{{CORS}, "chunks": ["data: x\n\n"]}}]"#);
    let link = make_link();
    let source = open_source(&plan_url(ORIGIN, &key, &plan), &link);
    source.close();
    JsFuture::from(sleep(300)).await.unwrap();
    assert_eq!(requests(&key).await.length(), 0);
    assert_eq!(log_json(&link), "[]", "nothing is dispatched after close()");
}

#[wasm_bindgen_test]
async fn dropping_the_source_releases_the_connection() {
    let key = unique_key("drop");
    let plan = format!(r#"[{{{CORS}, "chunks": ["data: x\n\n"], "end": "open"}}]"#);
    let link = make_link();
    let source = open_source(&plan_url(ORIGIN, &key, &plan), &link);
    wait_for(&link, 5000, "the message", |l| l.contains("\"x\"")).await;
    drop(source);
    JsFuture::from(sleep(300)).await.unwrap();
    let log = JsFuture::from(server_log(ORIGIN, &key)).await.unwrap();
    let open = js_sys::Reflect::get(&log, &"open".into()).unwrap().as_f64();
    assert_eq!(open, Some(0.0), "the server saw the connection close");
}

#[wasm_bindgen_test]
fn sse_is_supported_in_chromium() {
    assert!(supports_sse());
}

#[wasm_bindgen_test]
async fn the_xhr_transport_receives_the_same_events_as_fetch() {
    let plan = format!(
        r#"[{{{CORS}, "chunks": ["id: 1\ndata: first\n\nevent: custom\ndata: a\ndata: b\n\n", {{"delay": 30}}, "data: é😀\n\n"], "end": "open"}}]"#
    );
    let mut logs = Vec::new();
    for transport in ["fetch", "xhr"] {
        let key = unique_key(transport);
        let link = make_link();
        let source = open_with_transport(&plan_url(ORIGIN, &key, &plan), &link, transport);
        let log = wait_for(&link, 5000, "three messages", |l| l.contains("😀")).await;
        source.close();
        logs.push(log.replace(&key, "KEY"));
    }
    assert_eq!(logs[0], logs[1], "fetch and XHR must dispatch the same events");
}

#[wasm_bindgen_test]
async fn the_xhr_transport_reconnects_with_last_event_id() {
    let key = unique_key("xhr-reconnect");
    let plan = format!(
        r#"[{{{CORS}, "chunks": ["retry: 50\nid: 41\ndata: one\n\n"]}}, {{{CORS}, "chunks": ["data: two\n\n"], "end": "open"}}]"#
    );
    let link = make_link();
    let source = open_with_transport(&plan_url(ORIGIN, &key, &plan), &link, "xhr");
    let log = wait_for(&link, 5000, "the second message", |l| l.contains("two")).await;
    assert!(log.contains(r#"["error",0,"ended",0,"#), "{log}");
    let reqs = requests(&key).await;
    let id = js_sys::Reflect::get(&reqs.get(1), &"lastEventId".into()).unwrap();
    assert_eq!(id.as_string().as_deref(), Some("41"));
    source.close();
}

#[wasm_bindgen_test]
async fn the_xhr_transport_fails_the_connection_on_404() {
    let key = unique_key("xhr-404");
    let plan = format!(r#"[{{{CORS}, "status": 404}}]"#);
    let link = make_link();
    let source = open_with_transport(&plan_url(ORIGIN, &key, &plan), &link, "xhr");
    let log = wait_for(&link, 5000, "the error", |l| l.contains("error")).await;
    assert!(log.contains(r#"["error",2,"status",404,"#), "{log}");
    assert_eq!(source.ready_state(), 2);
}

#[wasm_bindgen_test]
async fn a_url_no_client_can_fetch_fails_the_connection_once() {
    for transport in ["fetch", "xhr"] {
        let link = make_link();
        let source = open_with_transport("ftp://127.0.0.1/sse", &link, transport);
        let log = wait_for(&link, 5000, "the error", |l| l.contains("error")).await;
        assert!(log.contains(r#"["error",2,"scheme",0,"#), "{transport}: {log}");
        assert_eq!(source.ready_state(), 2, "CLOSED: no reconnection");
        JsFuture::from(sleep(100)).await.unwrap();
        assert_eq!(log_json(&link), log, "one error, nothing after");
    }
}

// CORS refusals are tested end to end (tests/e2e), in a page whose origin
// the test controls: wasm-bindgen-test's own page does not behave like one.

#[wasm_bindgen_test]
async fn an_unreachable_cross_origin_server_is_a_network_error_that_reconnects() {
    for transport in ["fetch", "xhr"] {
        let link = make_link();
        // Nothing listens on port 9 (discard) of the loopback address.
        let source = open_with_transport("http://127.0.0.1:9/sse", &link, transport);
        let log = wait_for(&link, 5000, "the error", |l| l.contains("error")).await;
        assert!(log.contains(r#"["error",0,"network",0,"#), "{transport}: {log}");
        // The link gets what fetch rejected with; XHR's errors carry nothing.
        let cause = if transport == "fetch" { "TypeError" } else { "none" };
        assert_eq!(link_causes(&link), format!(r#"["{cause}"]"#), "{transport}");
        assert_eq!(source.ready_state(), 0, "reconnecting");
        source.close();
    }
}
