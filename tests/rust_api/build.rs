//! What is decided at build time: options that cannot work are typed
//! errors, and a relative URL resolves against the page.

use eventsource_wasm::{BuildError, EventSource, ReconnectPolicy, Transport};
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

#[wasm_bindgen_test]
fn a_relative_url_resolves_against_the_page() {
    let source = EventSource::new("/events?x=1").unwrap();
    let page = Reflect::get(&js_sys::global(), &"location".into()).unwrap();
    let origin = text(&page, &["origin"]).unwrap();
    assert_eq!(source.url(), format!("{origin}/events?x=1"));
}
