//! A Rust source and a JavaScript source of this package in one page, with
//! the same request and key, hold one connection (`wasm-pack test … --features
//! js,shared --test rust_api_shared`): the JavaScript class is the npm
//! package's classic script (dist/eventsource-wasm.js, from the test
//! server, with its own wasm instance), the Rust source this crate's; the
//! group is theirs through Web Locks and a BroadcastChannel. A URL's
//! credentials are part of the request, so of the group's identity, for
//! both front-ends alike: a shared stream never crosses credentials.

#![cfg(target_arch = "wasm32")]

use eventsource_wasm::{BuildError, EventSource, ReadyState, resource_counts};
use futures_util::StreamExt;
use futures_util::future::{Either, select};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod api_support;
use api_support::*;

#[wasm_bindgen_test]
async fn a_rust_source_and_a_javascript_source_with_the_same_key_share_one_connection() {
    load_package().await;
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

/// A stream whose events say whose request brought them: its first event's
/// data is `one ` and the request's `Authorization` (the server's `echo`),
/// after `delay_ms`, time for every source to join its group.
fn echoing_url(key: &str, delay_ms: u32) -> String {
    let plan = format!(
        r#"[{{{CORS}, "echo": true, "chunks": [{{"delay": {delay_ms}}}, "id: 1\ndata: one {{authorization}}\n\n"], "end": "open"}}]"#
    );
    url(key, &plan)
}

/// The package's classic script, loaded once per page.
async fn load_package() {
    if js_sys::Reflect::has(&js_sys::global(), &"EventSourceWasm".into()).unwrap() {
        return;
    }
    JsFuture::from(load_script(&format!("{ORIGIN}/dist/eventsource-wasm.js")))
        .await
        .unwrap();
}

/// The `Authorization` header of each request the server received for
/// `key`, sorted, and how many of its connections are open.
async fn authorizations(key: &str) -> (Vec<String>, u32) {
    let (requests, open) = server(key).await;
    let mut sent: Vec<String> = requests
        .iter()
        .map(|r| text(r, &["headers", "authorization"]).unwrap_or_else(|| String::from("-")))
        .collect();
    sent.sort();
    (sent, open)
}

/// Fails if `source` yields anything within `ms`.
async fn nothing_more(source: &mut EventSource, ms: u32, who: &str) {
    if let Either::Left((item, _)) = select(source.next(), JsFuture::from(sleep(ms))).await {
        panic!("{who} received more than its own request brought: {item:?}");
    }
}

/// Waits until the JavaScript source has seen `want` (5 s at most).
async fn js_reaches(js: &wasm_bindgen::JsValue, want: &str) {
    let mut waited = 0;
    while !js_seen(js).contains(want) {
        assert!(
            waited < 5000,
            "the JavaScript source saw {:?}, not {want:?}",
            js_seen(js)
        );
        pause(20).await;
        waited += 20;
    }
}

#[wasm_bindgen_test]
async fn two_rust_sources_with_different_credentials_hold_a_connection_each_and_see_only_their_own_events() {
    let key = unique_key("rust-shared-users");
    let url = echoing_url(&key, 500);
    let (alice, bob) = (basic("alice:a"), basic("bob:b"));
    let mut a = EventSource::builder(with_userinfo(&url, "alice:a"))
        .shared()
        .build()
        .unwrap();
    let mut b = EventSource::builder(with_userinfo(&url, "bob:b"))
        .shared()
        .build()
        .unwrap();
    next_open(&mut a).await;
    next_open(&mut b).await;
    assert_eq!(next_message(&mut a, "Alice's event").await.data, format!("one {alice}"));
    assert_eq!(next_message(&mut b, "Bob's event").await.data, format!("one {bob}"));
    nothing_more(&mut a, 300, "Alice's source").await;
    nothing_more(&mut b, 50, "Bob's source").await;
    let mut both = vec![alice, bob];
    both.sort();
    assert_eq!(authorizations(&key).await, (both, 2), "a request and a connection each");
}

#[wasm_bindgen_test]
async fn two_rust_sources_with_the_same_credentials_share_one_connection() {
    let key = unique_key("rust-shared-same-user");
    let given = with_userinfo(&echoing_url(&key, 500), "alice:a");
    let alice = basic("alice:a");
    let mut a = EventSource::builder(&given).shared().build().unwrap();
    let mut b = EventSource::builder(&given).shared().build().unwrap();
    next_open(&mut a).await;
    next_open(&mut b).await;
    assert_eq!(
        next_message(&mut a, "the event in a").await.data,
        format!("one {alice}")
    );
    assert_eq!(
        next_message(&mut b, "the event in b").await.data,
        format!("one {alice}")
    );
    assert_eq!(
        authorizations(&key).await,
        (vec![alice], 1),
        "one request, one connection, for both"
    );
}

#[wasm_bindgen_test]
async fn a_rust_source_and_a_javascript_source_with_the_same_credentials_share_one_connection() {
    // `shared()` and `shared: true`, no key: the group is the request's alone.
    load_package().await;
    let key = unique_key("rust-js-shared-user");
    let given = with_userinfo(&echoing_url(&key, 1500), "alice:a");
    let alice = basic("alice:a");
    let js = js_source(&given, "");
    let mut rust = EventSource::builder(&given).shared().build().unwrap();
    next_open(&mut rust).await;
    assert_eq!(next_message(&mut rust, "the event").await.data, format!("one {alice}"));
    js_reaches(&js, "@1").await;
    assert_eq!(js_seen(&js), format!("open,one {alice}@1"));
    assert_eq!(
        authorizations(&key).await,
        (vec![alice], 1),
        "one request, one connection, for both"
    );
    js_close(&js);
}

#[wasm_bindgen_test]
async fn a_rust_source_and_a_javascript_source_with_different_credentials_hold_a_connection_each() {
    load_package().await;
    let key = unique_key("rust-js-shared-users");
    let url = echoing_url(&key, 1500);
    let (alice, bob) = (basic("alice:a"), basic("bob:b"));
    let js = js_source(&with_userinfo(&url, "bob:b"), "");
    let mut rust = EventSource::builder(with_userinfo(&url, "alice:a"))
        .shared()
        .build()
        .unwrap();
    next_open(&mut rust).await;
    assert_eq!(
        next_message(&mut rust, "Alice's event").await.data,
        format!("one {alice}")
    );
    js_reaches(&js, "@1").await;
    assert_eq!(
        js_seen(&js),
        format!("open,one {bob}@1"),
        "the JavaScript source, Bob's"
    );
    nothing_more(&mut rust, 300, "Alice's Rust source").await;
    let mut both = vec![alice, bob];
    both.sort();
    assert_eq!(authorizations(&key).await, (both, 2), "a request and a connection each");
    js_close(&js);
}
