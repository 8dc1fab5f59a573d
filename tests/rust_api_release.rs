//! The Rust API lets go of everything (`wasm-pack test … --test
//! rust_api_release`): the engine's resource counts, which are global to
//! the wasm instance, so these run in a test binary of their own, one after
//! the other (wasm-bindgen-test runs a binary's async tests at once).

#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use eventsource_wasm::{EventSource, resource_counts};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod api_support;
use api_support::*;

#[wasm_bindgen_test]
async fn closed_and_dropped_sources_leave_no_connection_timer_listener_or_callback() {
    dropping_a_source_releases_everything_it_held().await;
    dropping_a_source_in_the_task_that_built_it_sends_nothing().await;
    a_source_waiting_on_its_headers_future_releases_it_when_closed().await;
}

async fn dropping_a_source_releases_everything_it_held() {
    let before = resource_counts();
    let key = unique_key("rust-drop");
    let plan = format!(r#"[{{{CORS}, "chunks": ["data: x\n\n"], "end": "open"}}]"#);
    let mut source = EventSource::builder(url(&key, &plan))
        .heartbeat_timeout(Duration::from_secs(30))
        .pause_when_hidden(true)
        .build()
        .unwrap();
    next_open(&mut source).await;
    next_message(&mut source, "x").await;
    let during = resource_counts();
    assert_eq!(during.sources, before.sources + 1);
    assert!(during.listeners > before.listeners, "lifecycle listeners: {during:?}");
    assert!(during.timers > before.timers, "the heartbeat timer: {during:?}");
    drop(source);
    assert_eq!(resource_counts(), before, "nothing left after the drop");
    pause(200).await;
    assert_eq!(server(&key).await.1, 0, "the server saw the connection close");
}

async fn dropping_a_source_in_the_task_that_built_it_sends_nothing() {
    let before = resource_counts();
    let key = unique_key("rust-drop-now");
    let plan = format!(r#"[{{{CORS}, "chunks": ["data: x\n\n"]}}]"#);
    drop(EventSource::new(&url(&key, &plan)).unwrap());
    assert_eq!(resource_counts(), before);
    pause(200).await;
    assert_eq!(server(&key).await.0.len(), 0, "no request left");
}

async fn a_source_waiting_on_its_headers_future_releases_it_when_closed() {
    let before = resource_counts();
    let key = unique_key("rust-close-waiting");
    let plan = format!(r#"[{{{CORS}, "chunks": ["data: x\n\n"]}}]"#);
    let mut source = EventSource::builder(url(&key, &plan))
        .headers_with(|_| async {
            JsFuture::from(sleep(100)).await.unwrap();
            Ok(Vec::new())
        })
        .build()
        .unwrap();
    pause(20).await;
    assert_eq!(
        resource_counts().callbacks,
        before.callbacks + 1,
        "waiting on the headers"
    );
    source.close();
    let closed = resource_counts();
    assert_eq!(
        (closed.timers, closed.listeners, closed.requests, closed.callbacks),
        (before.timers, before.listeners, before.requests, before.callbacks),
        "close() let go of everything"
    );
    ends_within(&mut source, 50).await.unwrap();
    drop(source);
    assert_eq!(resource_counts(), before, "and the driver went with the value");
    pause(200).await;
    assert_eq!(server(&key).await.0.len(), 0, "the request never left");
}
