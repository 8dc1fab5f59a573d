//! The core's two kinds of time, `Instant` and `Millis`: the arithmetic
//! between them saturates, so a clock that runs back a little or a huge
//! `retry` never wraps around into a deadline in the past.

use eventsource_core::machine::{Config, Head, Machine, Order};
use eventsource_core::parser::OwnedEvent;
use eventsource_core::{Instant, Millis};

#[test]
fn an_instant_minus_a_later_one_is_no_time_rather_than_a_wraparound() {
    assert_eq!(Instant(1_000) - Instant(400), Millis(600));
    assert_eq!(Instant(400) - Instant(1_000), Millis(0));
}

#[test]
fn an_instant_plus_a_span_saturates_at_the_end_of_the_clock() {
    assert_eq!(Instant(10) + Millis(5), Instant(15));
    assert_eq!(Instant(u64::MAX - 1) + Millis(10), Instant(u64::MAX));
}

#[test]
fn a_retry_near_the_end_of_the_clock_waits_that_long_and_no_wake_check_wraps() {
    let start = Instant(u64::MAX - 10_000);
    let mut m = Machine::new("https://example.test/events", Config::default(), start);
    m.handle_timeout(start);
    assert!(matches!(m.poll_order(), Some(Order::Fetch(_))));
    m.handle_head(start, Head::new(200, Some("text/event-stream")));
    let mut events: Vec<OwnedEvent> = Vec::new();
    m.handle_body(start, b"retry: 18446744073709551615\n\n", &mut events);
    assert_eq!(m.reconnection_time(), Millis(u64::MAX));
    m.handle_end(start);
    while m.poll_order().is_some() || m.poll_notice().is_some() {}
    // The next wake is the wake check, 5 s on, and neither it nor the
    // deadline wrapped to an instant before `start`.
    let wake = m.poll_timeout().expect("a wake check");
    assert_eq!(wake, start + Millis(5_000));
    m.handle_timeout(wake);
    assert_eq!(m.poll_order(), None, "no request: the reconnection time has not passed");
    assert_eq!(m.poll_timeout(), Some(Instant(u64::MAX)));
}
