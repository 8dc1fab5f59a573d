//! Scripted scenarios for the connection state machine: a sequence of inputs
//! and the exact commands (and readyState) each must produce.

use eventsource_wasm::machine::{
    Command, Config, DEFAULT_RECONNECTION_TIME, MAX_TIMER_DELAY, Machine, ReadyState, Reason, ReconnectPolicy,
};
use eventsource_wasm::parser::{Limits, OwnedEvent, ParseError};

const SSE: Option<&str> = Some("text/event-stream");

fn drain(m: &mut Machine) -> Vec<Command> {
    std::iter::from_fn(|| m.poll_command()).collect()
}

fn fetch(id: Option<&str>) -> Command {
    Command::Fetch {
        last_event_id: id.map(str::to_owned),
    }
}

fn error(reason: Reason) -> Command {
    Command::DispatchError { reason }
}

fn wait(delay_ms: u64) -> Command {
    Command::Wait { delay_ms }
}

/// A machine that has connected and is OPEN, with its commands drained.
fn open(config: Config) -> Machine {
    let mut m = Machine::new(config);
    assert_eq!(drain(&mut m), [wait(0)]);
    m.timer_fired();
    assert_eq!(drain(&mut m), [fetch(None)]);
    assert!(m.response(200, SSE));
    assert_eq!(drain(&mut m), [Command::DispatchOpen]);
    assert_eq!(m.ready_state(), ReadyState::Open);
    m
}

fn feed(m: &mut Machine, bytes: &[u8]) -> Vec<OwnedEvent> {
    let mut events = Vec::new();
    m.feed(bytes, &mut events).unwrap();
    events
}

#[test]
fn construction_waits_zero_ms_so_the_fetch_starts_from_a_task() {
    let mut m = Machine::default();
    assert_eq!(m.ready_state(), ReadyState::Connecting);
    assert_eq!(drain(&mut m), [wait(0)]);
    m.timer_fired();
    assert_eq!(drain(&mut m), [fetch(None)]);
    assert!(m.is_fetching());
}

#[test]
fn close_in_the_constructing_task_means_no_fetch_ever() {
    let mut m = Machine::default();
    m.close();
    assert_eq!(
        drain(&mut m),
        [Command::CancelTimer],
        "the queued wait is dropped and the timer cancelled"
    );
    assert_eq!(m.ready_state(), ReadyState::Closed);
    m.timer_fired();
    assert!(drain(&mut m).is_empty());
}

#[test]
fn a_200_event_stream_response_opens() {
    let m = open(Config::default());
    assert!(m.is_streaming());
}

#[test]
fn mime_parameters_and_case_do_not_matter() {
    for ct in [
        "text/event-stream; charset=utf-8",
        "Text/Event-Stream",
        "text/event-stream;charset=iso-8859-1",
    ] {
        let mut m = Machine::default();
        drain(&mut m);
        m.timer_fired();
        drain(&mut m);
        assert!(m.response(200, Some(ct)), "{ct}");
        assert_eq!(drain(&mut m), [Command::DispatchOpen]);
    }
}

#[test]
fn any_status_but_200_fails_the_connection_for_good() {
    for status in [201, 204, 206, 301, 304, 400, 401, 404, 500, 502, 503] {
        let mut m = Machine::default();
        drain(&mut m);
        m.timer_fired();
        drain(&mut m);
        assert!(!m.response(status, SSE));
        assert_eq!(
            drain(&mut m),
            [Command::Abort, error(Reason::Status(status))],
            "status {status}"
        );
        assert_eq!(m.ready_state(), ReadyState::Closed);
        m.timer_fired();
        m.network_error();
        m.end();
        assert!(drain(&mut m).is_empty(), "nothing after failing ({status})");
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
        let mut m = Machine::default();
        drain(&mut m);
        m.timer_fired();
        drain(&mut m);
        assert!(!m.response(200, ct));
        assert_eq!(drain(&mut m), [Command::Abort, error(Reason::MimeType)], "{ct:?}");
        assert_eq!(m.ready_state(), ReadyState::Closed);
    }
}

#[test]
fn a_stream_that_ends_reconnects_after_the_default_three_seconds() {
    let mut m = open(Config::default());
    m.end();
    assert_eq!(drain(&mut m), [error(Reason::Ended), wait(DEFAULT_RECONNECTION_TIME)]);
    assert_eq!(m.ready_state(), ReadyState::Connecting);
    m.timer_fired();
    assert_eq!(drain(&mut m), [fetch(None)]);
}

#[test]
fn a_network_error_before_any_response_reconnects() {
    let mut m = Machine::default();
    drain(&mut m);
    m.timer_fired();
    drain(&mut m);
    m.network_error();
    assert_eq!(drain(&mut m), [error(Reason::Network), wait(3000)]);
    assert_eq!(m.ready_state(), ReadyState::Connecting);
}

#[test]
fn a_network_error_mid_stream_reconnects() {
    let mut m = open(Config::default());
    m.network_error();
    assert_eq!(drain(&mut m), [error(Reason::Network), wait(3000)]);
}

#[test]
fn retry_sets_the_reconnection_delay() {
    let mut m = open(Config::default());
    feed(&mut m, b"retry: 10000\n\n");
    m.end();
    assert_eq!(drain(&mut m), [error(Reason::Ended), wait(10000)]);
    assert_eq!(m.reconnection_time(), 10000);
}

#[test]
fn a_huge_retry_is_capped_at_the_largest_timer_delay() {
    let mut m = open(Config::default());
    feed(&mut m, b"retry: 99999999999999999999999\n");
    m.end();
    assert_eq!(drain(&mut m), [error(Reason::Ended), wait(MAX_TIMER_DELAY)]);
}

#[test]
fn reconnection_sends_the_last_event_id() {
    let mut m = open(Config::default());
    let events = feed(&mut m, b"id: 42\ndata: x\n\n");
    assert_eq!(events[0].last_event_id, "42");
    m.end();
    drain(&mut m);
    m.timer_fired();
    assert_eq!(drain(&mut m), [fetch(Some("42"))]);
}

#[test]
fn utf8_last_event_id_is_sent_as_is() {
    let mut m = open(Config::default());
    feed(&mut m, "id: é€😀\n\n".as_bytes());
    m.network_error();
    drain(&mut m);
    m.timer_fired();
    assert_eq!(drain(&mut m), [fetch(Some("é€😀"))]);
}

#[test]
fn an_id_not_followed_by_a_blank_line_is_not_sent() {
    let mut m = open(Config::default());
    feed(&mut m, b"id: 7\ndata: x\n");
    m.end();
    drain(&mut m);
    m.timer_fired();
    assert_eq!(drain(&mut m), [fetch(None)]);
}

#[test]
fn an_empty_id_stops_sending_the_header() {
    let mut m = open(Config::default());
    feed(&mut m, b"id: 1\n\nid\n\n");
    m.end();
    drain(&mut m);
    m.timer_fired();
    assert_eq!(drain(&mut m), [fetch(None)]);
}

#[test]
fn the_last_event_id_persists_across_connections() {
    let mut m = open(Config::default());
    feed(&mut m, b"id: 5\ndata: a\n\n");
    m.end();
    drain(&mut m);
    m.timer_fired();
    drain(&mut m);
    assert!(m.response(200, SSE));
    drain(&mut m);
    let events = feed(&mut m, b"data: b\n\n");
    assert_eq!(
        events[0].last_event_id, "5",
        "an event without id on the new connection keeps the old id"
    );
}

#[test]
fn an_incomplete_event_is_dropped_when_the_stream_ends() {
    let mut m = open(Config::default());
    assert!(feed(&mut m, b"data: half").is_empty());
    m.end();
    drain(&mut m);
    m.timer_fired();
    drain(&mut m);
    m.response(200, SSE);
    drain(&mut m);
    let events = feed(&mut m, b"data: whole\n\n");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].data, "whole");
}

#[test]
fn a_failure_on_a_reconnection_is_final() {
    let mut m = open(Config::default());
    m.end();
    drain(&mut m);
    m.timer_fired();
    drain(&mut m);
    assert!(!m.response(500, SSE));
    assert_eq!(drain(&mut m), [Command::Abort, error(Reason::Status(500))]);
    assert_eq!(m.ready_state(), ReadyState::Closed);
}

#[test]
fn close_while_open_aborts_and_nothing_follows() {
    let mut m = open(Config::default());
    m.close();
    assert_eq!(drain(&mut m), [Command::Abort]);
    assert_eq!(m.ready_state(), ReadyState::Closed);
    assert!(feed(&mut m, b"data: x\n\n").is_empty());
    m.end();
    m.network_error();
    m.timer_fired();
    m.close();
    assert!(drain(&mut m).is_empty());
}

#[test]
fn close_while_connecting_aborts_the_request() {
    let mut m = Machine::default();
    drain(&mut m);
    m.timer_fired();
    drain(&mut m);
    m.close();
    assert_eq!(drain(&mut m), [Command::Abort]);
    assert!(!m.response(200, SSE), "a response after close is ignored");
    assert!(drain(&mut m).is_empty());
}

#[test]
fn close_from_the_error_handler_cancels_the_pending_reconnection() {
    let mut m = open(Config::default());
    m.end();
    // The driver takes the error command, dispatches it, and the handler closes.
    assert_eq!(m.poll_command(), Some(error(Reason::Ended)));
    m.close();
    assert_eq!(
        drain(&mut m),
        [Command::CancelTimer],
        "the queued wait is replaced by a cancel"
    );
}

#[test]
fn close_from_the_open_handler_aborts() {
    let mut m = Machine::default();
    drain(&mut m);
    m.timer_fired();
    drain(&mut m);
    m.response(200, SSE);
    assert_eq!(m.poll_command(), Some(Command::DispatchOpen));
    m.close();
    assert_eq!(drain(&mut m), [Command::Abort]);
}

#[test]
fn close_twice_is_harmless() {
    let mut m = open(Config::default());
    m.close();
    m.close();
    assert_eq!(drain(&mut m), [Command::Abort]);
}

#[test]
fn a_stale_response_is_ignored() {
    let mut m = open(Config::default());
    assert!(!m.response(200, SSE), "already streaming");
    assert!(drain(&mut m).is_empty());
}

#[test]
fn a_line_over_the_limit_fails_the_connection() {
    let limits = Limits {
        max_line_length: Some(16),
        max_event_size: None,
    };
    let mut m = open(Config {
        limits,
        ..Config::default()
    });
    let mut events = Vec::new();
    let err = m.feed(b"data: 0123456789abcdef\n", &mut events).unwrap_err();
    assert_eq!(err, ParseError::LineTooLong { limit: 16 });
    assert_eq!(drain(&mut m), [Command::Abort, error(Reason::Limit(err))]);
    assert_eq!(m.ready_state(), ReadyState::Closed);
}

#[test]
fn an_event_over_the_limit_fails_the_connection() {
    let limits = Limits {
        max_line_length: None,
        max_event_size: Some(4),
    };
    let mut m = open(Config {
        limits,
        ..Config::default()
    });
    let mut events = Vec::new();
    assert!(
        m.feed(b"data: ab\ndata: cd\n", &mut events).is_err(),
        "5 bytes with the joining LF"
    );
    assert_eq!(m.ready_state(), ReadyState::Closed);
}

#[test]
fn a_refused_request_fails_the_connection() {
    let mut m = Machine::default();
    drain(&mut m);
    m.timer_fired();
    drain(&mut m);
    m.refused();
    assert_eq!(drain(&mut m), [Command::Abort, error(Reason::Refused)]);
    assert_eq!(m.ready_state(), ReadyState::Closed);
}

#[test]
fn a_heartbeat_timeout_aborts_and_reconnects() {
    let mut m = open(Config::default());
    m.heartbeat_timeout();
    assert_eq!(drain(&mut m), [Command::Abort, error(Reason::Timeout), wait(3000)]);
    assert_eq!(m.ready_state(), ReadyState::Connecting);
}

#[test]
fn exponential_backoff_doubles_up_to_the_cap_and_resets_on_open() {
    let policy = ReconnectPolicy {
        initial_delay: 1000,
        max_delay: 5000,
        exponential: true,
        ..Default::default()
    };
    let mut m = open(Config {
        policy,
        ..Config::default()
    });
    let mut delays = Vec::new();
    for _ in 0..5 {
        m.network_error();
        let cmds = drain(&mut m);
        let Command::Wait { delay_ms } = cmds[1] else {
            panic!("{cmds:?}")
        };
        delays.push(delay_ms);
        m.timer_fired();
        drain(&mut m);
    }
    assert_eq!(delays, [1000, 2000, 4000, 5000, 5000]);
    assert!(m.response(200, SSE));
    drain(&mut m);
    m.end();
    assert_eq!(drain(&mut m)[1], wait(1000), "an open resets the backoff");
}

#[test]
fn a_server_retry_wins_over_backoff() {
    let policy = ReconnectPolicy {
        initial_delay: 1000,
        exponential: true,
        ..Default::default()
    };
    let mut m = open(Config {
        policy,
        ..Config::default()
    });
    feed(&mut m, b"retry: 250\n");
    for _ in 0..3 {
        m.network_error();
        assert_eq!(drain(&mut m)[1], wait(250));
        m.timer_fired();
        drain(&mut m);
    }
}

#[test]
fn jitter_lengthens_the_delay_within_its_fraction() {
    let policy = ReconnectPolicy {
        initial_delay: 1000,
        jitter: 0.5,
        ..Default::default()
    };
    let mut m = open(Config {
        policy,
        seed: 7,
        ..Config::default()
    });
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..20 {
        m.network_error();
        let Command::Wait { delay_ms } = drain(&mut m)[1] else {
            unreachable!()
        };
        assert!((1000..=1500).contains(&delay_ms), "{delay_ms}");
        seen.insert(delay_ms);
        m.timer_fired();
        drain(&mut m);
    }
    assert!(seen.len() > 5, "jitter varies the delay: {seen:?}");
}

#[test]
fn max_retries_gives_up_with_an_error_and_closed() {
    let policy = ReconnectPolicy {
        max_retries: Some(2),
        ..Default::default()
    };
    let mut m = open(Config {
        policy,
        ..Config::default()
    });
    for _ in 0..2 {
        m.network_error();
        assert_eq!(drain(&mut m), [error(Reason::Network), wait(3000)]);
        m.timer_fired();
        drain(&mut m);
    }
    m.network_error();
    assert_eq!(drain(&mut m), [Command::Abort, error(Reason::RetriesExhausted)]);
    assert_eq!(m.ready_state(), ReadyState::Closed);
}

#[test]
fn an_initial_last_event_id_is_sent_on_the_first_request() {
    let mut m = Machine::default();
    m.set_last_event_id("resume-9");
    drain(&mut m);
    m.timer_fired();
    assert_eq!(drain(&mut m), [fetch(Some("resume-9"))]);
}

#[test]
fn reasons_have_names_and_actionable_messages() {
    for (reason, name) in [
        (Reason::Network, "network"),
        (Reason::Ended, "ended"),
        (Reason::Status(404), "status"),
        (Reason::MimeType, "mime"),
        (Reason::Limit(ParseError::LineTooLong { limit: 1 }), "limit"),
        (Reason::Timeout, "timeout"),
        (Reason::RetriesExhausted, "retries"),
        (Reason::Refused, "refused"),
    ] {
        assert_eq!(reason.name(), name);
        assert!(reason.message().len() > 20);
    }
    assert!(Reason::Status(404).message().contains("404"));
}

#[test]
fn recycling_cuts_over_at_the_next_event_boundary_and_drops_the_rest_of_the_chunk() {
    let mut m = open(Config::default());
    feed(&mut m, b"id: 8\ndata: w\n\n");
    m.recycle();
    assert!(drain(&mut m).is_empty(), "nothing happens until the next boundary");
    // The chunk ends an event (id 9) and starts another, which is dropped:
    // the server sends it again after Last-Event-ID 9.
    let events = feed(&mut m, b"data: x\nid: 9\n\ndata: dropped\n\n");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].data, "x");
    assert_eq!(drain(&mut m), [Command::Abort, fetch(Some("9"))]);
    assert_eq!(m.ready_state(), ReadyState::Open, "the source stays OPEN");
    assert!(m.response(200, SSE));
    assert!(drain(&mut m).is_empty(), "no second open event");
    let events = feed(&mut m, b"data: y\n\n");
    assert_eq!(events[0].last_event_id, "9");
}

#[test]
fn recycling_waits_for_an_id_to_resume_from() {
    let mut m = open(Config::default());
    m.recycle();
    assert_eq!(
        feed(&mut m, b"data: a\n\ndata: b\n\n").len(),
        2,
        "no id yet: everything is fed"
    );
    assert!(drain(&mut m).is_empty());
    assert_eq!(
        feed(&mut m, b"id: 1\ndata: c\n\ndata: d\n\n").len(),
        1,
        "cut after the first event with an id"
    );
    assert_eq!(drain(&mut m), [Command::Abort, fetch(Some("1"))]);
}

#[test]
fn a_recycled_request_that_fails_fails_the_connection() {
    let mut m = open(Config::default());
    m.recycle();
    feed(&mut m, b"id: 9\ndata: x\n\n");
    drain(&mut m);
    assert!(!m.response(503, SSE));
    assert_eq!(drain(&mut m), [Command::Abort, error(Reason::Status(503))]);
    assert_eq!(m.ready_state(), ReadyState::Closed);
}

#[test]
fn suspend_releases_the_connection_silently_and_resume_reconnects_at_once() {
    let mut m = open(Config::default());
    feed(&mut m, b"id: 4\ndata: x\n\n");
    m.suspend();
    assert_eq!(drain(&mut m), [Command::Abort], "no error event");
    assert_eq!(m.ready_state(), ReadyState::Connecting);
    assert!(m.is_suspended());
    m.timer_fired();
    m.end();
    assert!(drain(&mut m).is_empty(), "nothing happens while suspended");
    m.resume();
    assert_eq!(drain(&mut m), [fetch(Some("4"))], "no wait: back at once");
    assert!(m.response(200, SSE));
    assert_eq!(drain(&mut m), [Command::DispatchOpen]);
}

#[test]
fn suspend_while_waiting_cancels_the_timer_and_close_while_suspended_is_quiet() {
    let mut m = open(Config::default());
    m.end();
    drain(&mut m);
    m.suspend();
    assert_eq!(drain(&mut m), [Command::CancelTimer]);
    m.close();
    assert!(drain(&mut m).is_empty());
    m.resume();
    assert!(drain(&mut m).is_empty(), "closed stays closed");
    assert_eq!(m.ready_state(), ReadyState::Closed);
}

#[test]
fn a_veto_fails_the_pending_reconnection() {
    let mut m = open(Config::default());
    m.end();
    drain(&mut m);
    m.veto();
    assert_eq!(drain(&mut m), [Command::CancelTimer, error(Reason::Vetoed)]);
    assert_eq!(m.ready_state(), ReadyState::Closed);
}

#[test]
fn a_refused_last_event_id_retries_at_once_without_it_and_without_an_event() {
    let mut m = open(Config::default());
    feed(&mut m, b"id: 7\ndata: x\n\n");
    m.end();
    assert_eq!(drain(&mut m), [error(Reason::Ended), wait(DEFAULT_RECONNECTION_TIME)]);
    m.timer_fired();
    assert_eq!(drain(&mut m), [fetch(Some("7"))]);
    m.retry_without_id();
    assert_eq!(drain(&mut m), [Command::Abort, fetch(None)]);
    assert_eq!(m.ready_state(), ReadyState::Connecting);
    assert!(m.response(200, SSE));
    assert_eq!(drain(&mut m), [Command::DispatchOpen]);
    // Nothing to retry while waiting or closed.
    m.close();
    m.retry_without_id();
    assert_eq!(drain(&mut m), [Command::Abort]);
}
