//! The connection state machine of an event source: pure Rust, no I/O, and
//! no clock of its own.
//!
//! It implements the processing model of HTML §9.2.2–9.2.4: the readyState
//! transitions, "announce the connection", "reestablish the connection" and
//! "fail the connection", and owns every timer a client needs: the
//! reconnection delay (with an opt-in backoff, jitter and retry limit), the
//! heartbeat that notices a stalled stream, and waiting for the network.
//!
//! The host (a driver over fetch, XHR, hyper, …) feeds it inputs, each
//! carrying `now`, an [`Instant`] in milliseconds of any clock that does
//! not run backwards much (a wall clock is best: it keeps counting while a
//! device sleeps, so a wake is noticed); delays and timeouts are [`Millis`],
//! a type of their own, so one is never passed for the other:
//!
//! | input | when |
//! | --- | --- |
//! | [`Machine::handle_timeout`] | the time [`Machine::poll_timeout`] asked for has come |
//! | [`Machine::handle_head`] | a response's status and headers arrived |
//! | [`Machine::handle_body`] (or [`Machine::handle_body_raw`]) | bytes of the body arrived |
//! | [`Machine::handle_end`] | the body ended normally |
//! | [`Machine::handle_failure`] | the request or the body failed |
//! | [`Machine::handle_probe`] | the answer to a [`Order::Probe`] |
//! | [`Machine::close`] | `close()` |
//!
//! Inputs return nothing: everything the machine decides comes out of
//! [`Machine::poll_order`], [`Machine::poll_notice`] and
//! [`Machine::poll_timeout`]. After every input the host takes orders and
//! notices until neither poll gives anything, then asks `poll_timeout`
//! when it must next call [`Machine::handle_timeout`] and arms one timer
//! for that; a timer that fires early is harmless.
//!
//! ## Orders and notices: two paths, one interleaving
//!
//! As in quinn-proto (`poll_transmit` apart from `poll`), what goes to the
//! transport and what the application is told are apart: [`Order`]s
//! (start a request, release it, probe) and [`Notice`]s (open, error,
//! the reconnection question, warnings), each a first-in-first-out queue.
//! Between the two, the machine keeps one interleaving, whichever poll a
//! host asks first:
//!
//! 1. a release ([`Order::Abort`]) is given out before any notice queued
//!    after it ([`Machine::poll_notice`] gives nothing while one is
//!    pending): an error handler finds the old request released, so a
//!    `reconnect()` it calls starts a request that no late abort hits;
//! 2. a start ([`Order::Fetch`], [`Order::Probe`]) waits while any notice
//!    is pending ([`Machine::poll_order`] gives nothing): the `error` of a
//!    lost connection is dispatched before the request that replaces it
//!    (HTML §9.2.4 "reestablish the connection": the event, then the
//!    wait, then the request), a warning before the request it announces.
//!
//! So what one input queued comes out as its releases, then its notices,
//! then its starts. Orders and notices are taken one at a time, so a
//! handler run while one is carried out that calls `close()` clears the
//! rest ([`Machine::close`] empties both queues): nothing follows
//! `close()` but the release of what is held, and a queued request never
//! leaves.
//!
//! With [`Config::default`], the behaviour is exactly the standard's.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::buffering::{Sign, Watch};
use crate::mime;
use crate::parser::{Decoded, Limits, Output, ParseError, Parser, Raw, RawSink, Sink};
use crate::url;
use crate::{Instant, Millis};

mod commands;
mod config;
mod follower;
mod host;
mod reasons;
mod reconnection;
mod transport;

use commands::Queues;
pub use commands::{Notice, Order, Request, RequestKind};
pub use config::{Config, Head, ReconnectPolicy, sends_once};
pub use reasons::{Failure, Lost, ReadyState, Reason, Warning};

/// The reconnection time before any `retry` field: "a user-agent-defined value,
/// probably in the region of a few seconds". Browsers use 3 seconds.
pub const DEFAULT_RECONNECTION_TIME: Millis = Millis(3000);

/// While waiting longer than this to reconnect, the machine asks to be woken
/// at least this often, so that a device that slept through the deadline
/// (whose timers may not count the sleep) reconnects as soon as it wakes.
pub const WAKE_CHECK_INTERVAL: Millis = Millis(5000);

/// Where the connection is, in more detail than readyState.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Waiting to (re)connect: at `deadline`, or, while offline, until the
    /// network is back (`deadline` is then when it would have been).
    Waiting { deadline: Instant },
    /// A request is in flight and no response has arrived.
    Requesting,
    /// A cross-origin request failed before a response: is it CORS?
    Probing,
    /// The response was accepted and its body is being read.
    Streaming,
    /// Paused by the host (page hidden, back/forward cache): nothing is
    /// held; [`Machine::resume`] reconnects.
    Suspended,
    /// Following a shared connection another source leads
    /// ([`Machine::follow`]): no request, no timer; `streaming` while the
    /// leader reads a body, whose bytes are relayed here.
    Following { streaming: bool },
    /// Nothing happens any more.
    Closed,
}

/// One event source's connection logic.
#[derive(Debug, Clone)]
pub struct Machine {
    state: ReadyState,
    phase: Phase,
    parser: Parser,
    config: Config,
    /// Where requests go (the constructor's URL unless the host changed it).
    url: String,
    /// Reconnection requests made since the connection was last OPEN.
    attempt: u32,
    /// A request has been made before (a later one is a reconnection).
    requested_before: bool,
    /// The connection has been OPEN before (a later open is a reopen).
    opened_before: bool,
    /// When something last arrived (or the request started): the heartbeat.
    last_activity: Instant,
    /// When the last wake check ran (see [`WAKE_CHECK_INTERVAL`]).
    last_wake_check: Instant,
    /// The platform says there is no network.
    offline: bool,
    /// The request in flight sent `Last-Event-ID` to another origin.
    sent_id_cross_origin: bool,
    /// A cross-origin server refused `Last-Event-ID`: omit it there.
    omit_cross_origin_id: bool,
    /// The request in flight replaces a stream that was recycled: it opens
    /// silently (the source never stopped being OPEN).
    recycling: bool,
    /// Recycle the stream at the next point that loses nothing.
    recycle_wanted: bool,
    /// Send the Basic credentials: a server asked for them.
    authorize: bool,
    /// The request in flight carries them.
    authorized_request: bool,
    /// Jitter's random state (xorshift64*; never zero).
    rng: u64,
    /// The reconnection time a shared connection's leader had when this
    /// source joined (its own parser has seen no `retry` field yet).
    adopted_retry: Option<Millis>,
    /// This source has followed a shared stream (its next request, as a
    /// leader, continues it).
    followed: bool,
    /// See [`Machine::taken`].
    taken: usize,
    /// A takeover waits for the host's answer to [`Notice::BeforeReconnect`].
    taking_over: bool,
    /// A request that is sent once waits for the host's answer to
    /// [`Notice::BeforeReconnect`]: how the connection was lost, and the
    /// error event to dispatch if the host answers with a request (none for
    /// a takeover or a resume, which go on silently).
    unanswered: Option<(Lost, Option<Reason>)>,
    /// Signs of a buffering intermediary (with [`Config::diagnose_buffering`]).
    watch: Watch,
    /// The buffering warning was given (once per source).
    warned_buffering: bool,
    /// Orders and notices not yet taken.
    queues: Queues,
}

impl Machine {
    /// A new source for `url` (already parsed and serialized by the host):
    /// readyState CONNECTING, and the first request due at once: at `now`,
    /// from the host's next task, never inside the constructor (HTML §9.2.2
    /// step 14 fetches "in parallel"), so a `close()` in the same task means
    /// no request is ever made.
    pub fn new(url: &str, config: Config, now: Instant) -> Self {
        let mut parser = Parser::with_limits(config.limits);
        if let Some(id) = &config.last_event_id {
            parser.set_last_event_id(id);
        }
        Machine {
            state: ReadyState::Connecting,
            phase: Phase::Waiting { deadline: now },
            parser,
            rng: config.seed | 1,
            authorize: config.authorize_first,
            config,
            url: String::from(url),
            attempt: 0,
            requested_before: false,
            opened_before: false,
            last_activity: now,
            last_wake_check: now,
            offline: false,
            sent_id_cross_origin: false,
            omit_cross_origin_id: false,
            recycling: false,
            recycle_wanted: false,
            authorized_request: false,
            adopted_retry: None,
            followed: false,
            taken: 0,
            taking_over: false,
            unanswered: None,
            watch: Watch::default(),
            warned_buffering: false,
            queues: Queues::default(),
        }
    }

    /// The `readyState` attribute.
    pub fn ready_state(&self) -> ReadyState {
        self.state
    }

    /// The last event ID string.
    pub fn last_event_id(&self) -> &str {
        self.parser.last_event_id()
    }

    /// Where requests go.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The reconnection time in force: the last valid `retry`, else the
    /// policy's initial delay (3000 ms by default).
    pub fn reconnection_time(&self) -> Millis {
        self.retry().unwrap_or(self.config.policy.initial_delay)
    }

    /// The reconnection time the server set with `retry` (or a shared
    /// connection's leader did: [`crate::shared::Start`]), if it did.
    pub fn retry(&self) -> Option<Millis> {
        self.parser.retry().map(Millis).or(self.adopted_retry)
    }

    /// Reconnection requests made since the connection was last OPEN.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// Whether a request, its probe or its body is outstanding.
    pub fn is_fetching(&self) -> bool {
        matches!(self.phase, Phase::Requesting | Phase::Probing | Phase::Streaming)
    }

    /// Whether the body is being read (the response was accepted).
    pub fn is_streaming(&self) -> bool {
        self.phase == Phase::Streaming
    }

    /// How many bytes of the last [`Machine::handle_body`] chunk belong to
    /// the stream: all of them, none if it was not read, or those up to the
    /// boundary where a [`Machine::recycle`] cut over (the rest comes again
    /// on the new request). What a shared connection's leader relays.
    pub fn taken(&self) -> usize {
        self.taken
    }

    /// The parser, for what it reports (whether it is between events …).
    pub fn parser(&self) -> &Parser {
        &self.parser
    }

    /// When [`Machine::handle_timeout`] must next be called (in the clock
    /// of `now`), if ever. Calling it earlier does nothing.
    #[must_use = "the host must arm a timer for this deadline, or the machine never wakes"]
    pub fn poll_timeout(&self) -> Option<Instant> {
        match self.phase {
            // The first request is always made; reconnections wait for the network.
            Phase::Waiting { .. } if self.offline && self.requested_before => None,
            Phase::Waiting { deadline } => Some(deadline.min(self.last_wake_check + WAKE_CHECK_INTERVAL)),
            Phase::Requesting | Phase::Probing | Phase::Streaming => self
                .config
                .heartbeat_timeout
                .map(|timeout| self.last_activity + timeout),
            Phase::Suspended | Phase::Following { .. } | Phase::Closed => None,
        }
    }

    /// The time [`Machine::poll_timeout`] gave has come (or any time after).
    pub fn handle_timeout(&mut self, now: Instant) {
        match self.phase {
            Phase::Waiting { deadline } if !self.offline || !self.requested_before => {
                // A wall clock keeps counting while a device sleeps: a check
                // that comes late finds the deadline passed and reconnects.
                self.last_wake_check = now;
                if now >= deadline {
                    let kind = if core::mem::take(&mut self.taking_over) {
                        RequestKind::Takeover
                    } else {
                        self.next_request_kind()
                    };
                    self.request(now, kind);
                }
            }
            Phase::Requesting | Phase::Probing | Phase::Streaming => {
                if let Some(timeout) = self.config.heartbeat_timeout {
                    if now - self.last_activity >= timeout {
                        self.reestablish(now, Reason::Timeout);
                    }
                }
            }
            _ => {}
        }
    }

    fn next_request_kind(&self) -> RequestKind {
        if self.requested_before {
            RequestKind::Reconnect {
                attempt: self.attempt.saturating_add(1),
            }
        } else {
            RequestKind::First
        }
    }

    /// Start a request. HTML §9.2.4 step 5.3: `Last-Event-ID` only when the
    /// last event ID string is not empty; across origins, not after the
    /// server refused it. A URL no client can fetch fails the connection
    /// at once (HTML §9.2.4: the user agent knows it to be futile).
    fn request(&mut self, now: Instant, kind: RequestKind) {
        if !url::is_fetchable(&self.url, self.config.origin.as_deref()) {
            self.fail(Reason::Scheme);
            return;
        }
        self.phase = Phase::Requesting;
        self.last_activity = now;
        self.requested_before = true;
        if let RequestKind::Reconnect { attempt } = kind {
            self.attempt = attempt;
        }
        let cross_origin = url::is_cross_origin(self.config.origin.as_deref(), &self.url);
        let id = self.parser.last_event_id();
        let omit = kind == RequestKind::WithoutLastEventId || (cross_origin && self.omit_cross_origin_id);
        let last_event_id = (!id.is_empty() && !omit).then(|| String::from(id));
        self.sent_id_cross_origin = cross_origin && last_event_id.is_some();
        self.authorized_request = self.authorize && self.config.basic_credentials;
        self.queues.orders.push(Order::Fetch(Request {
            url: self.url.clone(),
            last_event_id,
            kind,
            authorize: self.authorized_request,
        }));
    }
}
