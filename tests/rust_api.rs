//! Browser tests of the Rust API (`wasm-pack test --headless --chrome --
//! --features js --test rust_api`), against the scriptable test server that
//! `npm test` starts and whose origin it compiles in as `SSE_TEST_ORIGIN`
//! (tests/server/server.mjs: each request with a key gets the next spec of
//! its plan, and `/log` tells what the server received). The page is
//! wasm-bindgen-test's own, on another origin: every plan allows CORS.

#![cfg(target_arch = "wasm32")]

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use eventsource_wasm::{
    BuildError, ErrorReason, Event, EventSource, Message, Open, ReadyState, Reconnect, ReconnectPolicy,
    ReconnectRequest, Storage, Transport,
};
use js_sys::{Array, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod api_support;
use api_support::*;

#[wasm_bindgen_test]
async fn a_source_yields_open_then_each_message_with_its_type_data_last_event_id_and_origin() {
    let key = unique_key("rust-order");
    let plan = format!(
        r#"[{{{CORS}, "chunks": ["id: 1\ndata: first\n\nevent: custom\ndata: a\ndata: b\n\n", "data: é😀\n\n"], "end": "open"}}]"#
    );
    let mut source = EventSource::new(&url(&key, &plan)).unwrap();
    assert_eq!(source.ready_state(), ReadyState::Connecting);
    assert_eq!(source.url(), url(&key, &plan));
    let open = next_open(&mut source).await;
    assert_eq!(
        open,
        Open {
            reopened: false,
            resumed_from: String::new()
        }
    );
    assert_eq!(source.ready_state(), ReadyState::Open);
    let origin = origin_of(ORIGIN);
    let expect = |event_type: &str, data: &str| Message {
        event_type: event_type.into(),
        data: data.into(),
        last_event_id: "1".into(),
        origin: origin.clone(),
    };
    assert_eq!(next_message(&mut source, "the first").await, expect("message", "first"));
    assert_eq!(next_message(&mut source, "the custom").await, expect("custom", "a\nb"));
    assert_eq!(next_message(&mut source, "the third").await, expect("message", "é😀"));
    source.close();
    assert_eq!(source.ready_state(), ReadyState::Closed);
    ends_within(&mut source, 100).await.unwrap();
}

#[wasm_bindgen_test]
async fn an_ended_stream_reconnects_with_last_event_id_and_the_reopen_says_from_where() {
    let key = unique_key("rust-reconnect");
    let plan = format!(
        r#"[{{{CORS}, "chunks": ["retry: 50\nid: é-7\ndata: one\n\n"]}}, {{{CORS}, "chunks": ["data: two\n\n"], "end": "open"}}]"#
    );
    let mut source = EventSource::new(&url(&key, &plan)).unwrap();
    next_open(&mut source).await;
    assert_eq!(next_message(&mut source, "one").await.last_event_id, "é-7");
    let error = next_error(&mut source, "the end of the first stream").await;
    assert_eq!(
        (error.reason, error.ready_state),
        (ErrorReason::Ended, ReadyState::Connecting)
    );
    assert!(!error.is_fatal());
    let reopen = next_open(&mut source).await;
    assert_eq!(
        reopen,
        Open {
            reopened: true,
            resumed_from: "é-7".into()
        }
    );
    let two = next_message(&mut source, "two").await;
    assert_eq!((two.data.as_str(), two.last_event_id.as_str()), ("two", "é-7"));
    let (requests, _) = server(&key).await;
    assert_eq!(requests.len(), 2);
    assert_eq!(text(&requests[0], &["lastEventId"]), None, "none on the first request");
    assert_eq!(
        text(&requests[1], &["lastEventId"]).as_deref(),
        Some("é-7"),
        "sent as UTF-8"
    );
}

#[wasm_bindgen_test]
async fn a_post_carries_its_method_body_and_headers_and_the_protocol_headers() {
    let key = unique_key("rust-post");
    let plan = format!(r#"[{{{CORS}, "chunks": ["data: posted\n\n"], "end": "open"}}]"#);
    let mut source = EventSource::builder(url(&key, &plan))
        .header("Authorization", "Bearer t0k3n")
        .header("X-Topic", "news")
        .body(r#"{"topic":"news"}"#)
        .build()
        .unwrap();
    next_open(&mut source).await;
    assert_eq!(next_message(&mut source, "posted").await.data, "posted");
    let (requests, _) = server(&key).await;
    let request = &requests[0];
    assert_eq!(
        text(request, &["method"]).as_deref(),
        Some("POST"),
        "POST when there is a body"
    );
    assert_eq!(text(request, &["body"]).as_deref(), Some(r#"{"topic":"news"}"#));
    assert_eq!(
        text(request, &["headers", "authorization"]).as_deref(),
        Some("Bearer t0k3n")
    );
    assert_eq!(text(request, &["headers", "x-topic"]).as_deref(), Some("news"));
    assert_eq!(
        text(request, &["headers", "accept"]).as_deref(),
        Some("text/event-stream")
    );
}

#[wasm_bindgen_test]
async fn a_bytes_body_and_a_method_are_sent_as_given() {
    let key = unique_key("rust-put");
    let plan = format!(r#"[{{{CORS}, "chunks": ["data: x\n\n"], "end": "open"}}]"#);
    let mut source = EventSource::builder(url(&key, &plan))
        .method("POST")
        .body(b"raw bytes".to_vec())
        .header("Content-Type", "application/octet-stream")
        .build()
        .unwrap();
    next_open(&mut source).await;
    let (requests, _) = server(&key).await;
    assert_eq!(text(&requests[0], &["body"]).as_deref(), Some("raw bytes"));
    assert_eq!(
        text(&requests[0], &["headers", "content-type"]).as_deref(),
        Some("application/octet-stream")
    );
}

#[wasm_bindgen_test]
async fn an_async_headers_function_is_asked_before_every_connection() {
    let key = unique_key("rust-headers-async");
    let plan = format!(
        r#"[{{{CORS}, "chunks": ["retry: 30\nid: 5\ndata: one\n\n"]}}, {{{CORS}, "chunks": ["data: two\n\n"], "end": "open"}}]"#
    );
    let asked = Rc::new(RefCell::new(Vec::new()));
    let seen = asked.clone();
    let mut source = EventSource::builder(url(&key, &plan))
        .headers_with(move |info| {
            seen.borrow_mut().push(info.last_event_id.clone());
            let n = seen.borrow().len();
            async move {
                // A token that takes a task to come. (In a header that needs
                // no CORS preflight: a preflight would use up a spec of the
                // plan, tests/server/server.mjs.)
                JsFuture::from(sleep(10)).await.unwrap();
                Ok(vec![("Accept-Language".into(), format!("t{n}"))])
            }
        })
        .build()
        .unwrap();
    next_open(&mut source).await;
    next_message(&mut source, "one").await;
    next_error(&mut source, "the end").await;
    next_open(&mut source).await;
    assert_eq!(next_message(&mut source, "two").await.data, "two");
    assert_eq!(*asked.borrow(), ["", "5"], "asked with each request's Last-Event-ID");
    let (requests, _) = server(&key).await;
    let tokens: Vec<_> = requests
        .iter()
        .map(|r| text(r, &["headers", "accept-language"]))
        .collect();
    assert_eq!(tokens, [Some("t1".into()), Some("t2".into())]);
}

#[wasm_bindgen_test]
async fn a_headers_function_that_fails_is_a_network_error_with_its_cause_and_is_retried() {
    let key = unique_key("rust-headers-fail");
    let plan = format!(r#"[{{{CORS}, "chunks": ["data: in\n\n"], "end": "open"}}]"#);
    let calls = Rc::new(Cell::new(0));
    let count = calls.clone();
    let mut source = EventSource::builder(url(&key, &plan))
        .reconnect(ReconnectPolicy::new().initial_delay(Duration::from_millis(20)))
        .headers_fn(move |_| {
            count.set(count.get() + 1);
            if count.get() == 1 {
                Err("the token service is down".into())
            } else {
                Ok(vec![("X-Try".into(), count.get().to_string())])
            }
        })
        .build()
        .unwrap();
    let error = next_error(&mut source, "the failed request").await;
    assert_eq!(
        (error.reason, error.ready_state),
        (ErrorReason::Network, ReadyState::Connecting)
    );
    assert_eq!(error.cause.as_deref(), Some("Error: the token service is down"));
    next_open(&mut source).await;
    assert_eq!(next_message(&mut source, "in").await.data, "in");
    let (requests, _) = server(&key).await;
    assert_eq!(requests.len(), 1, "the failed one never left");
    assert_eq!(text(&requests[0], &["headers", "x-try"]).as_deref(), Some("2"));
}

#[wasm_bindgen_test]
async fn a_404_is_a_fatal_error_with_the_status_and_ends_the_stream() {
    let key = unique_key("rust-404");
    let plan = format!(r#"[{{{CORS}, "status": 404, "chunks": ["nope"]}}]"#);
    let mut source = EventSource::new(&url(&key, &plan)).unwrap();
    let error = next_error(&mut source, "the error").await;
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
        assert_eq!(error.reason, ErrorReason::Limit, "{name}: {error:?}");
        assert_eq!(error.detail, name);
        source.close();
    }
}

#[wasm_bindgen_test]
async fn before_reconnect_may_veto() {
    let key = unique_key("rust-veto");
    let plan = format!(r#"[{{{CORS}, "chunks": ["retry: 10\ndata: once\n\n"]}}]"#);
    let infos = Rc::new(RefCell::new(Vec::new()));
    let seen = infos.clone();
    let mut source = EventSource::builder(url(&key, &plan))
        .before_reconnect(move |info| {
            seen.borrow_mut().push(info.clone());
            Reconnect::Veto
        })
        .build()
        .unwrap();
    next_open(&mut source).await;
    next_message(&mut source, "once").await;
    let loss = next_error(&mut source, "the end of the stream").await;
    assert_eq!(
        (loss.reason, loss.ready_state),
        (ErrorReason::Ended, ReadyState::Connecting)
    );
    let error = next_error(&mut source, "the veto").await;
    assert_eq!(
        (error.reason, error.ready_state),
        (ErrorReason::Vetoed, ReadyState::Closed)
    );
    ends_within(&mut source, 100).await.unwrap();
    let infos = infos.borrow();
    assert_eq!(infos.len(), 1);
    assert_eq!((infos[0].attempt, infos[0].reason), (1, ErrorReason::Ended));
    assert_eq!(infos[0].delay, Duration::from_millis(10));
    assert_eq!(infos[0].url, url(&key, &plan));
}

#[wasm_bindgen_test]
async fn a_post_is_sent_once_unless_before_reconnect_answers_with_the_request_to_continue_with() {
    // Without a hook: the lost POST is not sent again.
    let key = unique_key("rust-once");
    let plan = format!(r#"[{{{CORS}, "chunks": ["retry: 10\nid: 3\ndata: a\n\n"]}}]"#);
    let mut source = EventSource::builder(url(&key, &plan)).body("q").build().unwrap();
    next_open(&mut source).await;
    next_message(&mut source, "a").await;
    let error = next_error(&mut source, "the loss").await;
    assert_eq!(
        (error.reason, error.ready_state),
        (ErrorReason::Unrepeatable, ReadyState::Closed)
    );
    assert_eq!(error.detail, "ended");
    ends_within(&mut source, 100).await.unwrap();

    // With one: POST once, then resume with a GET of another URL.
    let key = unique_key("rust-post-then-get");
    let plan = format!(
        r#"[{{{CORS}, "chunks": ["retry: 10\nid: 3\ndata: a\n\n"]}}, {{{CORS}, "chunks": ["data: b\n\n"], "end": "open"}}]"#
    );
    let next_url = url(&key, &plan) + "&then=get";
    let then = next_url.clone();
    let mut source = EventSource::builder(url(&key, &plan))
        .body("q")
        .before_reconnect(move |_| {
            Reconnect::With(ReconnectRequest {
                url: Some(then.clone()),
                method: Some("GET".into()),
                ..ReconnectRequest::default()
            })
        })
        .build()
        .unwrap();
    next_open(&mut source).await;
    next_message(&mut source, "a").await;
    let error = next_error(&mut source, "the end").await;
    assert_eq!(
        (error.reason, error.ready_state),
        (ErrorReason::Ended, ReadyState::Connecting)
    );
    next_open(&mut source).await;
    assert_eq!(next_message(&mut source, "b").await.data, "b");
    let (requests, _) = server(&key).await;
    assert_eq!(text(&requests[0], &["method"]).as_deref(), Some("POST"));
    assert_eq!(text(&requests[1], &["method"]).as_deref(), Some("GET"));
    assert_eq!(
        text(&requests[1], &["body"]).as_deref(),
        Some(""),
        "the GET dropped the body"
    );
    assert!(text(&requests[1], &["url"]).unwrap().ends_with("&then=get"));
    assert_eq!(text(&requests[1], &["lastEventId"]).as_deref(), Some("3"));
    assert_eq!(source.url(), url(&key, &plan), "url() is the URL it was built with");
}

#[wasm_bindgen_test]
async fn resend_sends_a_lost_post_again() {
    let key = unique_key("rust-resend");
    let plan = format!(
        r#"[{{{CORS}, "chunks": ["retry: 10\ndata: a\n\n"]}}, {{{CORS}, "chunks": ["data: b\n\n"], "end": "open"}}]"#
    );
    let mut source = EventSource::builder(url(&key, &plan))
        .body("q")
        .reconnect(ReconnectPolicy::new().resend(true))
        .build()
        .unwrap();
    next_open(&mut source).await;
    next_message(&mut source, "a").await;
    next_error(&mut source, "the end").await;
    next_open(&mut source).await;
    next_message(&mut source, "b").await;
    let (requests, _) = server(&key).await;
    let methods: Vec<_> = requests.iter().map(|r| text(r, &["method"]).unwrap()).collect();
    assert_eq!(methods, ["POST", "POST"]);
    assert_eq!(text(&requests[1], &["body"]).as_deref(), Some("q"));
}

#[wasm_bindgen_test]
async fn the_last_event_id_option_is_sent_on_the_first_request() {
    let key = unique_key("rust-start-id");
    let plan = format!(r#"[{{{CORS}, "chunks": ["data: x\n\n"], "end": "open"}}]"#);
    let mut source = EventSource::builder(url(&key, &plan))
        .last_event_id("41")
        .build()
        .unwrap();
    assert_eq!(next_open(&mut source).await.resumed_from, "41");
    assert_eq!(next_message(&mut source, "x").await.last_event_id, "41");
    let (requests, _) = server(&key).await;
    assert_eq!(text(&requests[0], &["lastEventId"]).as_deref(), Some("41"));
}

#[wasm_bindgen_test]
async fn a_persisted_last_event_id_is_where_the_next_source_starts() {
    let key = unique_key("rust-persist");
    let plan = format!(r#"[{{{CORS}, "chunks": ["id: 9\ndata: x\n\n"], "end": "open"}}]"#);
    let storage_key = Some(format!("test:{key}"));
    let mut first = EventSource::builder(url(&key, &plan))
        .persist_last_event_id(Storage::Session, storage_key.clone())
        .build()
        .unwrap();
    next_open(&mut first).await;
    next_message(&mut first, "x").await;
    drop(first);
    let mut second = EventSource::builder(url(&key, &plan))
        .persist_last_event_id(Storage::Session, storage_key)
        .build()
        .unwrap();
    assert_eq!(next_open(&mut second).await.resumed_from, "9");
    let (requests, _) = server(&key).await;
    assert_eq!(text(&requests[1], &["lastEventId"]).as_deref(), Some("9"));
}

#[wasm_bindgen_test]
async fn only_the_types_asked_for_are_yielded_and_comments_only_when_asked() {
    let key = unique_key("rust-only");
    let plan = format!(
        r#"[{{{CORS}, "chunks": [": hello\nevent: a\ndata: 1\n\nid: 2\nevent: b\ndata: 2\n\ndata: 3\n\nevent: a\ndata: 4\n\n"], "end": "open"}}]"#
    );
    let mut source = EventSource::builder(url(&key, &plan))
        .only(["a"])
        .comments(true)
        .build()
        .unwrap();
    next_open(&mut source).await;
    assert_eq!(next(&mut source, "the comment").await, Event::Comment("hello".into()));
    let first = next_message(&mut source, "a 1").await;
    assert_eq!((first.event_type.as_str(), first.data.as_str()), ("a", "1"));
    let second = next_message(&mut source, "a 4").await;
    assert_eq!(
        (second.data.as_str(), second.last_event_id.as_str()),
        ("4", "2"),
        "the ID of a skipped event still counts"
    );
}

#[wasm_bindgen_test]
async fn the_xhr_transport_yields_the_same_items_as_fetch() {
    let plan = format!(
        r#"[{{{CORS}, "chunks": ["id: 1\ndata: first\n\nevent: custom\ndata: a\n\n", {{"delay": 30}}, "data: é😀\n\n"], "end": "open"}}]"#
    );
    let mut seen = Vec::new();
    for transport in [Transport::Fetch, Transport::Xhr] {
        let key = unique_key("rust-transport");
        let mut source = EventSource::builder(url(&key, &plan))
            .transport(transport)
            .build()
            .unwrap();
        let mut items = vec![next(&mut source, "open").await];
        for _ in 0..3 {
            items.push(next(&mut source, "a message").await);
        }
        seen.push(items);
    }
    assert_eq!(seen[0], seen[1]);
}

#[wasm_bindgen_test]
async fn with_credentials_and_a_fetch_function_make_the_requests() {
    let key = unique_key("rust-credentials");
    let plan = r#"[{"cors": "credentials", "chunks": ["data: x\n\n"], "end": "open"}]"#;
    let modes = Array::new();
    let mut source = EventSource::builder(url(&key, plan))
        .with_credentials(true)
        .fetch_function(recording_fetch(&modes))
        .build()
        .unwrap();
    next_open(&mut source).await;
    assert_eq!(next_message(&mut source, "x").await.data, "x");
    assert_eq!(modes.to_vec(), [JsValue::from_str("include")]);
}

#[wasm_bindgen_test]
async fn pause_when_hidden_lets_go_while_hidden_and_resumes_with_last_event_id() {
    let key = unique_key("rust-hidden");
    let plan = format!(r#"[{{{CORS}, "chunks": ["id: 4\ndata: x\n\n"], "end": "open"}}]"#);
    let mut source = EventSource::builder(url(&key, &plan))
        .pause_when_hidden(true)
        .build()
        .unwrap();
    next_open(&mut source).await;
    next_message(&mut source, "x").await;
    set_hidden(true);
    assert_eq!(source.ready_state(), ReadyState::Connecting);
    pause(100).await;
    assert_eq!(server(&key).await.1, 0, "the connection was released");
    set_hidden(false);
    let reopen = next_open(&mut source).await;
    assert_eq!((reopen.reopened, reopen.resumed_from.as_str()), (true, "4"));
}

#[wasm_bindgen_test]
async fn reconnect_makes_a_new_connection_without_an_error() {
    let key = unique_key("rust-reconnect-now");
    let plan = format!(r#"[{{{CORS}, "chunks": ["id: 1\ndata: x\n\n"], "end": "open"}}]"#);
    let mut source = EventSource::new(&url(&key, &plan)).unwrap();
    next_open(&mut source).await;
    next_message(&mut source, "x").await;
    source.reconnect();
    let reopen = next_open(&mut source).await;
    assert_eq!((reopen.reopened, reopen.resumed_from.as_str()), (true, "1"));
}

#[wasm_bindgen_test]
fn options_that_cannot_work_are_typed_errors_at_build_time() {
    let err = |b: eventsource_wasm::Builder| b.build().unwrap_err();
    assert!(matches!(
        err(EventSource::builder("http://[::1")),
        BuildError::Url { .. }
    ));
    let credentials = err(EventSource::builder("http://user:pw@127.0.0.1/sse"));
    assert!(
        credentials.to_string().contains("Authorization header"),
        "{credentials}"
    );
    assert!(matches!(
        err(EventSource::builder("/sse").header("bad name", "v")),
        BuildError::Header { name, .. } if name == "bad name"
    ));
    assert!(matches!(
        err(EventSource::builder("/sse").header("X-Line", "a\nb")),
        BuildError::Header { .. }
    ));
    assert_eq!(
        err(EventSource::builder("/sse").method("TRACE")),
        BuildError::Method("TRACE".into())
    );
    assert_eq!(
        err(EventSource::builder("/sse").method("GE T")),
        BuildError::Method("GE T".into())
    );
    assert_eq!(
        err(EventSource::builder("/sse").reconnect(ReconnectPolicy::new().jitter(1.5))),
        BuildError::Jitter(1.5)
    );
    let xhr_fetch = err(EventSource::builder("/sse")
        .transport(Transport::Xhr)
        .fetch_function(recording_fetch(&Array::new())));
    assert!(matches!(
        xhr_fetch,
        BuildError::Transport {
            transport: Transport::Xhr,
            ..
        }
    ));
    for error in [credentials, xhr_fetch] {
        assert!(error.to_string().starts_with("eventsource-wasm: "), "{error}");
    }
}

#[wasm_bindgen_test]
fn a_relative_url_resolves_against_the_page() {
    let source = EventSource::new("/events?x=1").unwrap();
    let page = Reflect::get(&js_sys::global(), &"location".into()).unwrap();
    let origin = text(&page, &["origin"]).unwrap();
    assert_eq!(source.url(), format!("{origin}/events?x=1"));
}

/// The README's snippet (and the API module's docs example), compiled and
/// run; in a module of its own, whose imports are its own.
mod readme {
    use super::*;

    // README: From Rust (begin)
    use eventsource_wasm::{Event, EventSource, ReconnectPolicy};
    use futures_util::StreamExt;

    /// Follows a POST stream until it fails for good; returns what it saw.
    async fn follow(url: &str, token: &str) -> Result<Vec<String>, eventsource_wasm::BuildError> {
        let mut source = EventSource::builder(url)
            .header("Authorization", format!("Bearer {token}"))
            .body(r#"{"topic":"news"}"#) // a POST
            .reconnect(ReconnectPolicy::new().exponential(true).resend(true))
            .build()?;
        let mut seen = Vec::new();
        while let Some(event) = source.next().await {
            match event {
                Event::Open(open) => seen.push(format!("open (resumed from {:?})", open.resumed_from)),
                Event::Message(message) => seen.push(format!("{}: {}", message.event_type, message.data)),
                // CONNECTING: it reconnects; CLOSED: the last item.
                Event::Error(error) => seen.push(error.to_string()),
                _ => {}
            }
        }
        Ok(seen)
    }
    // README: From Rust (end)

    #[wasm_bindgen_test]
    async fn the_readmes_snippet_follows_a_post_stream_until_it_fails_for_good() {
        let key = unique_key("rust-readme");
        // The first spec twice: the Authorization header's CORS preflight
        // uses one up (tests/server/server.mjs counts every request).
        let first = r#"{"cors": true, "chunks": ["retry: 10\nid: 1\nevent: news\ndata: hello\n\n"]}"#;
        let plan = format!(r#"[{first}, {first}, {{{CORS}, "status": 503}}]"#);
        let seen = follow(&url(&key, &plan), "t0k3n").await.unwrap();
        assert_eq!(
            seen,
            [
                "open (resumed from \"\")",
                "news: hello",
                "the event source lost its connection (reconnecting): ended",
                "the event source failed: status 503 (Service Unavailable)",
            ]
        );
        let (requests, _) = server(&key).await;
        assert_eq!(
            text(&requests[0], &["headers", "authorization"]).as_deref(),
            Some("Bearer t0k3n")
        );
        assert_eq!(
            text(&requests[1], &["body"]).as_deref(),
            Some(r#"{"topic":"news"}"#),
            "resent"
        );
    }
}
