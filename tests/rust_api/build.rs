//! What is decided at build time: options that cannot work are typed
//! errors, and a relative URL resolves against the page.

use eventsource_wasm::{BuildError, EventSource, ReconnectPolicy, Storage, Transport};
use js_sys::{Array, Reflect};
use wasm_bindgen_test::*;

use crate::api_support::*;

#[wasm_bindgen_test]
fn options_that_cannot_work_are_typed_errors_at_build_time() {
    let err = |b: eventsource_wasm::Builder| b.build().unwrap_err();
    assert!(matches!(
        err(EventSource::builder("http://[::1")),
        BuildError::Url { .. }
    ));
    // Credentials in the URL are sent (tests/rust_api/credentials.rs), but
    // only what decodeURIComponent can decode.
    let credentials = err(EventSource::builder("http://user:pw%ZZ@127.0.0.1/sse"));
    assert!(
        matches!(&credentials, BuildError::Url { why, .. } if why.contains("password") && why.contains("%25")),
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

/// Each message names the option, says what is wrong with it and what
/// would work, without `{:?}` or float printing (which would weigh on every
/// app: BENCHMARKS.md, "In a Rust app").
#[wasm_bindgen_test]
fn every_build_error_says_what_is_wrong_and_what_would_work() {
    let why = || String::from("why");
    let cases = [
        (
            BuildError::Url {
                url: "http://[::1".into(),
                why: why(),
            },
            "the URL \"http://[::1\" cannot be used: why",
        ),
        (
            BuildError::Header {
                name: "bad name".into(),
                why: why(),
            },
            "the header \"bad name\" cannot be sent: why",
        ),
        (
            BuildError::Method("TRACE".into()),
            "the method \"TRACE\" cannot be sent: it must be an HTTP token other than CONNECT, TRACE or TRACK",
        ),
        (
            BuildError::Jitter(1.5),
            "the reconnection jitter must be a fraction from 0 to 1 (0.5 adds up to half the delay), and this one is above 1",
        ),
        (
            BuildError::Jitter(-0.1),
            "the reconnection jitter must be a fraction from 0 to 1 (0.5 adds up to half the delay), and this one is below 0",
        ),
        (
            BuildError::Jitter(f64::NAN),
            "the reconnection jitter must be a fraction from 0 to 1 (0.5 adds up to half the delay), and this one is not a number",
        ),
        (
            BuildError::Transport {
                transport: Transport::Xhr,
                why: "this realm has no XMLHttpRequest",
            },
            "the xhr transport cannot be used: this realm has no XMLHttpRequest",
        ),
        (
            BuildError::Transport {
                transport: Transport::Fetch,
                why: "why",
            },
            "the fetch transport cannot be used: why",
        ),
        (
            BuildError::Storage {
                storage: Storage::Local,
                why: why(),
            },
            "persist_last_event_id needs localStorage, which cannot be used here: why",
        ),
    ];
    for (error, message) in cases {
        assert_eq!(error.to_string(), format!("eventsource-wasm: {message}"));
    }
    let not_comparable = BuildError::NotComparable("a headers function").to_string();
    assert!(
        not_comparable.starts_with(
            "eventsource-wasm: shared() shares a connection only among sources whose requests are the same"
        ) && not_comparable
            .contains("a headers function cannot be compared; give fixed headers, or use shared_with_key(key)"),
        "{not_comparable}"
    );
}

#[wasm_bindgen_test]
fn a_relative_url_resolves_against_the_page() {
    let source = EventSource::new("/events?x=1").unwrap();
    let page = Reflect::get(&js_sys::global(), &"location".into()).unwrap();
    let origin = text(&page, &["origin"]).unwrap();
    assert_eq!(source.url(), format!("{origin}/events?x=1"));
}
