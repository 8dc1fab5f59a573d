//! Each failure reason as an error item: status, MIME type, network (with
//! its cause), scheme, heartbeat timeout, limits, a CORS refusal, the
//! page's `window.stop()`, and a panic in the engine.

use std::time::Duration;

use eventsource_wasm::{Error, ErrorReason, Event, EventSource, ReadyState, ReconnectPolicy};
use wasm_bindgen_test::*;

use crate::api_support::*;

/// What each reason's error item says (its `Display`, from the core's
/// sentence): what happened and what to do. Every failure test here and in
/// reconnection.rs and policy.rs checks its error against this table.
pub(crate) const SAYS: [(ErrorReason, &str); 13] = [
    (
        ErrorReason::Network,
        "the connection failed or was dropped; reconnecting",
    ),
    (ErrorReason::Ended, "the server ended the stream; reconnecting"),
    (ErrorReason::Status, "an event stream must answer 200"),
    (ErrorReason::Mime, "is not text/event-stream"),
    (ErrorReason::Refused, "must answer with Access-Control-Allow-Origin"),
    (ErrorReason::Limit, "raise the limit or fix the server"),
    (ErrorReason::Timeout, "within the heartbeat timeout; reconnecting"),
    (ErrorReason::Retries, "maximum number of reconnection attempts"),
    (ErrorReason::Vetoed, "the reconnection was vetoed"),
    (ErrorReason::Aborted, "aborted from outside"),
    (ErrorReason::Scheme, "needs http:, https:"),
    (
        ErrorReason::Unrepeatable,
        "answer the reconnection with the request to continue with",
    ),
    (ErrorReason::Panic, "a bug in eventsource-wasm"),
];

/// `error`'s `Display` says what [`SAYS`] has for its reason.
pub(crate) fn says(error: &Error) {
    let (_, phrase) = SAYS
        .iter()
        .find(|(reason, _)| *reason == error.reason)
        .unwrap_or_else(|| panic!("SAYS has no row for {:?}", error.reason));
    let text = error.to_string();
    assert!(text.starts_with("eventsource-wasm: "), "{text}");
    assert!(
        text.contains(phrase),
        "{:?} should say {phrase:?}: {text}",
        error.reason
    );
    assert!(text.contains(&error.message), "{text}");
}

/// The next item is a fatal error for `reason` that says so (`says`), and
/// the stream ends right after it.
async fn fatal(source: &mut EventSource, reason: ErrorReason, what: &str) -> Error {
    let error = next_error(source, what).await;
    says(&error);
    assert_eq!(
        (error.reason, error.ready_state),
        (reason, ReadyState::Closed),
        "{error:?}"
    );
    assert!(error.is_fatal(), "{error:?}");
    ends_within(source, 100).await.unwrap();
    error
}

#[wasm_bindgen_test]
fn the_table_of_what_errors_say_has_every_reason_once() {
    let mut names: Vec<&str> = SAYS.iter().map(|(reason, _)| reason.name()).collect();
    names.sort_unstable();
    let mut declared = eventsource_wasm::contract::REASONS.to_vec();
    declared.sort_unstable();
    assert_eq!(names, declared, "one row per reason the engine reports");
}

#[wasm_bindgen_test]
async fn a_404_is_a_fatal_error_with_the_status_and_ends_the_stream() {
    let key = unique_key("rust-404");
    let plan = format!(r#"[{{{CORS}, "status": 404, "chunks": ["nope"]}}]"#);
    let mut source = EventSource::new(&url(&key, &plan)).unwrap();
    let error = next_error(&mut source, "the error").await;
    says(&error);
    assert_eq!(
        (error.reason, error.status, error.ready_state),
        (ErrorReason::Status, 404, ReadyState::Closed)
    );
    assert!(error.is_fatal());
    assert_eq!(error.detail, "Not Found", "the status text");
    assert!(error.to_string().contains("status 404"), "{error}");
    ends_within(&mut source, 100).await.unwrap();
    assert_eq!(source.ready_state(), ReadyState::Closed);
}

#[wasm_bindgen_test]
async fn a_wrong_content_type_is_a_fatal_mime_error() {
    let key = unique_key("rust-mime");
    let plan = format!(r#"[{{{CORS}, "type": "text/plain", "chunks": ["data: x\n\n"]}}]"#);
    let mut source = EventSource::new(&url(&key, &plan)).unwrap();
    let error = next_error(&mut source, "the error").await;
    says(&error);
    assert_eq!(
        (error.reason, error.ready_state),
        (ErrorReason::Mime, ReadyState::Closed)
    );
    ends_within(&mut source, 100).await.unwrap();
}

#[wasm_bindgen_test]
async fn an_unreachable_server_is_a_network_error_with_fetchs_cause_and_max_retries_gives_up() {
    // Nothing listens on port 9 (discard) of the loopback address.
    let mut source = EventSource::builder("http://127.0.0.1:9/sse")
        .reconnect(
            ReconnectPolicy::new()
                .initial_delay(Duration::from_millis(10))
                .max_retries(1),
        )
        .build()
        .unwrap();
    let error = next_error(&mut source, "the first failure").await;
    says(&error);
    assert_eq!(
        (error.reason, error.ready_state),
        (ErrorReason::Network, ReadyState::Connecting)
    );
    assert!(
        error.cause.as_deref().is_some_and(|c| c.starts_with("TypeError")),
        "{error:?}"
    );
    // The one reconnection allowed fails too: that is the end.
    let last = next_error(&mut source, "giving up").await;
    says(&last);
    assert_eq!(
        (last.reason, last.ready_state),
        (ErrorReason::Retries, ReadyState::Closed)
    );
    ends_within(&mut source, 100).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_url_no_client_can_fetch_is_a_fatal_scheme_error() {
    let mut source = EventSource::new("ftp://127.0.0.1/sse").unwrap();
    let error = next_error(&mut source, "the error").await;
    says(&error);
    assert_eq!(
        (error.reason, error.ready_state),
        (ErrorReason::Scheme, ReadyState::Closed)
    );
    ends_within(&mut source, 100).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_silent_connection_times_out_after_the_heartbeat_and_reconnects() {
    let key = unique_key("rust-heartbeat");
    let plan = format!(
        r#"[{{{CORS}, "chunks": ["retry: 20\ndata: then silence\n\n"], "end": "open"}}, {{{CORS}, "chunks": ["data: back\n\n"], "end": "open"}}]"#
    );
    let mut source = EventSource::builder(url(&key, &plan))
        .heartbeat_timeout(Duration::from_millis(150))
        .build()
        .unwrap();
    next_open(&mut source).await;
    next_message(&mut source, "then silence").await;
    let error = next_error(&mut source, "the timeout").await;
    says(&error);
    assert_eq!(
        (error.reason, error.ready_state),
        (ErrorReason::Timeout, ReadyState::Connecting)
    );
    next_open(&mut source).await;
    assert_eq!(next_message(&mut source, "back").await.data, "back");
}

#[wasm_bindgen_test]
async fn limits_fail_a_line_too_long_and_an_event_too_large() {
    for (name, builder_for) in [
        (
            "line",
            (|u: String| EventSource::builder(u).max_line_length(16)) as fn(String) -> _,
        ),
        ("event", |u: String| EventSource::builder(u).max_event_size(16)),
    ] {
        let key = unique_key("rust-limit");
        let plan = format!(r#"[{{{CORS}, "chunks": ["data: 0123456789\ndata: 0123456789\n\n"], "end": "open"}}]"#);
        let long = format!(r#"[{{{CORS}, "chunks": ["data: 0123456789012345678901234\n\n"], "end": "open"}}]"#);
        let plan = if name == "line" { long } else { plan };
        let mut source = builder_for(url(&key, &plan))
            .reconnect(ReconnectPolicy::new().max_retries(0))
            .build()
            .unwrap();
        next_open(&mut source).await;
        let error = next_error(&mut source, "the limit").await;
        says(&error);
        assert_eq!(error.reason, ErrorReason::Limit, "{name}: {error:?}");
        assert_eq!(error.detail, name);
        source.close();
    }
}

#[wasm_bindgen_test]
async fn a_cross_origin_answer_without_cors_is_a_fatal_refused_error() {
    // The test page is cross-origin isolated (COEP require-corp): without
    // `Cross-Origin-Resource-Policy` the answer would be blocked for COEP
    // before CORS is asked. With it, what is missing is CORS alone.
    let key = unique_key("rust-refused");
    let plan = r#"[{"headers": {"Cross-Origin-Resource-Policy": "cross-origin"}, "chunks": ["data: x\n\n"]}]"#;
    let mut source = EventSource::new(&url(&key, plan)).unwrap();
    fatal(&mut source, ErrorReason::Refused, "the refusal").await;
    let (requests, _) = server(&key).await;
    assert!(
        requests.iter().all(|r| text(r, &["method"]).as_deref() == Some("GET")),
        "the request and the probe, never a reconnection with a body"
    );
}

/// The page's own `window.stop()`, as a page calls it.
fn window_stop() {
    let global = js_sys::global();
    let stop: js_sys::Function = js_sys::Reflect::get(&global, &"stop".into()).unwrap().into();
    stop.call0(&global).unwrap();
}

#[wasm_bindgen_test]
async fn window_stop_while_open_is_a_fatal_aborted_error_without_a_reconnection() {
    let key = unique_key("rust-stop-open");
    let plan = format!(r#"[{{{CORS}, "chunks": ["retry: 50\ndata: one\n\n"], "end": "open"}}]"#);
    let mut source = EventSource::new(&url(&key, &plan)).unwrap();
    next_open(&mut source).await;
    next_message(&mut source, "one").await;
    window_stop();
    fatal(&mut source, ErrorReason::Aborted, "the abort").await;
    pause(200).await;
    assert_eq!(server(&key).await.0.len(), 1, "no reconnection");
}

#[wasm_bindgen_test]
async fn window_stop_while_connecting_is_a_fatal_aborted_error() {
    let key = unique_key("rust-stop-connecting");
    let plan = format!(r#"[{{{CORS}, "delay": 3000, "chunks": ["data: late\n\n"]}}]"#);
    let mut source = EventSource::new(&url(&key, &plan)).unwrap();
    for _ in 0..100 {
        if !server(&key).await.0.is_empty() {
            break;
        }
        pause(20).await;
    }
    assert_eq!(server(&key).await.0.len(), 1, "the request reached the server");
    window_stop();
    fatal(&mut source, ErrorReason::Aborted, "the abort").await;
}

// The panic is forced through the engine's test hook (feature
// `test-hooks`, which scripts/test.mjs turns on for this binary). `cargo
// build --tests` builds every test binary with one set of features, so
// without it this binary still builds, and this test fails saying why.
#[cfg(not(feature = "test-hooks"))]
#[wasm_bindgen_test]
fn a_panic_in_the_engine_is_a_panic_error_item_then_the_end_and_the_page_goes_on() {
    panic!(
        "this test forces a panic with Builder::panic_on_chunk, which needs the test-hooks feature: run tests/rust_api as scripts/test.mjs does, with --features js,shared,test-hooks"
    );
}

#[cfg(feature = "test-hooks")]
#[wasm_bindgen_test]
async fn a_panic_in_the_engine_is_a_panic_error_item_then_the_end_and_the_page_goes_on() {
    let key = unique_key("rust-panic");
    let plan = format!(r#"[{{{CORS}, "chunks": ["data: x\n\n"], "end": "open"}}]"#);
    let mut source = EventSource::builder(url(&key, &plan)).panic_on_chunk().build().unwrap();
    next_open(&mut source).await;
    let error = fatal(&mut source, ErrorReason::Panic, "the panic").await;
    assert!(error.detail.contains("panicOnChunk"), "the panic's message: {error:?}");
    ends_within(&mut source, 100).await.unwrap();
    assert_eq!(source.ready_state(), ReadyState::Closed);
    // The connection was released, and another source works as before.
    pause(100).await;
    assert_eq!(server(&key).await.1, 0, "the poisoned source let go of its connection");
    let key = unique_key("rust-after-panic");
    let plan = format!(r#"[{{{CORS}, "chunks": ["data: fine\n\n"], "end": "open"}}]"#);
    let mut after = EventSource::new(&url(&key, &plan)).unwrap();
    next_open(&mut after).await;
    assert_eq!(next_message(&mut after, "fine").await.data, "fine");
}

#[wasm_bindgen_test]
async fn a_compressed_stream_is_a_buffering_warning_that_says_what_to_do_on_the_server() {
    // Content-Encoding is not a CORS-safelisted response header: the
    // server exposes it to this cross-origin page.
    let key = unique_key("rust-warning");
    let plan = format!(
        r#"[{{{CORS}, "headers": {{"Access-Control-Expose-Headers": "Content-Encoding"}}, "proxy": {{"interval": 20, "gzip": true}}, "chunks": ["data: x\n\n"], "end": "open"}}]"#
    );
    let mut source = EventSource::new(&url(&key, &plan)).unwrap();
    let mut warning = None;
    for _ in 0..3 {
        if let Event::Warning(w) = next(&mut source, "the warning").await {
            warning = Some(w);
            break;
        }
    }
    let warning = warning.expect("a warning among the first three items");
    assert_eq!((warning.kind, warning.sign), ("buffering", "compressed"));
    let text = warning.to_string();
    assert!(text.starts_with("eventsource-wasm: "), "{text}");
    assert!(
        text.contains("compressed") && text.contains("Do not compress"),
        "{text}"
    );
    source.close();
}
