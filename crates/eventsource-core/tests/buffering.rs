//! The buffering diagnosis (`eventsource_core::buffering`), with time as a plain
//! number: each sign of a buffering intermediary is seen, once, and no
//! healthy stream gives one, however slow or bursty.

mod common;

use common::{Command, Host};
use eventsource_core::Instant;
use eventsource_core::buffering::Sign;
use eventsource_core::machine::{Config, Head, Machine, Warning};
use eventsource_core::parser::OwnedEvent;

const SSE: Head<'static> = Head::new(200, Some("text/event-stream"));

/// A machine that diagnoses, opened at `now` with `head`.
fn opened(head: Head<'_>, now: u64) -> Machine {
    let mut m = Machine::new(
        "https://example.test/",
        Config::default().with_diagnose_buffering(true),
        Instant(0),
    );
    m.handle_timeout(Instant(0));
    while m.poll_command().is_some() {}
    m.handle_head(Instant(now), head);
    assert!(m.is_streaming());
    m
}

fn warnings(m: &mut Machine) -> Vec<Sign> {
    std::iter::from_fn(|| m.poll_command())
        .filter_map(|c| match c {
            Command::Warn(Warning::Buffering(sign)) => Some(sign),
            _ => None,
        })
        .collect()
}

fn feed(m: &mut Machine, now: u64, bytes: &[u8]) {
    let mut events: Vec<OwnedEvent> = Vec::new();
    m.handle_body(Instant(now), bytes, &mut events);
}

/// `n` events of exactly 100 bytes each.
fn events(n: usize) -> Vec<u8> {
    let event = format!("data: {}\n\n", "x".repeat(92));
    assert_eq!(event.len(), 100);
    event.repeat(n).into_bytes()
}

#[test]
fn a_compressed_event_stream_is_a_sign_given_once_and_identity_is_not() {
    let mut m = opened(SSE.with_content_encoding(Some("gzip")), 10);
    assert_eq!(warnings(&mut m), [Sign::Compressed]);
    m.handle_end(Instant(20));
    m.handle_timeout(Instant(10_000));
    while m.poll_command().is_some() {}
    m.handle_head(Instant(10_010), SSE.with_content_encoding(Some("br")));
    assert!(m.is_streaming());
    assert_eq!(warnings(&mut m), [], "once per source");
    let mut m = opened(SSE.with_content_encoding(Some(" identity ")), 10);
    assert_eq!(warnings(&mut m), []);
}

#[test]
fn nothing_is_diagnosed_unless_asked() {
    let mut m = Machine::new("https://example.test/", Config::default(), Instant(0));
    m.handle_timeout(Instant(0));
    while m.poll_command().is_some() {}
    m.handle_head(Instant(1), SSE.with_content_encoding(Some("gzip")));
    assert!(m.is_streaming());
    assert_eq!(warnings(&mut m), []);
}

#[test]
fn the_first_bytes_long_after_the_head_with_many_events_at_once_are_a_sign() {
    let mut m = opened(SSE, 1000);
    feed(&mut m, 2500, &events(20));
    assert_eq!(
        warnings(&mut m),
        [Sign::LateFirstBytes {
            waited_ms: 1500,
            events: 20
        }]
    );
    // Counted across the reads of one burst.
    let mut m = opened(SSE, 1000);
    feed(&mut m, 2500, &events(5));
    feed(&mut m, 2510, &events(5));
    assert_eq!(
        warnings(&mut m),
        [Sign::LateFirstBytes {
            waited_ms: 1500,
            events: 10
        }]
    );
}

#[test]
fn a_slow_first_event_or_a_prompt_burst_is_healthy() {
    // An application that thinks for 5 s, then answers with a few events.
    let mut m = opened(SSE, 0);
    feed(&mut m, 5000, &events(3));
    assert_eq!(warnings(&mut m), []);
    // An application that sends its history at once, right away.
    let mut m = opened(SSE, 0);
    feed(&mut m, 5, &events(500));
    assert_eq!(warnings(&mut m), []);
}

#[test]
fn repeated_buffer_sized_bursts_cut_mid_event_after_silence_are_a_sign() {
    // A proxy with an 8 KiB buffer in front of an application that writes
    // a 100-byte event every 50 ms: 8 KiB every ~4 s, cut wherever it fills.
    let stream = events(400);
    let mut m = opened(SSE, 0);
    let mut seen = Vec::new();
    for (i, block) in stream.chunks(8192).take(4).enumerate() {
        let at = 100 + 4000 * i as u64;
        // One flush may reach the client as two reads.
        let (a, b) = block.split_at(3000);
        feed(&mut m, at, a);
        feed(&mut m, at + 5, b);
        seen.extend(warnings(&mut m));
    }
    assert_eq!(seen, [Sign::BufferSizedBursts { size: 8192 }]);
}

#[test]
fn bursts_of_whole_events_are_healthy_whatever_their_size_or_rhythm() {
    let mut m = opened(SSE, 0);
    let mut seen = Vec::new();
    for i in 0..20u64 {
        // Sometimes exactly 4 KiB, always whole events, after silence.
        let burst = if i % 2 == 0 {
            let mut b = events(40);
            b.extend_from_slice(format!("data: {}\n\n", "y".repeat(88)).as_bytes());
            assert_eq!(b.len(), 4096);
            b
        } else {
            events(1 + i as usize)
        };
        feed(&mut m, 100 + 2000 * i, &burst);
        seen.extend(warnings(&mut m));
    }
    // A slow stream whose events arrive in pieces (mid-event, never 4 KiB).
    for i in 0..20u64 {
        feed(&mut m, 50_000 + 1500 * i, b"data: part");
        feed(&mut m, 50_700 + 1500 * i, b"ial\n\n");
        seen.extend(warnings(&mut m));
    }
    assert_eq!(seen, []);
}

#[test]
fn content_encoding_is_trimmed_of_spaces_and_tabs_and_compared_without_case() {
    use eventsource_core::buffering::is_compressed;
    assert!(!is_compressed(None));
    assert!(!is_compressed(Some("")));
    assert!(!is_compressed(Some(" \t ")), "only spaces and tabs: no coding");
    assert!(!is_compressed(Some("\tIdentity ")));
    assert!(is_compressed(Some("gzip")));
    assert!(is_compressed(Some(" br\t")));
    assert!(
        is_compressed(Some("identity, gzip")),
        "a list with a real coding compresses"
    );
}
