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
//! carrying `now` in milliseconds from any clock that does not run
//! backwards much (a wall clock is best: it keeps counting while a device
//! sleeps, so a wake is noticed):
//!
//! | input | when |
//! | --- | --- |
//! | [`Machine::handle_timeout`] | the time [`Machine::poll_timeout`] asked for has come |
//! | [`Machine::handle_head`] | a response's status and headers arrived |
//! | [`Machine::handle_body`] (or [`Machine::handle_body_raw`]) | bytes of the body arrived |
//! | [`Machine::handle_end`] | the body ended normally |
//! | [`Machine::handle_failure`] | the request or the body failed |
//! | [`Machine::handle_probe`] | the answer to a [`Command::Probe`] |
//! | [`Machine::close`] | `close()` |
//!
//! and carries out the [`Command`]s it queues, taken one at a time with
//! [`Machine::poll_command`]. After every input the host asks
//! [`Machine::poll_timeout`] when it must next call
//! [`Machine::handle_timeout`] and arms one timer for that; a timer that
//! fires early is harmless. Because commands are taken one by one, an event
//! handler that calls `close()` while a command is carried out clears the
//! rest: nothing follows `close()` but the release of what is held.
//!
//! With [`Config::default`], the behaviour is exactly the standard's.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::buffering::{Sign, Watch};
use crate::mime;
use crate::parser::{Decoded, Limits, Output, ParseError, Parser, Raw, RawSink, Sink};
use crate::url;

mod commands;
mod config;
mod follower;
mod reasons;

pub use commands::{Command, Request, RequestKind};
pub use config::{Config, Head, ReconnectPolicy};
pub use reasons::{Failure, Lost, ReadyState, Reason, Warning};

/// The reconnection time before any `retry` field: "a user-agent-defined value,
/// probably in the region of a few seconds". Browsers use 3 seconds.
pub const DEFAULT_RECONNECTION_TIME: u64 = 3000;

/// While waiting longer than this to reconnect, the machine asks to be woken
/// at least this often, so that a device that slept through the deadline
/// (whose timers may not count the sleep) reconnects as soon as it wakes.
pub const WAKE_CHECK_INTERVAL: u64 = 5000;

/// Where the connection is, in more detail than readyState.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Waiting to (re)connect: at `deadline`, or, while offline, until the
    /// network is back (`deadline` is then when it would have been).
    Waiting { deadline: u64 },
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
    last_activity: u64,
    /// When the last wake check ran (see [`WAKE_CHECK_INTERVAL`]).
    last_wake_check: u64,
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
    adopted_retry: Option<u64>,
    /// This source has followed a shared stream (its next request, as a
    /// leader, continues it).
    followed: bool,
    /// See [`Machine::taken`].
    taken: usize,
    /// A takeover waits for the host's answer to [`Command::BeforeReconnect`].
    taking_over: bool,
    /// A request that is sent once waits for the host's answer to
    /// [`Command::BeforeReconnect`]: how the connection was lost, and the
    /// error event to dispatch if the host answers with a request (none for
    /// a takeover or a resume, which go on silently).
    unanswered: Option<(Lost, Option<Reason>)>,
    /// Signs of a buffering intermediary (with [`Config::diagnose_buffering`]).
    watch: Watch,
    /// The buffering warning was given (once per source).
    warned_buffering: bool,
    /// Commands not yet taken, oldest first. A `Vec`, not a `VecDeque`: it
    /// never holds more than a handful, so taking the first moves a few
    /// words, and the ring buffer measured 249 B more of gzipped wasm for
    /// no speed (BENCHMARKS.md, issue 23's step 3).
    commands: Vec<Command>,
}

impl Machine {
    /// A new source for `url` (already parsed and serialized by the host):
    /// readyState CONNECTING, and the first request due at once: at `now`,
    /// from the host's next task, never inside the constructor (HTML §9.2.2
    /// step 14 fetches "in parallel"), so a `close()` in the same task means
    /// no request is ever made.
    pub fn new(url: &str, config: Config, now: u64) -> Self {
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
            commands: Vec::with_capacity(4),
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
    pub fn reconnection_time(&self) -> u64 {
        self.retry().unwrap_or(self.config.policy.initial_delay)
    }

    /// The reconnection time the server set with `retry` (or a shared
    /// connection's leader did: [`crate::shared::Start`]), if it did.
    pub fn retry(&self) -> Option<u64> {
        self.parser.retry().or(self.adopted_retry)
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

    /// Whether the machine is suspended ([`Machine::suspend`]).
    pub fn is_suspended(&self) -> bool {
        self.phase == Phase::Suspended
    }

    /// The parser, for what it reports (whether it is between events …).
    pub fn parser(&self) -> &Parser {
        &self.parser
    }

    /// The next command to carry out, if any.
    ///
    /// A host answers a [`Command::BeforeReconnect`] while it carries it
    /// out, before it takes the next command: so when a request that is
    /// sent once ([`Config::send_once`]) was asked about, and the host
    /// neither called [`Machine::proceed`] nor vetoed it, the connection
    /// fails here ([`Reason::Unrepeatable`]).
    #[must_use = "a command not carried out is lost: the host must execute every command it takes"]
    pub fn poll_command(&mut self) -> Option<Command> {
        if self.commands.is_empty() {
            if let Some((lost, _)) = self.unanswered.take() {
                self.taking_over = false;
                self.fail(Reason::Unrepeatable { lost });
            }
        }
        (!self.commands.is_empty()).then(|| self.commands.remove(0))
    }

    /// When [`Machine::handle_timeout`] must next be called (in the clock
    /// of `now`), if ever. Calling it earlier does nothing.
    #[must_use = "the host must arm a timer for this deadline, or the machine never wakes"]
    pub fn poll_timeout(&self) -> Option<u64> {
        match self.phase {
            // The first request is always made; reconnections wait for the network.
            Phase::Waiting { .. } if self.offline && self.requested_before => None,
            Phase::Waiting { deadline } => Some(deadline.min(self.last_wake_check.saturating_add(WAKE_CHECK_INTERVAL))),
            Phase::Requesting | Phase::Probing | Phase::Streaming => self
                .config
                .heartbeat_timeout
                .map(|timeout| self.last_activity.saturating_add(timeout)),
            Phase::Suspended | Phase::Following { .. } | Phase::Closed => None,
        }
    }

    /// The time [`Machine::poll_timeout`] gave has come (or any time after).
    pub fn handle_timeout(&mut self, now: u64) {
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
                    if now.saturating_sub(self.last_activity) >= timeout {
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
    fn request(&mut self, now: u64, kind: RequestKind) {
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
        self.commands.push(Command::Fetch(Request {
            url: self.url.clone(),
            last_event_id,
            kind,
            authorize: self.authorized_request,
        }));
    }

    /// The response's head arrived. What follows comes out through
    /// [`Machine::poll_command`]; [`Machine::is_streaming`] says whether the
    /// body is now to be read (the connection was announced).
    pub fn handle_head(&mut self, now: u64, head: Head<'_>) {
        if self.phase != Phase::Requesting {
            return;
        }
        // The platform's own HTTP stack answers a Basic challenge with a
        // URL's credentials, once: so does the machine.
        if head.status == 401 && self.config.basic_credentials && !self.authorized_request && head.challenges_basic() {
            self.authorize = true;
            self.commands.push(Command::Abort);
            self.request(now, RequestKind::Authenticate);
            return;
        }
        // HTML §9.2.2 step 15: a 200 whose MIME type is text/event-stream
        // announces the connection; anything else fails it.
        if head.status != 200 {
            self.fail(Reason::Status(head.status));
            return;
        }
        if !head.content_type.is_some_and(mime::is_event_stream) {
            self.fail(Reason::MimeType);
            return;
        }
        self.phase = Phase::Streaming;
        self.state = ReadyState::Open;
        self.last_activity = now;
        self.attempt = 0;
        self.parser.reset_stream();
        if !core::mem::take(&mut self.recycling) {
            let reopened = core::mem::replace(&mut self.opened_before, true);
            self.commands.push(Command::Open { reopened });
        }
        if self.watching() {
            let sign = self.watch.head(now, head.content_encoding);
            self.warn_buffering(sign);
        }
    }

    fn watching(&self) -> bool {
        self.config.diagnose_buffering && !self.warned_buffering
    }

    fn warn_buffering(&mut self, sign: Option<Sign>) {
        if let Some(sign) = sign {
            self.warned_buffering = true;
            self.commands.push(Command::Warn(Warning::Buffering(sign)));
        }
    }

    /// Bytes of the body. Events go to `sink`; a `retry` field updates the
    /// reconnection time. If a limit is exceeded the connection fails: the
    /// error comes out as [`Command::Error`] with [`Reason::Limit`], like
    /// every other outcome (one output path).
    pub fn handle_body<S: Sink + ?Sized>(&mut self, now: u64, bytes: &[u8], sink: &mut S) {
        self.body(now, bytes, &mut Decoded(sink))
    }

    /// [`Machine::handle_body`] for a host that decodes the events itself:
    /// they go to `sink` undecoded (see [`crate::parser::RawEvent`]). The
    /// `Last-Event-ID` the machine sends is the decoded last event ID all the
    /// same.
    pub fn handle_body_raw<S: RawSink + ?Sized>(&mut self, now: u64, bytes: &[u8], sink: &mut S) {
        self.body(now, bytes, &mut Raw(sink))
    }

    fn body<O: Output + ?Sized>(&mut self, now: u64, bytes: &[u8], sink: &mut O) {
        self.taken = 0;
        if self.phase != Phase::Streaming {
            return;
        }
        self.last_activity = now;
        self.taken = bytes.len();
        let events_before = self.parser.dispatched();
        let result = if self.recycle_wanted {
            match self.parser.feed_inner(bytes, sink, true) {
                Ok(Some(consumed)) if !self.parser.last_event_id().is_empty() => {
                    self.taken = consumed;
                    self.cut_over(now);
                    Ok(())
                }
                Ok(Some(consumed)) => self.parser.feed_inner(&bytes[consumed..], sink, false).map(|_| ()),
                Ok(None) => Ok(()),
                Err(error) => Err(error),
            }
        } else {
            self.parser.feed_inner(bytes, sink, false).map(|_| ())
        };
        if let Err(error) = result {
            self.fail(Reason::Limit(error));
        } else if self.watching() && self.phase == Phase::Streaming {
            let events = self.parser.dispatched();
            let mid_event = !self.parser.at_event_boundary();
            let sign = self.watch.body(now, bytes.len(), events_before, events, mid_event);
            self.warn_buffering(sign);
        }
    }

    /// The body ended normally: reestablish the connection.
    pub fn handle_end(&mut self, now: u64) {
        if self.phase == Phase::Streaming {
            self.reestablish(now, Reason::Ended);
        }
    }

    /// The request (before a response) or the body (after) failed.
    pub fn handle_failure(&mut self, now: u64, failure: Failure) {
        match (failure, self.phase) {
            (
                _,
                Phase::Waiting { .. } | Phase::Suspended | Phase::Following { .. } | Phase::Closed | Phase::Probing,
            ) => {}
            (Failure::Aborted, _) => self.fail(Reason::Aborted),
            // A cross-origin request that got no response may have been
            // refused by CORS, which retrying cannot fix: ask first.
            (Failure::Network, Phase::Requesting) if url::is_cross_origin(self.config.origin.as_deref(), &self.url) => {
                self.phase = Phase::Probing;
                self.commands.push(Command::Probe { url: self.url.clone() });
            }
            (Failure::Network | Failure::NotSent, _) => self.reestablish(now, Reason::Network),
        }
    }

    /// The answer to [`Command::Probe`]: whether the server answered a
    /// request that CORS cannot refuse. If it did, the failure was CORS:
    /// when the request carried `Last-Event-ID` (which needs a preflight
    /// from a script), it is made again at once without it, with a warning;
    /// otherwise the connection fails. If not, it was the network.
    pub fn handle_probe(&mut self, now: u64, server_answered: bool) {
        if self.phase != Phase::Probing {
            return;
        }
        if !server_answered {
            self.reestablish(now, Reason::Network);
        } else if self.sent_id_cross_origin {
            self.omit_cross_origin_id = true;
            self.commands.push(Command::Abort);
            self.commands.push(Command::Warn(Warning::LastEventIdRefused));
            self.request(now, RequestKind::WithoutLastEventId);
        } else {
            self.fail(Reason::Refused);
        }
    }

    /// The transport is holding too much of this response (XHR keeps all of
    /// `responseText`): at the next blank line that leaves the stream between
    /// events with a last event ID to resume from, replace the request with a
    /// fresh one sending that ID, without any event. The rest of that chunk
    /// is dropped: the server sends it again after the ID. A stream without
    /// IDs cannot be resumed, so it is never recycled.
    /// A request that is sent once ([`Config::send_once`]) is never
    /// recycled: that would send it again.
    pub fn recycle(&mut self) {
        if self.phase == Phase::Streaming && !self.config.send_once {
            self.recycle_wanted = true;
        }
    }

    fn cut_over(&mut self, now: u64) {
        self.recycle_wanted = false;
        self.recycling = true;
        self.commands.push(Command::Abort);
        // Only ever at a boundary with a (non-empty) last event ID to send.
        self.request(now, RequestKind::Recycle);
    }

    /// The host is paused (the page is hidden or entering the back/forward
    /// cache): release the connection or the wait without any event;
    /// readyState is CONNECTING until [`Machine::resume`].
    pub fn suspend(&mut self) {
        match self.phase {
            Phase::Requesting | Phase::Probing | Phase::Streaming => self.commands.push(Command::Abort),
            Phase::Waiting { .. } | Phase::Following { .. } => {}
            Phase::Suspended | Phase::Closed => return,
        }
        self.phase = Phase::Suspended;
        self.state = ReadyState::Connecting;
        self.recycling = false;
        self.recycle_wanted = false;
    }

    /// Back from [`Machine::suspend`]: reconnect at once, with the last event ID.
    ///
    /// A request that is sent once ([`Config::send_once`]) is not made again
    /// by itself: the host is asked as before a reconnection (with no delay),
    /// or the connection fails.
    pub fn resume(&mut self, now: u64) {
        if self.phase != Phase::Suspended {
            return;
        }
        if self.config.send_once && self.requested_before {
            if !self.config.ask_before_reconnect {
                self.fail(Reason::Unrepeatable { lost: Lost::Released });
                return;
            }
            self.last_wake_check = now;
            self.phase = Phase::Waiting { deadline: now };
            self.ask_once(Lost::Released, None, 0, Reason::Network);
            return;
        }
        self.request(now, RequestKind::Resume);
    }

    /// The platform reports the network gone (`false`) or back (`true`).
    /// While it is gone no attempt is made (HTML §9.2.4 allows waiting "for
    /// the operating system to announce that the network connection is
    /// available again") and none counts against
    /// [`ReconnectPolicy::max_retries`]; when it is back, a waiting source
    /// reconnects at once if the reconnection time has passed since the
    /// connection was lost (a backoff is for a busy server, not a lost
    /// network), or when it has.
    pub fn set_online(&mut self, now: u64, online: bool) {
        let was_offline = core::mem::replace(&mut self.offline, !online);
        if !online || !was_offline {
            return;
        }
        if let Phase::Waiting { deadline } = self.phase {
            self.last_wake_check = now;
            self.phase = Phase::Waiting {
                deadline: deadline.min(self.last_activity.saturating_add(self.reconnection_time())),
            };
            self.handle_timeout(now);
        }
    }

    /// A reconnection on request (not in HTML; a `reconnect()` method, for
    /// an app whose credentials changed or a user who pressed "reconnect"):
    /// drop the request in flight, or the wait for the next one, and make a
    /// new request at once ([`RequestKind::Requested`]) with the last event
    /// ID, as HTML §9.2.4 "reestablish the connection" would, without its
    /// delay and without an error event (nothing failed). readyState is
    /// CONNECTING until the response opens (an open event, a reopen if the
    /// source was open before). The host asked for it, so even a request
    /// that is sent once ([`Config::send_once`]) is made, and it counts
    /// against no retry limit. Nothing happens on a CLOSED source, a
    /// suspended one ([`Machine::resume`] reconnects it) or a follower (the
    /// leader of its shared connection reconnects).
    pub fn reconnect(&mut self, now: u64) {
        match self.phase {
            Phase::Closed | Phase::Suspended | Phase::Following { .. } => return,
            Phase::Requesting | Phase::Probing | Phase::Streaming => self.commands.push(Command::Abort),
            Phase::Waiting { .. } => {}
        }
        self.unanswered = None;
        self.recycle_wanted = false;
        let kind = if core::mem::take(&mut self.taking_over) {
            RequestKind::Takeover
        } else if self.requested_before {
            self.recycling = false;
            RequestKind::Requested
        } else {
            RequestKind::First
        };
        self.state = ReadyState::Connecting;
        self.request(now, kind);
    }

    /// Change where the next requests go (a host's `beforeReconnect` hook).
    pub fn set_url(&mut self, url: &str) {
        if self.url != url {
            self.url.clear();
            self.url.push_str(url);
        }
    }

    /// Veto the reconnection now waiting (after [`Command::BeforeReconnect`]):
    /// fail the connection (error, CLOSED).
    pub fn veto(&mut self) {
        let waiting = matches!(self.phase, Phase::Waiting { .. });
        if waiting && (self.state == ReadyState::Connecting || self.taking_over) {
            self.taking_over = false;
            self.fail(Reason::Vetoed);
        }
    }

    /// The host answered [`Command::BeforeReconnect`] with the request to
    /// continue with: a request that is sent once ([`Config::send_once`])
    /// may be made this time (the error event of the loss follows now).
    /// Does nothing otherwise.
    pub fn proceed(&mut self) {
        if let Some((_, Some(reason))) = self.unanswered.take() {
            self.commands.push(Command::Error {
                reason,
                ready_state: ReadyState::Connecting,
            });
        }
    }

    /// The request's shape changed (the host's hook answered with another
    /// method or body): whether it is sent once from now on (see
    /// [`Config::send_once`]).
    pub fn set_send_once(&mut self, once: bool) {
        self.config.send_once = once;
    }

    /// Ask the host ([`Command::BeforeReconnect`]) whether a request that is
    /// sent once goes on; [`Machine::poll_command`] fails the connection if
    /// it did not answer with a request. The error event of the loss waits
    /// for the answer, so a source that is not continued dispatches one
    /// error only.
    fn ask_once(&mut self, lost: Lost, error: Option<Reason>, delay_ms: u64, reason: Reason) {
        self.unanswered = Some((lost, error));
        self.commands.push(Command::BeforeReconnect {
            attempt: self.attempt.saturating_add(1),
            delay_ms,
            reason,
        });
    }

    /// `close()`: CLOSED at once, whatever the state; release what is held and
    /// never queue anything again.
    pub fn close(&mut self) {
        if self.phase == Phase::Closed {
            // Already closed (or failed): what is queued is releases only.
            self.state = ReadyState::Closed;
            return;
        }
        self.commands.clear();
        self.unanswered = None;
        if self.is_fetching() {
            self.commands.push(Command::Abort);
        }
        self.state = ReadyState::Closed;
        self.phase = Phase::Closed;
    }

    /// HTML §9.2.4 "fail the connection": CLOSED and one error event; no
    /// reconnection ever.
    fn fail(&mut self, reason: Reason) {
        self.recycling = false;
        self.recycle_wanted = false;
        self.unanswered = None;
        if self.is_fetching() {
            self.commands.push(Command::Abort);
        }
        self.state = ReadyState::Closed;
        self.phase = Phase::Closed;
        self.commands.push(Command::Error {
            reason,
            ready_state: ReadyState::Closed,
        });
    }

    /// HTML §9.2.4 "reestablish the connection": CONNECTING, an error event,
    /// then a request after the reconnection time (and any backoff).
    fn reestablish(&mut self, now: u64, reason: Reason) {
        self.recycling = false;
        self.recycle_wanted = false;
        // Attempts count when they are made, so none is counted while the
        // network is gone.
        if let Some(max) = self.config.policy.max_retries {
            if self.attempt >= max {
                self.fail(Reason::RetriesExhausted);
                return;
            }
        }
        // A request that is sent once is not made again by itself: without
        // a hook to ask, the connection fails now (one error event).
        if self.config.send_once && !self.config.ask_before_reconnect {
            self.fail(Reason::Unrepeatable { lost: Lost::of(reason) });
            return;
        }
        if self.is_fetching() {
            self.commands.push(Command::Abort);
        }
        self.state = ReadyState::Connecting;
        let random = self.next_random();
        let delay_ms = self.reconnect_delay(random);
        self.last_activity = now;
        self.last_wake_check = now;
        self.phase = Phase::Waiting {
            deadline: now.saturating_add(delay_ms),
        };
        if self.config.send_once {
            // Asked before the error event: see `ask_once`.
            self.ask_once(Lost::of(reason), Some(reason), delay_ms, reason);
            return;
        }
        self.commands.push(Command::Error {
            reason,
            ready_state: ReadyState::Connecting,
        });
        if self.config.ask_before_reconnect {
            self.commands.push(Command::BeforeReconnect {
                attempt: self.attempt.saturating_add(1),
                delay_ms,
                reason,
            });
        }
    }

    /// The delay before the next reconnection, given `random` in [0, 1) for
    /// jitter. With the default policy this is exactly the reconnection time.
    pub fn reconnect_delay(&self, random: f64) -> u64 {
        let policy = &self.config.policy;
        let mut delay = self.reconnection_time() as f64;
        // A server's `retry` always wins over the client's backoff.
        if self.retry().is_none() {
            if policy.exponential {
                delay *= (1u64 << self.attempt.min(62)) as f64;
            }
            delay = delay.min(policy.max_delay as f64);
        }
        if policy.jitter > 0.0 {
            delay *= 1.0 + policy.jitter.clamp(0.0, 1.0) * random.clamp(0.0, 1.0);
        }
        // `as` saturates: a huge `retry` means "a very long time".
        delay as u64
    }

    /// xorshift64*: enough randomness for jitter, deterministic for a seed.
    fn next_random(&mut self) -> f64 {
        let mut x = self.rng;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.rng = x;
        (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
}
