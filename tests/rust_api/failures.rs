//! Each failure reason as an error item: status, MIME type, network (with
//! its cause), scheme, heartbeat timeout and limits.

use std::time::Duration;

use eventsource_wasm::{ErrorReason, EventSource, ReadyState, ReconnectPolicy};
use wasm_bindgen_test::*;

use crate::api_support::*;

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
