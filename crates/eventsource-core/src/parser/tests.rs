//! The parser's own tests of what only its insides show (buffers kept and
//! released, lines pending across chunks); the fixtures and property tests
//! in `tests/` cover the events.

use super::*;

fn parse(chunks: &[&[u8]]) -> Vec<OwnedEvent> {
    let mut parser = Parser::new();
    let mut events = Vec::new();
    for chunk in chunks {
        parser.feed(chunk, &mut events).unwrap();
    }
    events
}

#[test]
fn cr_at_chunk_end_dispatches_before_the_next_chunk() {
    let mut parser = Parser::new();
    let mut events = Vec::new();
    parser.feed(b"data: a\r\r", &mut events).unwrap();
    assert_eq!(events.len(), 1, "the CR completing the blank line dispatches at once");
    parser.feed(b"\ndata: b\n\n", &mut events).unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(events[1].data, "b");
}

#[test]
fn bom_split_across_three_chunks_is_dropped() {
    let events = parse(&[&[0xEF], &[0xBB], &[0xBF], b"data: x\n\n"]);
    assert_eq!(events[0].data, "x");
}

#[test]
fn partial_bom_followed_by_other_bytes_is_content() {
    // EF BB then 'd': the two bytes are an invalid sequence, so the field
    // name becomes U+FFFD "data" and the line is an unknown field.
    let events = parse(&[&[0xEF, 0xBB], b"data: x\n\ndata: y\n\n"]);
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].data, "y");
}

#[test]
fn utf8_sequence_split_across_chunks_decodes_whole() {
    let events = parse(&[b"data: \xF0\x9F", b"\x98\x80\n\n"]);
    assert_eq!(events[0].data, "\u{1F600}");
}

#[test]
fn invalid_bytes_in_a_long_value_become_u_fffd() {
    // Long enough for the SIMD validator (64 bytes and more), with a
    // sequence cut by the chunk boundary and a truncated one before the
    // line end.
    let text = "é€😀 and some ASCII to make the value long enough ".repeat(4);
    let mut stream = alloc::format!("data: {text}").into_bytes();
    stream.extend_from_slice(b"\xff\xf0\x9f\x98");
    stream.extend_from_slice(text.as_bytes());
    stream.extend_from_slice(b"\xe2\x82\n\n");
    let want = alloc::format!("{text}\u{FFFD}\u{FFFD}{text}\u{FFFD}");
    for at in 0..stream.len() {
        let (a, b) = stream.split_at(at);
        let events = parse(&[a, b]);
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].data, want, "split at {at}");
    }
}

#[test]
fn short_events_around_an_invalid_one_in_a_chunk_decode_each_exactly() {
    // Short events are decoded from one validation of the chunk: an
    // invalid one among them must not change how the others decode.
    let events = parse(&[b"data: ok\n\ndata: \xff\n\nevent: \xe2\x82\ndata: \xe2\x82\xac\r\n\r\ndata: fine\n\n"]);
    let got: Vec<(&str, &str)> = events
        .iter()
        .map(|e| (e.event_type.as_str(), e.data.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("message", "ok"),
            ("message", "\u{FFFD}"),
            ("\u{FFFD}", "€"),
            ("message", "fine")
        ]
    );
}

#[test]
fn line_limit_is_enforced_across_chunks() {
    let mut parser = Parser::with_limits(Limits::new().with_max_line_length(Some(8)));
    let mut events = Vec::new();
    parser.feed(b"data: 12", &mut events).unwrap();
    assert_eq!(
        parser.feed(b"3", &mut events),
        Err(ParseError::LineTooLong { limit: 8 })
    );
}

#[test]
fn event_limit_counts_data_without_joining_lf() {
    let mut parser = Parser::with_limits(Limits::new().with_max_event_size(Some(3)));
    let mut events = Vec::new();
    parser.feed(b"data: abc\n\n", &mut events).unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(
        parser.feed(b"data: abcd\n", &mut events),
        Err(ParseError::EventTooLarge { limit: 3 })
    );
}

#[test]
fn event_limit_counts_invalid_bytes_as_their_replacement_characters() {
    // Two invalid bytes are two U+FFFD: six bytes of UTF-8, over a limit
    // of five, though only two bytes arrived. Both faces agree.
    let mut parser = Parser::with_limits(Limits::new().with_max_event_size(Some(5)));
    let mut events = Vec::new();
    assert_eq!(
        parser.feed(b"data: \x80\x80\n", &mut events),
        Err(ParseError::EventTooLarge { limit: 5 })
    );
    struct Ignore;
    impl RawSink for Ignore {
        fn event(&mut self, _: &RawEvent<'_>) {}
    }
    let mut parser = Parser::with_limits(Limits::new().with_max_event_size(Some(5)));
    assert_eq!(
        parser.feed_raw(b"data: \x80\x80\n", &mut Ignore),
        Err(ParseError::EventTooLarge { limit: 5 })
    );
    let mut parser = Parser::with_limits(Limits::new().with_max_event_size(Some(6)));
    parser.feed(b"data: \x80\x80\n\n", &mut events).unwrap();
    assert_eq!(events[0].data, "\u{FFFD}\u{FFFD}");
}

#[test]
fn a_data_line_cut_by_the_chunk_is_a_pending_line_until_it_ends() {
    let mut parser = Parser::new();
    let mut events = Vec::new();
    parser.feed(b"data: one\ndata: tw", &mut events).unwrap();
    assert_eq!((parser.pending_line_len(), parser.pending_data_len()), (8, 4));
    assert!(!parser.at_event_boundary());
    parser.feed(b"o", &mut events).unwrap();
    assert_eq!((parser.pending_line_len(), parser.pending_data_len()), (9, 4));
    parser.feed(b"\n", &mut events).unwrap();
    assert_eq!((parser.pending_line_len(), parser.pending_data_len()), (0, 8));
    parser.feed(b"\n", &mut events).unwrap();
    assert_eq!(events[0].data, "one\ntwo");
    assert!(parser.at_event_boundary());
}

#[test]
fn the_space_after_data_colon_is_dropped_when_a_chunk_ends_between() {
    let events = parse(&[b"data:", b" x\n", b"data:", b"", b"  y\n\n"]);
    assert_eq!(events[0].data, "x\n y");
}

/// `events` fed in chunks of the given sizes (cycling); the parser's
/// heap capacity after each event.
fn capacities(stream: &[u8], sizes: &[usize], events: usize) -> Vec<usize> {
    let mut parser = Parser::new();
    let mut seen = Vec::new();
    let mut after = Vec::new();
    let mut at = 0;
    for size in sizes.iter().cycle() {
        if at == stream.len() {
            break;
        }
        let end = (at + size).min(stream.len());
        parser.feed(&stream[at..end], &mut seen).unwrap();
        at = end;
        while after.len() < seen.len() {
            after.push(parser.heap_capacity());
        }
    }
    assert_eq!(seen.len(), events);
    after
}

#[test]
fn large_events_reuse_the_first_ones_data_buffer_however_the_chunks_split_them() {
    // One data line of 2 MiB per event, and a small event among them:
    // the first event's buffer holds every later one, so none grows a
    // new one (which, reallocated step by step from a size set by the
    // first chunk, left the wasm memory unable to hold the next).
    let big = alloc::format!("data: {}\n\n", "x".repeat(2 << 20));
    let stream = alloc::format!("{big}{big}data: small\n\n{big}{big}{big}");
    for sizes in [
        &[65536][..],
        &[1000],
        &[7, 65536],
        &[1 << 20, 3],
        &[131071, 5000, 99999],
    ] {
        let after = capacities(stream.as_bytes(), sizes, 6);
        assert!(
            after[0] > 2 << 20,
            "chunks of {sizes:?}: the first event left {} bytes",
            after[0]
        );
        assert!(
            after.iter().all(|&c| c == after[0]),
            "chunks of {sizes:?}: capacities {after:?}"
        );
    }
}

#[test]
fn a_huge_data_buffer_is_released_once_as_many_bytes_have_passed_without_a_large_event() {
    let mut parser = Parser::new();
    let mut events = Vec::new();
    let big = alloc::vec![b'x'; 4 << 20];
    parser.feed(b"data: ", &mut events).unwrap();
    parser.feed(&big, &mut events).unwrap();
    parser.feed(b"\n\n", &mut events).unwrap();
    assert_eq!(events[0].data.len(), 4 << 20);
    let kept = parser.heap_capacity();
    assert!(kept > 4 << 20, "kept for the next large event: {kept} bytes");
    // Small events, in chunks, up to as many bytes as the buffer holds:
    // kept; the chunk after that lets it go.
    let small = b"data: a\ndata: b\n\n".repeat(4096);
    let mut fed = 0;
    while fed + small.len() <= kept {
        parser.feed(&small, &mut events).unwrap();
        fed += small.len();
        assert_eq!(parser.heap_capacity(), kept, "after {fed} bytes of small events");
    }
    parser.feed(&small, &mut events).unwrap();
    parser.feed(b"data: c\n\n", &mut events).unwrap();
    assert!(parser.heap_capacity() < 1024, "held {} bytes", parser.heap_capacity());
    assert_eq!(events.last().unwrap().data, "c");
}

#[test]
fn a_new_stream_releases_a_huge_data_buffer() {
    let mut parser = Parser::new();
    let mut events = Vec::new();
    parser.feed(b"data: ", &mut events).unwrap();
    parser.feed(&alloc::vec![b'x'; 2 << 20], &mut events).unwrap();
    parser.feed(b"\n\n", &mut events).unwrap();
    assert!(parser.heap_capacity() > 2 << 20);
    parser.reset_stream();
    assert!(parser.heap_capacity() < 1024, "held {} bytes", parser.heap_capacity());
}
