//! Comment lines (HTML §9.2.6: a line that starts with `:` is ignored),
//! reported to sinks that ask for them, in stream order beside the events,
//! on both faces, whatever the chunking.

mod common;

use common::Host;
use eventsource_core::Instant;
use eventsource_core::machine::{Config, Head, Machine};
use eventsource_core::parser::{Event, Ignored, Parser, RawEvent, RawSink, Sink};

/// What a sink saw, in order: `E:data` for an event, `C:text` for a comment.
#[derive(Default)]
struct Seen(Vec<String>);

impl Sink for Seen {
    fn event(&mut self, event: &Event<'_>) {
        self.0.push(format!("E:{}", event.data));
    }
    fn comment(&mut self, text: &str) {
        self.0.push(format!("C:{text}"));
    }
}

#[derive(Default)]
struct RawSeen(Vec<String>);

impl RawSink for RawSeen {
    fn event(&mut self, event: &RawEvent<'_>) {
        self.0.push(format!("E:{}", String::from_utf8_lossy(event.data)));
    }
    fn comment(&mut self, text: &[u8]) {
        self.0.push(format!("C:{}", String::from_utf8_lossy(text)));
    }
}

/// A sink that only counts ignored comment lines: comments reach it as before.
#[derive(Default)]
struct Ignoring(usize);

impl Sink for Ignoring {
    fn event(&mut self, _: &Event<'_>) {}
    fn ignored(&mut self, _: &[u8], why: Ignored) {
        if why == Ignored::Comment {
            self.0 += 1;
        }
    }
}

const STREAM: &[u8] =
    b":ok\r\n: keep-alive\n:  two spaces\rdata: a\n:inside an event\ndata: b\n\n:\n: \xF0\x9F\x98\n\n";

fn expected() -> Vec<String> {
    [
        "C:ok",
        "C:keep-alive",
        "C: two spaces",
        "C:inside an event",
        "E:a\nb",
        "C:",
        "C:\u{FFFD}",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

#[test]
fn comments_come_in_stream_order_without_the_colon_and_one_space_on_both_faces_at_every_split() {
    for split in 0..=STREAM.len() {
        let mut parser = Parser::new();
        let mut seen = Seen::default();
        parser.feed(&STREAM[..split], &mut seen).unwrap();
        parser.feed(&STREAM[split..], &mut seen).unwrap();
        assert_eq!(seen.0, expected(), "decoded, split at {split}");
        let mut parser = Parser::new();
        let mut raw = RawSeen::default();
        parser.feed_raw(&STREAM[..split], &mut raw).unwrap();
        parser.feed_raw(&STREAM[split..], &mut raw).unwrap();
        assert_eq!(raw.0, expected(), "raw, split at {split}");
    }
}

#[test]
fn a_sink_that_does_not_ask_for_comments_still_sees_them_as_ignored_lines() {
    let mut parser = Parser::new();
    let mut sink = Ignoring::default();
    parser.feed(STREAM, &mut sink).unwrap();
    assert_eq!(sink.0, 6);
}

#[test]
fn the_machine_hands_the_comments_of_an_open_stream_to_the_sink() {
    let mut m = Machine::new("https://example.test/", Config::default(), Instant(0));
    m.handle_timeout(Instant(0));
    while m.poll_command().is_some() {}
    m.handle_head(Instant(1), Head::new(200, Some("text/event-stream")));
    assert!(m.is_streaming());
    let mut seen = Seen::default();
    m.handle_body(Instant(2), b": ping\ndata: x\n\n", &mut seen);
    assert_eq!(seen.0, ["C:ping", "E:x"]);
}
