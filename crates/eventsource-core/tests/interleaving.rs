//! The machine's two outputs, orders for the transport (`poll_order`) and
//! notices for the application (`poll_notice`), and the one interleaving
//! it keeps between them (`eventsource_core::machine`'s `commands` module): a
//! release before the notices queued after it, a start after them, and
//! `close()` in a handler clearing whatever is still pending.

use eventsource_core::Instant;
use eventsource_core::machine::{
    Config, Failure, Head, Machine, Notice, Order, ReadyState, Reason, RequestKind, Warning,
};
use eventsource_core::parser::OwnedEvent;

const URL: &str = "https://example.test/events";
const SSE: Head<'static> = Head::new(200, Some("text/event-stream"));

/// A machine whose stream is open, with its outputs taken.
fn open_at(now: Instant, config: Config) -> Machine {
    let mut m = Machine::new(URL, config, now);
    m.handle_timeout(now);
    assert!(matches!(m.poll_order(), Some(Order::Fetch(_))));
    m.handle_head(now, Head::new(200, Some("text/event-stream")));
    assert_eq!(m.poll_notice(), Some(Notice::Open { reopened: false }));
    assert_eq!((m.poll_order(), m.poll_notice()), (None, None));
    m
}

/// A cross-origin machine whose reconnection sent `Last-Event-ID: 7` and
/// got no response; the probe says the server answers (CORS refused the
/// header): what follows is an abort, a warning and a request without it.
fn refused_id() -> Machine {
    let mut m = open_at(Instant(0), Config::default().with_origin(Some("https://page.test")));
    m.handle_body(Instant(0), b"id: 7\ndata: x\n\n", &mut Vec::<OwnedEvent>::new());
    m.handle_end(Instant(0));
    while m.poll_order().is_some() || m.poll_notice().is_some() {}
    m.handle_timeout(m.poll_timeout().expect("a reconnection is due"));
    let Some(Order::Fetch(request)) = m.poll_order() else {
        panic!("the reconnection's request")
    };
    assert_eq!(request.last_event_id.as_deref(), Some("7"));
    m.handle_failure(Instant(3000), Failure::Network);
    assert_eq!(m.poll_order(), Some(Order::Probe { url: URL.into() }));
    m.handle_probe(Instant(3000), true);
    m
}

#[test]
fn a_lost_connection_releases_its_request_before_the_error_event_is_told() {
    let mut m = open_at(Instant(0), Config::default());
    m.handle_end(Instant(10));
    // The abort is pending: no notice may pass it.
    assert_eq!(m.poll_notice(), None);
    assert_eq!(m.poll_order(), Some(Order::Abort));
    assert_eq!(m.poll_order(), None);
    assert_eq!(
        m.poll_notice(),
        Some(Notice::Error {
            reason: Reason::Ended,
            ready_state: ReadyState::Connecting
        })
    );
    assert_eq!((m.poll_order(), m.poll_notice()), (None, None));
}

#[test]
fn a_request_waits_until_the_notices_queued_before_it_are_told() {
    let mut m = refused_id();
    assert_eq!(m.poll_order(), Some(Order::Abort));
    // The request without the ID is queued, but the warning comes first.
    assert_eq!(m.poll_order(), None, "no start while a notice waits");
    assert_eq!(m.poll_notice(), Some(Notice::Warn(Warning::LastEventIdRefused)));
    let Some(Order::Fetch(request)) = m.poll_order() else {
        panic!("the request without Last-Event-ID, once the warning is told")
    };
    assert_eq!(request.kind, RequestKind::WithoutLastEventId);
    assert_eq!(request.last_event_id, None);
}

#[test]
fn close_called_by_a_warning_handler_means_the_queued_request_never_leaves() {
    let mut m = refused_id();
    assert_eq!(m.poll_order(), Some(Order::Abort));
    assert_eq!(m.poll_notice(), Some(Notice::Warn(Warning::LastEventIdRefused)));
    // The handler of that warning calls close().
    m.close();
    let mut rest = Vec::new();
    while let Some(order) = m.poll_order() {
        rest.push(order);
    }
    assert!(
        rest.iter().all(|order| *order == Order::Abort),
        "only releases after close(), no request: {rest:?}"
    );
    assert_eq!(m.poll_notice(), None);
    assert_eq!(m.poll_timeout(), None);
    assert_eq!(m.ready_state(), ReadyState::Closed);
}

#[test]
fn close_called_by_an_error_handler_means_no_reconnection_is_ever_made() {
    let mut m = open_at(Instant(0), Config::default().with_ask_before_reconnect(true));
    m.handle_failure(Instant(5), Failure::Network);
    assert_eq!(m.poll_order(), Some(Order::Abort));
    assert!(matches!(m.poll_notice(), Some(Notice::Error { .. })));
    // The error handler closes the source: the reconnection question
    // queued behind the error is dropped with everything else.
    m.close();
    assert_eq!((m.poll_order(), m.poll_notice()), (None, None));
    assert_eq!(m.poll_timeout(), None);
    m.handle_timeout(Instant(1_000_000));
    assert_eq!((m.poll_order(), m.poll_notice()), (None, None));
}

#[test]
fn reconnect_called_by_an_error_handler_starts_a_request_no_earlier_abort_can_release() {
    let mut m = open_at(Instant(0), Config::default());
    m.handle_end(Instant(10));
    assert_eq!(m.poll_order(), Some(Order::Abort));
    assert!(matches!(m.poll_notice(), Some(Notice::Error { .. })));
    // The error handler asks for a new connection now.
    m.reconnect(Instant(10));
    let Some(Order::Fetch(request)) = m.poll_order() else {
        panic!("the requested connection")
    };
    assert_eq!(request.kind, RequestKind::Requested);
    assert_eq!((m.poll_order(), m.poll_notice()), (None, None), "no abort after it");
    assert!(m.is_fetching());
}

#[test]
fn a_host_that_asks_for_notices_first_gets_the_same_sequence() {
    // The same inputs, taken by two hosts that poll in opposite orders.
    fn order(m: &mut Machine) -> Option<String> {
        m.poll_order().map(|order| format!("{order:?}"))
    }
    fn notice(m: &mut Machine) -> Option<String> {
        m.poll_notice().map(|notice| format!("{notice:?}"))
    }
    let sequence = |notices_first: bool| {
        let mut m = refused_id();
        let mut seen = Vec::new();
        loop {
            let next = if notices_first {
                notice(&mut m).or_else(|| order(&mut m))
            } else {
                order(&mut m).or_else(|| notice(&mut m))
            };
            match next {
                Some(item) => seen.push(item),
                None => break seen,
            }
        }
    };
    let orders_first = sequence(false);
    assert_eq!(orders_first.len(), 3, "{orders_first:?}");
    assert!(orders_first[0].starts_with("Abort"), "{orders_first:?}");
    assert!(orders_first[1].starts_with("Warn"), "{orders_first:?}");
    assert!(orders_first[2].starts_with("Fetch"), "{orders_first:?}");
    assert_eq!(sequence(true), orders_first);
}

#[test]
fn a_failure_releases_the_request_before_the_error_that_closes_the_source() {
    let mut m = Machine::new(URL, Config::default(), Instant(0));
    m.handle_timeout(Instant(0));
    assert!(matches!(m.poll_order(), Some(Order::Fetch(_))));
    m.handle_head(Instant(0), Head::new(500, None));
    assert_eq!(m.poll_notice(), None, "the release comes first");
    assert_eq!(m.poll_order(), Some(Order::Abort));
    assert_eq!(
        m.poll_notice(),
        Some(Notice::Error {
            reason: Reason::Status(500),
            ready_state: ReadyState::Closed
        })
    );
    assert_eq!((m.poll_order(), m.poll_notice()), (None, None));
    // And an open stream's head is not read twice.
    m.handle_head(Instant(0), SSE);
    assert_eq!((m.poll_order(), m.poll_notice()), (None, None));
}
