//! The README's snippet (and the API module's docs example), compiled and
//! run; in a module of its own, whose imports are its own
//! (tests/readme.rs checks the text between the markers is the README's).

use wasm_bindgen_test::*;

use crate::api_support::*;

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
            "eventsource-wasm: the server ended the stream; reconnecting",
            "eventsource-wasm: the server answered with HTTP status 503; an event stream must answer 200, so the connection failed for good (Service Unavailable)",
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
