//! A Rust source and a JavaScript source of this package in one page, with
//! the same request and key, hold one connection (`wasm-pack test … --features
//! js,shared --test rust_api_shared`): the JavaScript class is the npm
//! package's classic script (dist/eventsource-wasm.js, from the test
//! server, with its own wasm instance), the Rust source this crate's; the
//! group is theirs through Web Locks and a BroadcastChannel.

#![cfg(target_arch = "wasm32")]

use eventsource_wasm::{BuildError, EventSource, ReadyState, resource_counts};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod api_support;
use api_support::*;

#[wasm_bindgen_test]
async fn a_rust_source_and_a_javascript_source_with_the_same_key_share_one_connection() {
    JsFuture::from(load_script(&format!("{ORIGIN}/dist/eventsource-wasm.js")))
        .await
        .unwrap();
    let before = resource_counts();
    let key = unique_key("rust-js-shared");
    // Time for both to join before the first event.
    let plan = format!(
        r#"[{{{CORS}, "chunks": [{{"delay": 1500}}, "id: 1\ndata: one\n\n", {{"delay": 100}}, "id: 2\ndata: two\n\n"], "end": "open"}}]"#
    );
    let url = url(&key, &plan);
    let js = js_source(&url, &key);
    let mut rust = EventSource::builder(&url).shared_with_key(&key).build().unwrap();
    next_open(&mut rust).await;
    let one = next_message(&mut rust, "one").await;
    assert_eq!((one.data.as_str(), one.last_event_id.as_str()), ("one", "1"));
    let two = next_message(&mut rust, "two").await;
    assert_eq!((two.data.as_str(), two.last_event_id.as_str()), ("two", "2"));
    let mut waited = 0;
    while !js_seen(&js).contains("two@2") {
        assert!(waited < 5000, "the JavaScript source saw {}", js_seen(&js));
        pause(20).await;
        waited += 20;
    }
    assert_eq!(js_seen(&js), "open,one@1,two@2");
    let (requests, open) = server(&key).await;
    assert_eq!((requests.len(), open), (1, 1), "one request, one connection, for both");
    assert_eq!(rust.ready_state(), ReadyState::Open);
    js_close(&js);
    drop(rust);
    assert_eq!(resource_counts(), before, "the channel and the lock are let go");
}

#[wasm_bindgen_test]
fn shared_without_a_key_refuses_a_request_it_cannot_compare() {
    let error = EventSource::builder("/sse")
        .shared()
        .headers_fn(|_| Ok(Vec::new()))
        .build()
        .unwrap_err();
    assert_eq!(error, BuildError::NotComparable("headers given by a function"));
    assert!(error.to_string().contains("shared_with_key"), "{error}");
    assert!(
        EventSource::builder("/sse")
            .shared_with_key("k")
            .headers_fn(|_| Ok(Vec::new()))
            .build()
            .is_ok()
    );
}

#[wasm_bindgen_test]
async fn two_rust_sources_with_the_same_key_share_one_connection() {
    let key = unique_key("rust-rust-shared");
    let plan = format!(r#"[{{{CORS}, "chunks": [{{"delay": 500}}, "id: 1\ndata: one\n\n"], "end": "open"}}]"#);
    let url = url(&key, &plan);
    let mut a = EventSource::builder(&url).shared_with_key(&key).build().unwrap();
    let mut b = EventSource::builder(&url).shared_with_key(&key).build().unwrap();
    next_open(&mut a).await;
    next_open(&mut b).await;
    assert_eq!(next_message(&mut a, "one in a").await.data, "one");
    assert_eq!(next_message(&mut b, "one in b").await.data, "one");
    let (requests, open) = server(&key).await;
    assert_eq!((requests.len(), open), (1, 1), "one request, one connection, for both");
}
