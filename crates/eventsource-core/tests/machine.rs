//! Scripted scenarios for the connection state machine: a sequence of inputs
//! at given times, and the exact commands, readyState and next timeout each
//! must produce. Time is a plain number here: every timer rule (reconnection
//! delay, backoff, jitter, heartbeat, waking up, the network coming back)
//! runs in microseconds.

mod common;

use common::{Command, Host};
use eventsource_core::machine::{
    Config, DEFAULT_RECONNECTION_TIME, Failure, Head, Lost, Machine, ReadyState, Reason, ReconnectPolicy, Request,
    RequestKind, WAKE_CHECK_INTERVAL, Warning,
};
use eventsource_core::parser::{Limits, OwnedEvent, ParseError, RawEvent, RawSink};
use eventsource_core::{Instant, Millis};

const URL: &str = "https://example.test/events";
const SSE: Head<'static> = Head::new(200, Some("text/event-stream"));

/// A machine and its clock.
struct T {
    m: Machine,
    now: Instant,
}

impl T {
    fn new(config: Config) -> T {
        T::at(URL, config)
    }

    fn at(url: &str, config: Config) -> T {
        T {
            m: Machine::new(url, config, Instant(1_000_000)),
            now: Instant(1_000_000),
        }
    }

    fn drain(&mut self) -> Vec<Command> {
        std::iter::from_fn(|| self.m.poll_command()).collect()
    }

    /// Let `ms` pass, waking the machine whenever it asked to be.
    fn advance(&mut self, ms: u64) {
        let end = self.now + Millis(ms);
        while let Some(at) = self.m.poll_timeout() {
            if at > end {
                break;
            }
            self.now = self.now.max(at);
            self.m.handle_timeout(self.now);
            if self.m.poll_timeout() == Some(at) {
                break;
            }
        }
        self.now = end;
    }

    /// Jump to the next timeout the machine asked for and handle it.
    fn fire(&mut self) -> u64 {
        let at = self.m.poll_timeout().expect("a timeout is due");
        let waited = (at - self.now).0;
        self.now = self.now.max(at);
        self.m.handle_timeout(self.now);
        waited
    }

    /// The delay until the next reconnection request, checked to be the
    /// first moment the machine makes it.
    fn reconnect_delay(&mut self) -> u64 {
        let start = self.now;
        loop {
            self.fire();
            let commands = self.drain();
            if let Some(Command::Fetch(_)) = commands.first() {
                return (self.now - start).0;
            }
            assert!(commands.is_empty(), "{commands:?}");
        }
    }

    /// Whether the head started the body (the connection was announced).
    fn head(&mut self, head: Head<'_>) -> bool {
        let before = self.m.is_streaming();
        self.m.handle_head(self.now, head);
        !before && self.m.is_streaming()
    }

    fn feed(&mut self, bytes: &[u8]) -> Vec<OwnedEvent> {
        let mut events = Vec::new();
        self.m.handle_body(self.now, bytes, &mut events);
        events
    }

    fn end(&mut self) {
        self.m.handle_end(self.now);
    }

    fn fail(&mut self, failure: Failure) {
        self.m.handle_failure(self.now, failure);
    }
}

fn fetch(id: Option<&str>, kind: RequestKind) -> Command {
    Command::Fetch(Request {
        url: URL.into(),
        last_event_id: id.map(str::to_owned),
        kind,
        authorize: false,
    })
}

fn first(id: Option<&str>) -> Command {
    fetch(id, RequestKind::First)
}

fn reconnect(id: Option<&str>, attempt: u32) -> Command {
    fetch(id, RequestKind::Reconnect { attempt })
}

fn error(reason: Reason) -> Command {
    Command::Error {
        reason,
        ready_state: if reason.is_fatal() {
            ReadyState::Closed
        } else {
            ReadyState::Connecting
        },
    }
}

const OPEN: Command = Command::Open { reopened: false };
const REOPEN: Command = Command::Open { reopened: true };

/// A machine that has connected and is OPEN, with its commands drained.
fn open(config: Config) -> T {
    let mut t = T::new(config);
    assert_eq!(t.fire(), 0);
    assert_eq!(t.drain(), [first(None)]);
    assert!(t.head(SSE));
    assert_eq!(t.drain(), [OPEN]);
    assert_eq!(t.m.ready_state(), ReadyState::Open);
    t
}

/// After a lost connection: the next request, made when it is due.
fn reconnected(t: &mut T) {
    t.drain();
    t.reconnect_delay();
    assert!(t.head(SSE));
    t.drain();
}

#[test]
fn construction_asks_to_be_woken_at_once_so_the_fetch_starts_from_a_task() {
    let mut t = T::new(Config::default());
    assert_eq!(t.m.ready_state(), ReadyState::Connecting);
    assert!(t.drain().is_empty(), "nothing happens inside the constructor");
    assert_eq!(t.m.poll_timeout(), Some(t.now));
    t.fire();
    assert_eq!(t.drain(), [first(None)]);
    assert!(t.m.is_fetching());
}

#[test]
fn close_in_the_constructing_task_means_no_fetch_ever() {
    let mut t = T::new(Config::default());
    t.m.close();
    assert!(t.drain().is_empty());
    assert_eq!(t.m.poll_timeout(), None, "the wait is dropped");
    assert_eq!(t.m.ready_state(), ReadyState::Closed);
    t.m.handle_timeout(t.now + Millis(10_000));
    assert!(t.drain().is_empty());
}

#[test]
fn handling_a_timeout_early_does_nothing() {
    let mut t = open(Config::default());
    t.end();
    t.drain();
    t.m.handle_timeout(t.now + Millis(100));
    assert!(t.drain().is_empty(), "3 s have not passed");
}

#[test]
fn a_200_event_stream_response_opens() {
    let t = open(Config::default());
    assert!(t.m.is_streaming());
    assert_eq!(t.m.poll_timeout(), None, "no timer while streaming without a heartbeat");
}

#[test]
fn mime_parameters_and_case_do_not_matter() {
    for ct in [
        "text/event-stream; charset=utf-8",
        "Text/Event-Stream",
        "text/event-stream;charset=iso-8859-1",
    ] {
        let mut t = T::new(Config::default());
        t.fire();
        t.drain();
        assert!(t.head(Head::new(200, Some(ct))));
        assert_eq!(t.drain(), [OPEN], "{ct}");
    }
}

#[test]
fn any_status_but_200_fails_the_connection_for_good() {
    for status in [201, 204, 206, 301, 304, 400, 401, 404, 500, 502, 503] {
        let mut t = T::new(Config::default());
        t.fire();
        t.drain();
        assert!(!t.head(Head::new(status, SSE.content_type)));
        assert_eq!(
            t.drain(),
            [Command::Abort, error(Reason::Status(status))],
            "status {status}"
        );
        assert_eq!(t.m.ready_state(), ReadyState::Closed);
        assert_eq!(t.m.poll_timeout(), None);
        t.fail(Failure::Network);
        t.end();
        assert!(t.drain().is_empty(), "nothing after failing ({status})");
    }
}

#[test]
fn wrong_or_missing_content_type_fails_the_connection() {
    for ct in [
        Some("text/plain"),
        Some("text/html"),
        Some(""),
        Some("text/event-streams"),
        None,
    ] {
        let mut t = T::new(Config::default());
        t.fire();
        t.drain();
        assert!(!t.head(Head::new(200, ct)));
        assert_eq!(t.drain(), [Command::Abort, error(Reason::MimeType)], "{ct:?}");
        assert_eq!(t.m.ready_state(), ReadyState::Closed);
    }
}

#[test]
fn a_stream_that_ends_reconnects_after_the_default_three_seconds() {
    let mut t = open(Config::default());
    t.end();
    assert_eq!(t.drain(), [Command::Abort, error(Reason::Ended)]);
    assert_eq!(t.m.ready_state(), ReadyState::Connecting);
    assert_eq!(t.m.poll_timeout(), Some(t.now + DEFAULT_RECONNECTION_TIME));
    assert_eq!(t.reconnect_delay(), DEFAULT_RECONNECTION_TIME.0);
    assert!(t.head(SSE));
    assert_eq!(t.drain(), [REOPEN], "an app can tell a reopen from the first open");
}

#[test]
fn a_network_error_before_any_response_reconnects() {
    let mut t = T::new(Config::default());
    t.fire();
    t.drain();
    t.fail(Failure::Network);
    assert_eq!(t.drain(), [Command::Abort, error(Reason::Network)]);
    assert_eq!(t.m.ready_state(), ReadyState::Connecting);
    assert_eq!(t.reconnect_delay(), 3000);
}

#[test]
fn a_network_error_mid_stream_reconnects() {
    let mut t = open(Config::default());
    t.fail(Failure::Network);
    assert_eq!(t.drain(), [Command::Abort, error(Reason::Network)]);
    assert_eq!(t.reconnect_delay(), 3000);
}

#[test]
fn a_request_that_could_not_be_made_is_retried_like_a_network_error() {
    let mut t = T::new(Config::default().with_origin(Some("https://page.test")));
    t.m.set_url("https://other.test/events");
    t.fire();
    t.drain();
    t.fail(Failure::NotSent);
    assert_eq!(t.drain(), [Command::Abort, error(Reason::Network)], "no CORS probe");
}

#[test]
fn an_aborted_request_fails_the_connection_before_and_after_the_response() {
    let mut t = T::new(Config::default());
    t.fire();
    t.drain();
    t.fail(Failure::Aborted);
    assert_eq!(t.drain(), [Command::Abort, error(Reason::Aborted)]);
    assert_eq!(t.m.ready_state(), ReadyState::Closed);
    assert_eq!(t.m.poll_timeout(), None, "no reconnection");

    let mut t = open(Config::default());
    t.fail(Failure::Aborted);
    assert_eq!(t.drain(), [Command::Abort, error(Reason::Aborted)]);
    assert_eq!(t.m.ready_state(), ReadyState::Closed);
}

#[test]
fn a_url_no_client_can_fetch_fails_the_connection_once_without_a_request() {
    for url in [
        "ftp://example.test/",
        "about:blank",
        "mailto:a@example.test",
        "javascript:void(0)",
        "file:///x",
    ] {
        let mut t = T::at(url, Config::default().with_origin(Some("https://example.test")));
        assert!(t.drain().is_empty(), "not in the constructor");
        t.fire();
        assert_eq!(t.drain(), [error(Reason::Scheme)], "{url}");
        assert_eq!(t.m.ready_state(), ReadyState::Closed);
        assert_eq!(t.m.poll_timeout(), None);
    }
    for url in ["data:text/event-stream,data:x%0A%0A", "http://example.test/"] {
        let mut t = T::at(url, Config::default());
        t.fire();
        assert!(matches!(t.drain()[..], [Command::Fetch(_)]), "{url}");
    }
}

#[test]
fn retry_sets_the_reconnection_delay() {
    let mut t = open(Config::default());
    t.feed(b"retry: 10000\n\n");
    t.end();
    t.drain();
    assert_eq!(t.m.reconnection_time(), Millis(10000));
    assert_eq!(t.reconnect_delay(), 10000);
}

#[test]
fn a_huge_retry_means_a_very_long_wait() {
    let mut t = open(Config::default());
    t.feed(b"retry: 99999999999999999999999\n");
    t.end();
    t.drain();
    assert_eq!(t.m.reconnection_time(), Millis(u64::MAX));
    t.advance(365 * 24 * 3600 * 1000);
    assert!(t.drain().is_empty(), "not within a year");
}

#[test]
fn a_long_wait_is_checked_every_few_seconds_so_a_wake_is_noticed() {
    let mut t = open(Config::default());
    t.feed(b"retry: 60000\n");
    t.end();
    t.drain();
    assert_eq!(t.m.poll_timeout(), Some(t.now + WAKE_CHECK_INTERVAL));
    t.fire();
    assert!(t.drain().is_empty(), "a check, nothing due");
    assert_eq!(t.m.poll_timeout(), Some(t.now + WAKE_CHECK_INTERVAL));
    // The device sleeps for ten minutes; its timers did not count the sleep,
    // so the next check comes late, as the wall clock tells.
    t.now = t.now + Millis(10 * 60 * 1000);
    t.m.handle_timeout(t.now);
    assert_eq!(t.drain(), [reconnect(None, 1)], "reconnects as soon as it wakes");
}

#[test]
fn reconnection_sends_the_last_event_id() {
    let mut t = open(Config::default());
    let events = t.feed(b"id: 42\ndata: x\n\n");
    assert_eq!(events[0].last_event_id, "42");
    t.end();
    t.drain();
    t.reconnect_delay();
    assert_eq!(t.m.last_event_id(), "42");
    let mut t = open(Config::default());
    t.feed(b"id: 42\ndata: x\n\n");
    t.end();
    t.drain();
    t.advance(3000);
    assert_eq!(t.drain(), [reconnect(Some("42"), 1)]);
}

#[test]
fn utf8_last_event_id_is_sent_as_is() {
    let mut t = open(Config::default());
    t.feed("id: é€😀\n\n".as_bytes());
    t.fail(Failure::Network);
    t.drain();
    t.advance(3000);
    assert_eq!(t.drain(), [reconnect(Some("é€😀"), 1)]);
}

#[test]
fn the_raw_face_sends_an_invalid_id_byte_decoded_as_u_fffd() {
    struct Raw(Vec<(Vec<u8>, Vec<u8>, String)>);
    impl RawSink for Raw {
        fn event(&mut self, e: &RawEvent<'_>) {
            self.0
                .push((e.event_type.to_vec(), e.data.to_vec(), e.last_event_id.to_owned()));
        }
    }
    let mut t = open(Config::default());
    let mut raw = Raw(Vec::new());
    t.m.handle_body_raw(t.now, b"id: \xff1\ndata: \xe2\x82\n\n", &mut raw);
    assert_eq!(
        raw.0,
        [(b"message".to_vec(), b"\xe2\x82".to_vec(), "\u{FFFD}1".to_owned())],
        "the data stays raw; the id is decoded once, when it arrives"
    );
    t.fail(Failure::Network);
    t.drain();
    t.advance(3000);
    assert_eq!(
        t.drain(),
        [reconnect(Some("\u{FFFD}1"), 1)],
        "EF BF BD 31 in the header"
    );
}

#[test]
fn an_id_not_followed_by_a_blank_line_is_not_sent() {
    let mut t = open(Config::default());
    t.feed(b"id: 7\ndata: x\n");
    t.end();
    t.drain();
    t.advance(3000);
    assert_eq!(t.drain(), [reconnect(None, 1)]);
}

#[test]
fn an_empty_id_stops_sending_the_header() {
    let mut t = open(Config::default());
    t.feed(b"id: 1\n\nid\n\n");
    t.end();
    t.drain();
    t.advance(3000);
    assert_eq!(t.drain(), [reconnect(None, 1)]);
}

#[test]
fn the_last_event_id_persists_across_connections() {
    let mut t = open(Config::default());
    t.feed(b"id: 5\ndata: a\n\n");
    t.end();
    reconnected(&mut t);
    let events = t.feed(b"data: b\n\n");
    assert_eq!(
        events[0].last_event_id, "5",
        "an event without id on the new connection keeps the old id"
    );
}

#[test]
fn an_incomplete_event_is_dropped_when_the_stream_ends() {
    let mut t = open(Config::default());
    assert!(t.feed(b"data: half").is_empty());
    t.end();
    reconnected(&mut t);
    let events = t.feed(b"data: whole\n\n");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].data, "whole");
}

#[test]
fn a_failure_on_a_reconnection_is_final() {
    let mut t = open(Config::default());
    t.end();
    t.drain();
    t.reconnect_delay();
    assert!(!t.head(Head::new(500, SSE.content_type)));
    assert_eq!(t.drain(), [Command::Abort, error(Reason::Status(500))]);
    assert_eq!(t.m.ready_state(), ReadyState::Closed);
}

#[test]
fn close_while_open_aborts_and_nothing_follows() {
    let mut t = open(Config::default());
    t.m.close();
    assert_eq!(t.drain(), [Command::Abort]);
    assert_eq!(t.m.ready_state(), ReadyState::Closed);
    assert!(t.feed(b"data: x\n\n").is_empty());
    t.end();
    t.fail(Failure::Network);
    t.advance(10_000);
    t.m.close();
    assert!(t.drain().is_empty());
}

#[test]
fn close_while_connecting_aborts_the_request() {
    let mut t = T::new(Config::default());
    t.fire();
    t.drain();
    t.m.close();
    assert_eq!(t.drain(), [Command::Abort]);
    assert!(!t.head(SSE), "a response after close is ignored");
    assert!(t.drain().is_empty());
}

#[test]
fn close_from_the_error_handler_cancels_the_pending_reconnection() {
    let mut t = open(Config::default());
    t.end();
    assert_eq!(t.m.poll_command(), Some(Command::Abort));
    // The driver takes the error command, dispatches it, and the handler closes.
    assert_eq!(t.m.poll_command(), Some(error(Reason::Ended)));
    t.m.close();
    assert!(t.drain().is_empty());
    assert_eq!(t.m.poll_timeout(), None, "no reconnection is due");
}

#[test]
fn close_from_the_open_handler_aborts() {
    let mut t = T::new(Config::default());
    t.fire();
    t.drain();
    t.head(SSE);
    assert_eq!(t.m.poll_command(), Some(OPEN));
    t.m.close();
    assert_eq!(t.drain(), [Command::Abort]);
}

#[test]
fn close_twice_is_harmless() {
    let mut t = open(Config::default());
    t.m.close();
    t.m.close();
    assert_eq!(t.drain(), [Command::Abort]);
}

#[test]
fn a_stale_response_is_ignored() {
    let mut t = open(Config::default());
    assert!(!t.head(SSE), "already streaming");
    assert!(t.drain().is_empty());
}

#[test]
fn a_line_over_the_limit_fails_the_connection() {
    let mut t = open(Config::default().with_limits(Limits::new().with_max_line_length(Some(16))));
    let mut events = Vec::new();
    t.m.handle_body(t.now, b"data: 0123456789abcdef\n", &mut events);
    let err = ParseError::LineTooLong { limit: 16 };
    assert_eq!(t.drain(), [Command::Abort, error(Reason::Limit(err))]);
    assert_eq!(t.m.ready_state(), ReadyState::Closed);
}

#[test]
fn an_event_over_the_limit_fails_the_connection() {
    let mut t = open(Config::default().with_limits(Limits::new().with_max_event_size(Some(4))));
    let mut events = Vec::new();
    t.m.handle_body(t.now, b"data: ab\ndata: cd\n", &mut events);
    assert_eq!(
        t.drain(),
        [
            Command::Abort,
            error(Reason::Limit(ParseError::EventTooLarge { limit: 4 }))
        ],
        "5 bytes with the joining LF"
    );
    assert_eq!(t.m.ready_state(), ReadyState::Closed);
}

fn cross_origin() -> T {
    let mut t = T::new(Config::default().with_origin(Some("https://page.test")));
    t.fire();
    assert_eq!(t.drain(), [first(None)]);
    t
}

#[test]
fn a_cross_origin_request_that_gets_no_response_is_probed_before_anything_else() {
    let mut t = cross_origin();
    t.fail(Failure::Network);
    assert_eq!(t.drain(), [Command::Probe { url: URL.into() }]);
    assert_eq!(t.m.ready_state(), ReadyState::Connecting);
    // The server answers the probe: CORS refused the request.
    t.m.handle_probe(t.now, true);
    assert_eq!(t.drain(), [Command::Abort, error(Reason::Refused)]);
    assert_eq!(t.m.ready_state(), ReadyState::Closed);
}

#[test]
fn a_probe_the_server_does_not_answer_means_the_network_failed() {
    let mut t = cross_origin();
    t.fail(Failure::Network);
    t.drain();
    t.m.handle_probe(t.now, false);
    assert_eq!(t.drain(), [Command::Abort, error(Reason::Network)]);
    assert_eq!(t.reconnect_delay(), 3000);
}

#[test]
fn a_same_origin_failure_or_one_mid_stream_is_never_probed() {
    let mut t = T::new(Config::default().with_origin(Some("https://example.test")));
    t.fire();
    t.drain();
    t.fail(Failure::Network);
    assert_eq!(t.drain(), [Command::Abort, error(Reason::Network)]);

    let mut t = cross_origin();
    t.head(SSE);
    t.drain();
    t.fail(Failure::Network);
    assert_eq!(t.drain(), [Command::Abort, error(Reason::Network)]);
    t.m.handle_probe(t.now, true);
    assert!(t.drain().is_empty(), "an answer nobody asked for is ignored");
}

#[test]
fn a_refused_cross_origin_last_event_id_is_dropped_at_once_and_for_good_with_a_warning() {
    let mut t = cross_origin();
    t.head(SSE);
    t.drain();
    t.feed(b"id: 7\ndata: x\n\n");
    t.end();
    t.drain();
    t.reconnect_delay();
    // That request sent Last-Event-ID: 7, whose preflight the server refused.
    t.fail(Failure::Network);
    assert_eq!(t.drain(), [Command::Probe { url: URL.into() }]);
    t.m.handle_probe(t.now, true);
    assert_eq!(
        t.drain(),
        [
            Command::Abort,
            Command::Warn(Warning::LastEventIdRefused),
            fetch(None, RequestKind::WithoutLastEventId)
        ],
        "no error event, no wait"
    );
    assert_eq!(t.m.ready_state(), ReadyState::Connecting);
    assert!(t.head(SSE));
    assert_eq!(t.drain(), [REOPEN]);
    // Later reconnections to that origin omit it too.
    t.end();
    t.drain();
    t.advance(3000);
    assert_eq!(t.drain(), [reconnect(None, 1)]);
    // A source that goes to the page's own origin sends it again.
    t.head(SSE);
    t.end();
    t.drain();
    t.m.set_url("https://page.test/events");
    t.advance(3000);
    assert_eq!(
        t.drain(),
        [Command::Fetch(Request {
            url: "https://page.test/events".into(),
            last_event_id: Some("7".into()),
            kind: RequestKind::Reconnect { attempt: 1 },
            authorize: false,
        })]
    );
}

#[test]
fn a_heartbeat_timeout_aborts_and_reconnects_and_is_one_deadline_moved_by_each_chunk() {
    let mut t = open(Config::default().with_heartbeat_timeout(Some(Millis(10_000))));
    let opened = t.now;
    assert_eq!(t.m.poll_timeout(), Some(opened + Millis(10_000)));
    t.advance(6_000);
    t.feed(b": ping\n");
    assert_eq!(t.m.poll_timeout(), Some(opened + Millis(16_000)), "a comment counts");
    t.advance(9_999);
    assert!(t.drain().is_empty());
    t.advance(1);
    assert_eq!(t.drain(), [Command::Abort, error(Reason::Timeout)]);
    assert_eq!(t.m.ready_state(), ReadyState::Connecting);
    assert_eq!(t.reconnect_delay(), 3000);
}

#[test]
fn a_heartbeat_also_bounds_a_server_that_never_answers() {
    let mut t = T::new(Config::default().with_heartbeat_timeout(Some(Millis(5_000))));
    t.fire();
    t.drain();
    t.advance(5_000);
    assert_eq!(t.drain(), [Command::Abort, error(Reason::Timeout)]);
}

fn backoff() -> ReconnectPolicy {
    ReconnectPolicy::new()
        .with_initial_delay(Millis(1000))
        .with_max_delay(Millis(5000))
        .with_exponential(true)
}

#[test]
fn exponential_backoff_doubles_up_to_the_cap_and_resets_on_open() {
    let mut t = open(Config::default().with_policy(backoff()));
    let mut delays = Vec::new();
    for _ in 0..5 {
        t.fail(Failure::Network);
        t.drain();
        delays.push(t.reconnect_delay());
    }
    assert_eq!(delays, [1000, 2000, 4000, 5000, 5000]);
    assert!(t.head(SSE));
    t.drain();
    t.end();
    t.drain();
    assert_eq!(t.reconnect_delay(), 1000, "an open resets the backoff");
}

#[test]
fn a_server_retry_wins_over_backoff() {
    let mut t = open(Config::default().with_policy(backoff()));
    t.feed(b"retry: 250\n");
    for _ in 0..3 {
        t.fail(Failure::Network);
        t.drain();
        assert_eq!(t.reconnect_delay(), 250);
    }
}

#[test]
fn jitter_lengthens_the_delay_within_its_fraction() {
    let policy = ReconnectPolicy::new().with_initial_delay(Millis(1000)).with_jitter(0.5);
    let mut t = open(Config::default().with_policy(policy).with_seed(7));
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..20 {
        t.fail(Failure::Network);
        t.drain();
        let delay = t.reconnect_delay();
        assert!((1000..=1500).contains(&delay), "{delay}");
        seen.insert(delay);
    }
    assert!(seen.len() > 5, "jitter varies the delay: {seen:?}");
}

#[test]
fn max_retries_gives_up_with_an_error_and_closed() {
    let policy = ReconnectPolicy::new().with_max_retries(Some(2));
    let mut t = open(Config::default().with_policy(policy));
    for attempt in 1..=2 {
        t.fail(Failure::Network);
        assert_eq!(t.drain(), [Command::Abort, error(Reason::Network)]);
        t.advance(3000);
        assert_eq!(t.drain(), [reconnect(None, attempt)]);
    }
    t.fail(Failure::Network);
    assert_eq!(t.drain(), [Command::Abort, error(Reason::RetriesExhausted)]);
    assert_eq!(t.m.ready_state(), ReadyState::Closed);
}

#[test]
fn an_initial_last_event_id_is_sent_on_the_first_request() {
    let mut t = T::new(Config::default().with_last_event_id(Some("resume-9")));
    t.fire();
    assert_eq!(t.drain(), [first(Some("resume-9"))]);
}

#[test]
fn reasons_have_names_fatality_and_actionable_messages() {
    // Each sentence says what happened, whether the source reconnects, and
    // for a failure, what to do (the phrase); the Rust API's error items
    // carry them (tests/rust_api/failures.rs checks each there).
    for (reason, name, fatal, phrase) in [
        (Reason::Network, "network", false, "failed or was dropped"),
        (Reason::Ended, "ended", false, "the server ended the stream"),
        (
            Reason::Status(404),
            "status",
            true,
            "HTTP status 404; an event stream must answer 200",
        ),
        (Reason::MimeType, "mime", true, "is not text/event-stream"),
        (
            Reason::Limit(ParseError::LineTooLong { limit: 1 }),
            "limit",
            true,
            "raise the limit or fix the server",
        ),
        (Reason::Timeout, "timeout", false, "within the heartbeat timeout"),
        (
            Reason::RetriesExhausted,
            "retries",
            true,
            "maximum number of reconnection attempts",
        ),
        (Reason::Vetoed, "vetoed", true, "vetoed"),
        (
            Reason::Refused,
            "refused",
            true,
            "must answer with Access-Control-Allow-Origin",
        ),
        (Reason::Aborted, "aborted", true, "aborted from outside"),
        (Reason::Scheme, "scheme", true, "needs http:, https:"),
        (
            Reason::Unrepeatable { lost: Lost::Ended },
            "unrepeatable",
            true,
            "answer the reconnection with the request to continue with",
        ),
    ] {
        assert_eq!(reason.name(), name);
        assert_eq!(reason.is_fatal(), fatal, "{name}");
        assert!(Reason::NAMES.contains(&name));
        let sentence = reason.to_string();
        assert!(sentence.contains(phrase), "{name}: {sentence}");
        let then = if fatal { "failed" } else { "reconnecting" };
        assert!(sentence.contains(then), "{name} says it {then}: {sentence}");
    }
    assert!(
        Reason::Limit(ParseError::EventTooLarge { limit: 77 })
            .to_string()
            .contains("77")
    );
}

#[test]
fn recycling_cuts_over_at_the_next_event_boundary_and_drops_the_rest_of_the_chunk() {
    let mut t = open(Config::default());
    t.feed(b"id: 8\ndata: w\n\n");
    t.m.recycle();
    assert!(t.drain().is_empty(), "nothing happens until the next boundary");
    // The chunk ends an event (id 9) and starts another, which is dropped:
    // the server sends it again after Last-Event-ID 9.
    let events = t.feed(b"data: x\nid: 9\n\ndata: dropped\n\n");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].data, "x");
    assert_eq!(t.drain(), [Command::Abort, fetch(Some("9"), RequestKind::Recycle)]);
    assert_eq!(t.m.ready_state(), ReadyState::Open, "the source stays OPEN");
    assert!(t.head(SSE));
    assert!(t.drain().is_empty(), "no second open event");
    let events = t.feed(b"data: y\n\n");
    assert_eq!(events[0].last_event_id, "9");
}

#[test]
fn recycling_waits_for_an_id_to_resume_from() {
    let mut t = open(Config::default());
    t.m.recycle();
    assert_eq!(
        t.feed(b"data: a\n\ndata: b\n\n").len(),
        2,
        "no id yet: everything is fed"
    );
    assert!(t.drain().is_empty());
    assert_eq!(
        t.feed(b"id: 1\ndata: c\n\ndata: d\n\n").len(),
        1,
        "cut after the first event with an id"
    );
    assert_eq!(t.drain(), [Command::Abort, fetch(Some("1"), RequestKind::Recycle)]);
}

#[test]
fn a_recycled_request_that_fails_fails_the_connection() {
    let mut t = open(Config::default());
    t.m.recycle();
    t.feed(b"id: 9\ndata: x\n\n");
    t.drain();
    assert!(!t.head(Head::new(503, SSE.content_type)));
    assert_eq!(t.drain(), [Command::Abort, error(Reason::Status(503))]);
    assert_eq!(t.m.ready_state(), ReadyState::Closed);
}

#[test]
fn suspend_releases_the_connection_silently_and_resume_reconnects_at_once() {
    let mut t = open(Config::default());
    t.feed(b"id: 4\ndata: x\n\n");
    t.m.suspend();
    assert_eq!(t.drain(), [Command::Abort], "no error event");
    assert_eq!(t.m.ready_state(), ReadyState::Connecting);
    // Suspended: nothing in flight, no timer wanted.
    assert!(!t.m.is_fetching());
    assert_eq!(t.m.poll_timeout(), None);
    t.end();
    assert!(t.drain().is_empty(), "nothing happens while suspended");
    t.m.resume(t.now);
    assert_eq!(
        t.drain(),
        [fetch(Some("4"), RequestKind::Resume)],
        "no wait: back at once"
    );
    assert!(t.head(SSE));
    assert_eq!(t.drain(), [REOPEN]);
}

#[test]
fn suspend_while_waiting_drops_the_wait_and_close_while_suspended_is_quiet() {
    let mut t = open(Config::default());
    t.end();
    t.drain();
    t.m.suspend();
    assert!(t.drain().is_empty());
    assert_eq!(t.m.poll_timeout(), None);
    t.m.close();
    assert!(t.drain().is_empty());
    t.m.resume(t.now);
    assert!(t.drain().is_empty(), "closed stays closed");
    assert_eq!(t.m.ready_state(), ReadyState::Closed);
}

#[test]
fn before_reconnect_is_asked_with_the_attempt_delay_and_reason_and_may_veto() {
    let mut t = open(Config::default().with_ask_before_reconnect(true));
    t.end();
    assert_eq!(
        t.drain(),
        [
            Command::Abort,
            error(Reason::Ended),
            Command::BeforeReconnect {
                attempt: 1,
                delay: Millis(3000),
                reason: Reason::Ended
            }
        ]
    );
    t.m.veto();
    assert_eq!(t.drain(), [error(Reason::Vetoed)]);
    assert_eq!(t.m.ready_state(), ReadyState::Closed);
    assert_eq!(t.m.poll_timeout(), None);
}

#[test]
fn before_reconnect_may_send_the_reconnection_elsewhere() {
    let mut t = open(Config::default().with_ask_before_reconnect(true));
    t.feed(b"id: 3\n\n");
    t.end();
    t.drain();
    t.m.set_url("https://example.test/resume/abc");
    t.advance(3000);
    assert_eq!(
        t.drain(),
        [Command::Fetch(Request {
            url: "https://example.test/resume/abc".into(),
            last_event_id: Some("3".into()),
            kind: RequestKind::Reconnect { attempt: 1 },
            authorize: false,
        })]
    );
}

#[test]
fn no_reconnection_is_attempted_while_offline_and_none_counts_against_max_retries() {
    let policy = ReconnectPolicy::new().with_max_retries(Some(1));
    let mut t = open(Config::default().with_policy(policy));
    t.m.set_online(t.now, false);
    t.fail(Failure::Network);
    assert_eq!(t.drain(), [Command::Abort, error(Reason::Network)]);
    assert_eq!(t.m.poll_timeout(), None, "waits for the network");
    t.now = t.now + Millis(60_000);
    t.m.handle_timeout(t.now);
    assert!(t.drain().is_empty());
    // The network is back: the reconnection time has long passed, so at once.
    t.m.set_online(t.now, true);
    assert_eq!(t.drain(), [reconnect(None, 1)]);
    assert!(t.head(SSE));
    assert_eq!(t.drain(), [REOPEN]);
}

#[test]
fn the_network_back_soon_after_a_loss_still_waits_the_reconnection_time() {
    let policy = ReconnectPolicy::new()
        .with_initial_delay(Millis(1000))
        .with_exponential(true);
    let mut t = open(Config::default().with_policy(policy));
    for _ in 0..4 {
        t.fail(Failure::Network);
        t.drain();
        t.reconnect_delay();
    }
    t.fail(Failure::Network);
    t.drain();
    assert_eq!(t.m.poll_timeout(), Some(t.now + WAKE_CHECK_INTERVAL), "a 16 s backoff");
    t.m.set_online(t.now, false);
    t.now = t.now + Millis(200);
    t.m.set_online(t.now, true);
    assert!(t.drain().is_empty(), "not sooner than the reconnection time (1 s)");
    assert_eq!(
        t.m.poll_timeout(),
        Some(t.now + Millis(800)),
        "the backoff is for a busy server, not a lost network"
    );
    t.fire();
    assert_eq!(t.drain(), [reconnect(None, 5)]);
}

#[test]
fn the_first_request_is_made_even_when_the_platform_says_offline() {
    let mut t = T::new(Config::default());
    t.m.set_online(t.now, false);
    t.fire();
    assert_eq!(t.drain(), [first(None)], "a localhost server may answer anyway");
}

#[test]
fn a_basic_challenge_is_answered_once_with_the_urls_credentials_and_then_up_front() {
    let mut t = T::new(Config::default().with_basic_credentials(true));
    t.fire();
    assert_eq!(t.drain(), [first(None)], "no credentials until asked");
    let challenge = Head::new(401, None).with_www_authenticate(Some("Bearer, Basic realm=\"sse\""));
    assert!(!t.head(challenge));
    let authenticate = Command::Fetch(Request {
        url: URL.into(),
        last_event_id: None,
        kind: RequestKind::Authenticate,
        authorize: true,
    });
    assert_eq!(
        t.drain(),
        [Command::Abort, authenticate],
        "at once, without an error event"
    );
    assert_eq!(t.m.ready_state(), ReadyState::Connecting);
    assert!(t.head(SSE));
    assert_eq!(t.drain(), [OPEN]);
    t.end();
    t.drain();
    t.advance(3000);
    let Some(Command::Fetch(request)) = t.drain().pop() else {
        panic!()
    };
    assert!(request.authorize, "reconnections carry them from the start");
}

#[test]
fn a_second_challenge_or_one_without_credentials_or_basic_fails_the_connection() {
    let basic = Head::new(401, None).with_www_authenticate(Some("basic realm=x"));
    let mut t = T::new(Config::default().with_basic_credentials(true));
    t.fire();
    t.drain();
    t.head(basic);
    t.drain();
    assert!(!t.head(basic));
    assert_eq!(
        t.drain(),
        [Command::Abort, error(Reason::Status(401))],
        "wrong credentials are not retried"
    );

    let mut t = T::new(Config::default());
    t.fire();
    t.drain();
    t.head(basic);
    assert_eq!(
        t.drain(),
        [Command::Abort, error(Reason::Status(401))],
        "no credentials to answer with"
    );

    for other in ["Bearer realm=x", "Basically", "Digest realm=x"] {
        let mut t = T::new(Config::default().with_basic_credentials(true));
        t.fire();
        t.drain();
        t.head(Head::new(401, None).with_www_authenticate(Some(other)));
        assert_eq!(t.drain(), [Command::Abort, error(Reason::Status(401))], "{other}");
    }
}

#[test]
fn credentials_go_on_the_first_request_where_a_challenge_would_not_reach_the_host() {
    let mut t = T::new(
        Config::default()
            .with_basic_credentials(true)
            .with_authorize_first(true),
    );
    t.fire();
    let Some(Command::Fetch(request)) = t.drain().pop() else {
        panic!()
    };
    assert!(request.authorize);
    let mut t = T::new(Config::default().with_authorize_first(true));
    t.fire();
    let Some(Command::Fetch(request)) = t.drain().pop() else {
        panic!()
    };
    assert!(!request.authorize, "no credentials, nothing to send");
}

// ── a request that is sent once (a body, or a method other than GET/HEAD) ──

/// The next command only: what a host does, answering each before it takes
/// the next.
fn next(t: &mut T) -> Option<Command> {
    t.m.poll_command()
}

fn unrepeatable(lost: Lost) -> Command {
    error(Reason::Unrepeatable { lost })
}

#[test]
fn a_request_sent_once_is_not_repeated_when_the_server_ends_the_response() {
    let mut t = open(Config::default().with_send_once(true));
    t.feed(b"id: 2\ndata: answer\n\n");
    t.end();
    assert_eq!(
        t.drain(),
        [Command::Abort, unrepeatable(Lost::Ended)],
        "one error event"
    );
    assert_eq!(t.m.ready_state(), ReadyState::Closed);
    assert_eq!(t.m.poll_timeout(), None, "no reconnection is ever due");
    t.advance(60_000);
    assert!(t.drain().is_empty());
}

#[test]
fn a_request_sent_once_is_not_repeated_when_the_connection_breaks_or_times_out() {
    let mut t = open(Config::default().with_send_once(true));
    t.fail(Failure::Network);
    assert_eq!(t.drain(), [Command::Abort, unrepeatable(Lost::Network)]);
    let mut t = open(
        Config::default()
            .with_send_once(true)
            .with_heartbeat_timeout(Some(Millis(1000))),
    );
    t.advance(1000);
    assert_eq!(t.drain(), [Command::Abort, unrepeatable(Lost::Timeout)]);
    assert_eq!(t.m.ready_state(), ReadyState::Closed);
}

#[test]
fn a_request_sent_once_that_fails_before_a_response_is_not_repeated_either() {
    let mut t = T::new(Config::default().with_send_once(true));
    t.fire();
    t.drain();
    t.fail(Failure::Network);
    assert_eq!(t.drain(), [Command::Abort, unrepeatable(Lost::Network)]);
}

#[test]
fn a_request_sent_once_asks_the_hook_first_and_fails_if_it_answers_with_no_request() {
    let mut t = open(Config::default().with_send_once(true).with_ask_before_reconnect(true));
    t.end();
    assert_eq!(next(&mut t), Some(Command::Abort));
    assert_eq!(
        next(&mut t),
        Some(Command::BeforeReconnect {
            attempt: 1,
            delay: Millis(3000),
            reason: Reason::Ended
        }),
        "asked before any error event"
    );
    assert_eq!(t.m.ready_state(), ReadyState::Connecting, "while the hook runs");
    // The host answered nothing and takes the next command.
    assert_eq!(t.drain(), [unrepeatable(Lost::Ended)], "one error event, not two");
    assert_eq!(t.m.ready_state(), ReadyState::Closed);
    assert_eq!(t.m.poll_timeout(), None);
}

#[test]
fn a_request_sent_once_goes_on_with_the_request_the_hook_answers_and_then_follows_its_shape() {
    let mut t = open(Config::default().with_send_once(true).with_ask_before_reconnect(true));
    t.feed(b"id: 7\ndata: part\n\n");
    t.end();
    assert_eq!(next(&mut t), Some(Command::Abort));
    assert!(matches!(next(&mut t), Some(Command::BeforeReconnect { .. })));
    // The hook answered a GET from the last event ID: a request that may
    // be repeated.
    t.m.set_url("https://example.test/events?resume");
    t.m.set_send_once(false);
    t.m.proceed();
    assert_eq!(t.drain(), [error(Reason::Ended)], "the loss is announced as usual");
    assert_eq!(t.m.ready_state(), ReadyState::Connecting);
    t.advance(3000);
    assert_eq!(
        t.drain(),
        [Command::Fetch(Request {
            url: "https://example.test/events?resume".into(),
            last_event_id: Some("7".into()),
            kind: RequestKind::Reconnect { attempt: 1 },
            authorize: false,
        })]
    );
    assert!(t.head(SSE));
    assert_eq!(t.drain(), [REOPEN]);
    // From now on the GET is reestablished as the standard says: the error
    // first, then the hook, and nothing fails when it answers nothing.
    t.end();
    assert_eq!(
        t.drain(),
        [
            Command::Abort,
            error(Reason::Ended),
            Command::BeforeReconnect {
                attempt: 1,
                delay: Millis(3000),
                reason: Reason::Ended
            }
        ]
    );
    assert_eq!(t.reconnect_delay(), 3000);
}

#[test]
fn a_hook_that_answers_with_the_same_request_sends_it_again_and_is_asked_again_next_time() {
    let mut t = open(Config::default().with_send_once(true).with_ask_before_reconnect(true));
    t.fail(Failure::Network);
    next(&mut t);
    next(&mut t);
    t.m.proceed();
    assert_eq!(t.drain(), [error(Reason::Network)]);
    assert_eq!(t.reconnect_delay(), 3000, "the app asked for it");
    assert!(t.head(SSE));
    t.drain();
    t.end();
    next(&mut t);
    assert!(matches!(next(&mut t), Some(Command::BeforeReconnect { .. })));
    assert_eq!(t.drain(), [unrepeatable(Lost::Ended)], "still sent once");
}

#[test]
fn a_hook_may_veto_or_close_a_request_sent_once_with_one_error_or_none() {
    let mut t = open(Config::default().with_send_once(true).with_ask_before_reconnect(true));
    t.end();
    next(&mut t);
    next(&mut t);
    t.m.veto();
    assert_eq!(t.drain(), [error(Reason::Vetoed)]);
    let mut t = open(Config::default().with_send_once(true).with_ask_before_reconnect(true));
    t.end();
    next(&mut t);
    next(&mut t);
    t.m.close();
    assert!(t.drain().is_empty(), "close() dispatches nothing");
    assert_eq!(t.m.ready_state(), ReadyState::Closed);
}

#[test]
fn a_request_sent_once_is_never_recycled() {
    let mut t = open(Config::default().with_send_once(true));
    t.m.recycle();
    assert_eq!(t.feed(b"id: 1\ndata: a\n\ndata: b\n\n").len(), 2, "nothing is cut");
    assert!(t.drain().is_empty());
}

#[test]
fn resuming_a_request_sent_once_asks_the_hook_or_fails() {
    let mut t = open(Config::default().with_send_once(true));
    t.m.suspend();
    t.drain();
    t.m.resume(t.now);
    assert_eq!(t.drain(), [unrepeatable(Lost::Released)]);
    let mut t = open(Config::default().with_send_once(true).with_ask_before_reconnect(true));
    t.feed(b"id: 5\n\n");
    t.m.suspend();
    t.drain();
    t.m.resume(t.now);
    assert_eq!(
        next(&mut t),
        Some(Command::BeforeReconnect {
            attempt: 1,
            delay: Millis(0),
            reason: Reason::Network
        })
    );
    t.m.set_send_once(false);
    t.m.proceed();
    assert!(t.drain().is_empty(), "a resume is silent");
    t.fire();
    assert_eq!(t.drain(), [reconnect(Some("5"), 1)]);
}

#[test]
fn a_get_stream_is_reestablished_exactly_as_before() {
    let mut t = open(Config::default().with_send_once(false));
    t.end();
    assert_eq!(t.drain(), [Command::Abort, error(Reason::Ended)]);
    assert_eq!(t.reconnect_delay(), DEFAULT_RECONNECTION_TIME.0);
}

// ── reconnection on request ──

#[test]
fn reconnect_drops_an_open_stream_and_connects_at_once_with_the_last_event_id() {
    let mut t = open(Config::default());
    t.feed(b"id: 12\ndata: x\n\n");
    t.m.reconnect(t.now);
    assert_eq!(
        t.drain(),
        [Command::Abort, fetch(Some("12"), RequestKind::Requested)],
        "no error event, no delay"
    );
    assert_eq!(t.m.ready_state(), ReadyState::Connecting);
    assert!(t.head(SSE));
    assert_eq!(t.drain(), [REOPEN]);
}

#[test]
fn reconnect_cancels_the_waiting_delay_and_counts_no_attempt() {
    let policy = ReconnectPolicy::new().with_max_retries(Some(1));
    let mut t = open(Config::default().with_policy(policy));
    t.feed(b"id: 3\nretry: 60000\n\n");
    t.end();
    t.drain();
    assert_eq!(t.m.poll_timeout(), Some(t.now + WAKE_CHECK_INTERVAL), "a long wait");
    t.m.reconnect(t.now);
    assert_eq!(t.drain(), [fetch(Some("3"), RequestKind::Requested)], "at once");
    assert_eq!(t.m.attempt(), 0);
    // It fails: the policy's one retry is still there.
    t.fail(Failure::Network);
    assert_eq!(t.drain(), [Command::Abort, error(Reason::Network)]);
    t.m.set_online(t.now, true);
    assert_eq!(t.reconnect_delay(), 60_000);
}

#[test]
fn reconnect_replaces_a_request_still_waiting_for_its_response() {
    let mut t = T::new(Config::default().with_last_event_id(Some("9")));
    t.fire();
    t.drain();
    t.m.reconnect(t.now);
    assert_eq!(t.drain(), [Command::Abort, fetch(Some("9"), RequestKind::Requested)]);
    assert!(t.head(SSE));
    assert_eq!(t.drain(), [OPEN], "the first open of the source");
}

#[test]
fn reconnect_does_nothing_on_a_closed_suspended_or_following_source() {
    let mut t = open(Config::default());
    t.m.close();
    t.drain();
    t.m.reconnect(t.now);
    assert!(t.drain().is_empty());
    assert_eq!(t.m.ready_state(), ReadyState::Closed);
    let mut t = open(Config::default());
    t.m.suspend();
    t.drain();
    t.m.reconnect(t.now);
    assert!(t.drain().is_empty());
    let mut t = open(Config::default());
    t.m.follow();
    t.drain();
    t.m.reconnect(t.now);
    assert!(t.drain().is_empty());
}

#[test]
fn reconnect_sends_a_request_that_is_sent_once_because_the_app_asked() {
    let mut t = open(Config::default().with_send_once(true));
    t.m.reconnect(t.now);
    assert_eq!(t.drain(), [Command::Abort, fetch(None, RequestKind::Requested)]);
}
