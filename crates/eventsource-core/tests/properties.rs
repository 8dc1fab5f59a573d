//! Property tests: for any bytes and any chunking the parser gives the same
//! result as for the whole stream, never panics, and holds no more memory
//! than the pending line and event need; its raw face, decoded by the host,
//! gives exactly its decoded face's events; the state machine keeps its
//! invariants under any sequence of inputs.
//!
//! `PROPTEST_CASES` raises the case count (the fuzz run uses millions).

#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{DecodedByHost, Outcome};
use eventsource_core::parser::Parser;
use proptest::prelude::*;

/// Bytes that look like an event stream often enough to reach every rule:
/// field names, colons, spaces, CR, LF, NUL, BOM bytes, digits, invalid UTF-8.
fn stream_bytes() -> impl Strategy<Value = Vec<u8>> {
    let token = prop_oneof![
        Just(b"data".to_vec()),
        Just(b"event".to_vec()),
        Just(b"id".to_vec()),
        Just(b"retry".to_vec()),
        Just(b":".to_vec()),
        Just(b": ".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\n\n".to_vec()),
        Just(vec![0xEF, 0xBB, 0xBF]),
        Just(vec![0]),
        Just(b"123".to_vec()),
        Just("é😀".as_bytes().to_vec()),
        Just(vec![0xF0, 0x9F]),
        Just(vec![0x80]),
        prop::collection::vec(any::<u8>(), 1..8),
    ];
    prop::collection::vec(token, 0..60).prop_map(|parts| parts.concat())
}

fn parse_chunks(bytes: &[u8], cuts: &[usize]) -> (Outcome, String, Option<u64>) {
    let mut parser = Parser::new();
    let mut out = Outcome::default();
    let mut start = 0;
    let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
    cuts.sort_unstable();
    for cut in cuts.into_iter().chain([bytes.len()]) {
        parser.feed(&bytes[start..cut], &mut out).unwrap();
        start = cut;
    }
    (out, parser.last_event_id().to_owned(), parser.retry())
}

fn parse_raw_chunks(bytes: &[u8], cuts: &[usize]) -> (Outcome, String, Option<u64>) {
    let mut parser = Parser::new();
    let mut out = DecodedByHost(Outcome::default());
    let mut start = 0;
    let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
    cuts.sort_unstable();
    for cut in cuts.into_iter().chain([bytes.len()]) {
        parser.feed_raw(&bytes[start..cut], &mut out).unwrap();
        start = cut;
    }
    (out.0, parser.last_event_id().to_owned(), parser.retry())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn chunked_parsing_equals_whole_parsing(bytes in stream_bytes(), cuts in prop::collection::vec(any::<usize>(), 0..12)) {
        prop_assert_eq!(parse_chunks(&bytes, &cuts), parse_chunks(&bytes, &[]));
    }

    #[test]
    fn byte_by_byte_equals_whole(bytes in stream_bytes()) {
        let cuts: Vec<usize> = (0..bytes.len()).collect();
        prop_assert_eq!(parse_chunks(&bytes, &cuts), parse_chunks(&bytes, &[]));
    }

    #[test]
    fn the_raw_face_decoded_by_the_host_equals_the_decoded_face(bytes in stream_bytes(), cuts in prop::collection::vec(any::<usize>(), 0..12)) {
        prop_assert_eq!(parse_raw_chunks(&bytes, &cuts), parse_chunks(&bytes, &[]));
    }

    #[test]
    fn the_raw_face_byte_by_byte_equals_the_decoded_face(bytes in stream_bytes()) {
        let cuts: Vec<usize> = (0..bytes.len()).collect();
        prop_assert_eq!(parse_raw_chunks(&bytes, &cuts), parse_chunks(&bytes, &[]));
    }

    #[test]
    fn arbitrary_bytes_never_panic_and_events_are_valid_text(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let (out, id, _) = parse_chunks(&bytes, &[bytes.len() / 3, bytes.len() / 2]);
        for (t, _, i) in &out.events {
            prop_assert!(!t.is_empty());
            prop_assert!(!i.contains('\0'), "an id with NUL is never taken");
        }
        prop_assert!(!id.contains('\0'));
    }

    #[test]
    fn memory_is_bounded_by_the_pending_line_and_event(bytes in stream_bytes()) {
        let mut parser = Parser::new();
        let mut out = Outcome::default();
        for chunk in bytes.chunks(7) {
            parser.feed(chunk, &mut out).unwrap();
            // Every buffer is at most what is pending (or what the largest
            // line, event or id needed), with allocator slack: never more
            // than a small multiple of the input (an invalid byte may become a
            // 3-byte U+FFFD; buffers grow by doubling).
            prop_assert!(parser.heap_capacity() <= 8 * bytes.len() + 256,
                "held {} bytes for {} bytes of input", parser.heap_capacity(), bytes.len());
        }
    }

    #[test]
    fn the_machine_keeps_its_invariants(inputs in prop::collection::vec((any::<u64>(), any::<u64>()), 0..80), bits in any::<u64>()) {
        let mut m = common::machine(bits, 42);
        let mut watch = common::Watch::default();
        let mut now = 0;
        let mut sink = Vec::new();
        for (kind, arg) in inputs {
            let input = common::step(&mut m, &mut now, kind, arg, &mut sink);
            if let Err(broken) = watch.check(&mut m, now, input) {
                prop_assert!(false, "after {input}: {broken}");
            }
        }
    }
}
