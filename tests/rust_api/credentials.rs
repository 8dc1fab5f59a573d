//! A URL's credentials (`http://user:pass@host/`), as the JavaScript class
//! sends them (src/js/credentials.js; tests/e2e/exactness.test.mjs "a URL
//! with credentials"): the URL is requested without them, and they go as
//! `Authorization: Basic` of their percent-decoded UTF-8 (RFC 7617) — with
//! the first request over fetch in a window, in XHR's answer to the
//! server's Basic challenge; `url()` is the URL as given.

use eventsource_wasm::{BuildError, ErrorReason, EventSource, Transport};
use wasm_bindgen_test::*;

use crate::api_support::*;

#[wasm_bindgen_test]
async fn over_fetch_the_credentials_go_with_the_first_request_and_the_url_without_them() {
    let key = unique_key("rust-credentials");
    let plan = format!(r#"[{{{CORS}, "auth": "user:pa ss", "chunks": ["data: in\n\n"], "end": "open"}}]"#);
    let plain = url(&key, &plan);
    let given = with_userinfo(&plain, "user:pa%20ss");
    let mut source = EventSource::new(&given).unwrap();
    assert_eq!(source.url(), given, "url() is the URL as given");
    next_open(&mut source).await;
    assert_eq!(next_message(&mut source, "in").await.data, "in");
    let (requests, _) = server(&key).await;
    let gets: Vec<_> = requests
        .iter()
        .filter(|r| text(r, &["method"]).as_deref() == Some("GET"))
        .collect();
    assert_eq!(gets.len(), 1, "one request, no challenge");
    assert_eq!(text(gets[0], &["headers", "authorization"]), Some(basic("user:pa ss")));
    let sent = text(gets[0], &["url"]).unwrap();
    assert!(plain.ends_with(&sent), "requested without the credentials: {sent}");
}

#[wasm_bindgen_test]
async fn over_xhr_across_origins_the_challenge_is_not_answered_as_the_platform_decides() {
    // XHR is given the credentials (`open(method, url, true, user,
    // password)`, the driver code the JavaScript class runs too) and answers
    // a same-origin challenge itself (the e2e test over XHR). This page is
    // on another origin than the server, where Fetch (§4.5, HTTP-network-
    // or-cache fetch: no retry of a CORS-tainted 401) lets the 401 through:
    // a fatal status error, as the JavaScript class gets here. Never a
    // request with the credentials in its URL.
    let key = unique_key("rust-credentials-xhr");
    let plan = format!(r#"[{{{CORS}, "auth": "user:pa ss", "chunks": ["data: in\n\n"], "end": "open"}}]"#);
    let plain = url(&key, &plan);
    let mut source = EventSource::builder(with_userinfo(&plain, "user:pa%20ss"))
        .transport(Transport::Xhr)
        .build()
        .unwrap();
    let error = next_error(&mut source, "the 401").await;
    assert_eq!((error.reason, error.status), (ErrorReason::Status, 401), "{error:?}");
    let (requests, _) = server(&key).await;
    for request in &requests {
        let sent = text(request, &["url"]).unwrap();
        assert!(plain.ends_with(&sent), "requested without the credentials: {sent}");
    }
}

#[wasm_bindgen_test]
async fn utf8_credentials_are_percent_decoded_before_they_are_encoded() {
    // "é" is %C3%A9 in a URL; Basic carries its UTF-8 bytes in base64.
    let key = unique_key("rust-credentials-utf8");
    let plan = format!(r#"[{{{CORS}, "auth": "\u00e9t\u00e9:\u20ac", "chunks": ["data: in\n\n"], "end": "open"}}]"#);
    let given = with_userinfo(&url(&key, &plan), "%C3%A9t%C3%A9:%E2%82%AC");
    let mut source = EventSource::new(&given).unwrap();
    next_open(&mut source).await;
    next_message(&mut source, "in").await;
    let (requests, _) = server(&key).await;
    let get = requests
        .iter()
        .find(|r| text(r, &["method"]).as_deref() == Some("GET"))
        .unwrap();
    assert_eq!(text(get, &["headers", "authorization"]), Some(utf8_basic("été", "€")));
}

/// `Basic` + base64 of the UTF-8 pair, computed here with the platform's
/// btoa over the bytes (one character per byte), apart from the engine.
fn utf8_basic(user: &str, password: &str) -> String {
    let bytes: String = format!("{user}:{password}").bytes().map(char::from).collect();
    basic(&bytes)
}

#[wasm_bindgen_test]
fn credentials_that_cannot_be_decoded_are_a_build_error_that_says_which() {
    for (userinfo, which) in [("us%ZZer:pw", "user name"), ("user:%C3", "password")] {
        let error = EventSource::new(&with_userinfo("http://127.0.0.1/sse", userinfo)).unwrap_err();
        assert!(
            matches!(&error, BuildError::Url { why, .. } if why.contains(which)),
            "{userinfo}: {error}"
        );
    }
}
