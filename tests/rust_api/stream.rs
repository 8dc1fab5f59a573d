//! What a source yields: open, messages with their type, data, last event
//! ID and origin, reconnection with `Last-Event-ID`, the ID options, the
//! event types asked for, and the XHR transport's same items.

use eventsource_wasm::{ErrorReason, Event, EventSource, Message, Open, ReadyState, Storage, Transport};
use wasm_bindgen_test::*;

use crate::api_support::*;

#[wasm_bindgen_test]
async fn a_source_yields_open_then_each_message_with_its_type_data_last_event_id_and_origin() {
    let key = unique_key("rust-order");
    let plan = format!(
        r#"[{{{CORS}, "chunks": ["id: 1\ndata: first\n\nevent: custom\ndata: a\ndata: b\n\n", "data: é😀\n\n"], "end": "open"}}]"#
    );
    let mut source = EventSource::new(&url(&key, &plan)).unwrap();
    assert_eq!(source.ready_state(), ReadyState::Connecting);
    assert_eq!(source.url(), url(&key, &plan));
    let open = next_open(&mut source).await;
    assert_eq!(
        open,
        Open {
            reopened: false,
            resumed_from: String::new()
        }
    );
    assert_eq!(source.ready_state(), ReadyState::Open);
    let origin = origin_of(ORIGIN);
    let expect = |event_type: &str, data: &str| Message {
        event_type: event_type.into(),
        data: data.into(),
        last_event_id: "1".into(),
        origin: origin.clone(),
    };
    assert_eq!(next_message(&mut source, "the first").await, expect("message", "first"));
    assert_eq!(next_message(&mut source, "the custom").await, expect("custom", "a\nb"));
    assert_eq!(next_message(&mut source, "the third").await, expect("message", "é😀"));
    source.close();
    assert_eq!(source.ready_state(), ReadyState::Closed);
    ends_within(&mut source, 100).await.unwrap();
}

#[wasm_bindgen_test]
async fn an_ended_stream_reconnects_with_last_event_id_and_the_reopen_says_from_where() {
    let key = unique_key("rust-reconnect");
    let plan = format!(
        r#"[{{{CORS}, "chunks": ["retry: 50\nid: é-7\ndata: one\n\n"]}}, {{{CORS}, "chunks": ["data: two\n\n"], "end": "open"}}]"#
    );
    let mut source = EventSource::new(&url(&key, &plan)).unwrap();
    next_open(&mut source).await;
    assert_eq!(next_message(&mut source, "one").await.last_event_id, "é-7");
    let error = next_error(&mut source, "the end of the first stream").await;
    assert_eq!(
        (error.reason, error.ready_state),
        (ErrorReason::Ended, ReadyState::Connecting)
    );
    assert!(!error.is_fatal());
    let reopen = next_open(&mut source).await;
    assert_eq!(
        reopen,
        Open {
            reopened: true,
            resumed_from: "é-7".into()
        }
    );
    let two = next_message(&mut source, "two").await;
    assert_eq!((two.data.as_str(), two.last_event_id.as_str()), ("two", "é-7"));
    let (requests, _) = server(&key).await;
    assert_eq!(requests.len(), 2);
    assert_eq!(text(&requests[0], &["lastEventId"]), None, "none on the first request");
    assert_eq!(
        text(&requests[1], &["lastEventId"]).as_deref(),
        Some("é-7"),
        "sent as UTF-8"
    );
}

#[wasm_bindgen_test]
async fn the_last_event_id_option_is_sent_on_the_first_request() {
    let key = unique_key("rust-start-id");
    let plan = format!(r#"[{{{CORS}, "chunks": ["data: x\n\n"], "end": "open"}}]"#);
    let mut source = EventSource::builder(url(&key, &plan))
        .last_event_id("41")
        .build()
        .unwrap();
    assert_eq!(next_open(&mut source).await.resumed_from, "41");
    assert_eq!(next_message(&mut source, "x").await.last_event_id, "41");
    let (requests, _) = server(&key).await;
    assert_eq!(text(&requests[0], &["lastEventId"]).as_deref(), Some("41"));
}

#[wasm_bindgen_test]
async fn a_persisted_last_event_id_is_where_the_next_source_starts() {
    let key = unique_key("rust-persist");
    let plan = format!(r#"[{{{CORS}, "chunks": ["id: 9\ndata: x\n\n"], "end": "open"}}]"#);
    let storage_key = Some(format!("test:{key}"));
    let mut first = EventSource::builder(url(&key, &plan))
        .persist_last_event_id(Storage::Session, storage_key.clone())
        .build()
        .unwrap();
    next_open(&mut first).await;
    next_message(&mut first, "x").await;
    drop(first);
    let mut second = EventSource::builder(url(&key, &plan))
        .persist_last_event_id(Storage::Session, storage_key)
        .build()
        .unwrap();
    assert_eq!(next_open(&mut second).await.resumed_from, "9");
    let (requests, _) = server(&key).await;
    assert_eq!(text(&requests[1], &["lastEventId"]).as_deref(), Some("9"));
}

#[wasm_bindgen_test]
async fn only_the_types_asked_for_are_yielded_and_comments_only_when_asked() {
    let key = unique_key("rust-only");
    let plan = format!(
        r#"[{{{CORS}, "chunks": [": hello\nevent: a\ndata: 1\n\nid: 2\nevent: b\ndata: 2\n\ndata: 3\n\nevent: a\ndata: 4\n\n"], "end": "open"}}]"#
    );
    let mut source = EventSource::builder(url(&key, &plan))
        .only(["a"])
        .comments(true)
        .build()
        .unwrap();
    next_open(&mut source).await;
    assert_eq!(next(&mut source, "the comment").await, Event::Comment("hello".into()));
    let first = next_message(&mut source, "a 1").await;
    assert_eq!((first.event_type.as_str(), first.data.as_str()), ("a", "1"));
    let second = next_message(&mut source, "a 4").await;
    assert_eq!(
        (second.data.as_str(), second.last_event_id.as_str()),
        ("4", "2"),
        "the ID of a skipped event still counts"
    );
}

#[wasm_bindgen_test]
async fn the_xhr_transport_yields_the_same_items_as_fetch() {
    let plan = format!(
        r#"[{{{CORS}, "chunks": ["id: 1\ndata: first\n\nevent: custom\ndata: a\n\n", {{"delay": 30}}, "data: é😀\n\n"], "end": "open"}}]"#
    );
    let mut seen = Vec::new();
    for transport in [Transport::Fetch, Transport::Xhr] {
        let key = unique_key("rust-transport");
        let mut source = EventSource::builder(url(&key, &plan))
            .transport(transport)
            .build()
            .unwrap();
        let mut items = vec![next(&mut source, "open").await];
        for _ in 0..3 {
            items.push(next(&mut source, "a message").await);
        }
        seen.push(items);
    }
    assert_eq!(seen[0], seen[1]);
}
