//! What a source sends: the method, body and headers, the headers function
//! (asked before each connection), credentials and a fetch function.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use eventsource_wasm::{ErrorReason, EventSource, ReadyState, ReconnectPolicy};
use js_sys::Array;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

use crate::api_support::*;

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
