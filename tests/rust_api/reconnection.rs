//! The reconnection policy: `before_reconnect`'s veto and the request to
//! continue with, `resend`, pausing while hidden, and `reconnect()`.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use eventsource_wasm::{ErrorReason, EventSource, ReadyState, Reconnect, ReconnectPolicy, ReconnectRequest};
use wasm_bindgen_test::*;

use crate::api_support::*;

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
    crate::failures::says(&loss);
    assert_eq!(
        (loss.reason, loss.ready_state),
        (ErrorReason::Ended, ReadyState::Connecting)
    );
    let error = next_error(&mut source, "the veto").await;
    crate::failures::says(&error);
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
    crate::failures::says(&error);
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
    crate::failures::says(&error);
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
