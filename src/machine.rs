//! The connection state machine of an event source: pure Rust, no I/O.
//!
//! It implements the processing model of HTML §9.2.2–9.2.3: the readyState
//! transitions, "announce the connection", "reestablish the connection" and
//! "fail the connection". The web layer feeds it inputs (a timer fired, a
//! response arrived, bytes, the body ended, a network error, `close()`) and
//! carries out the [`Command`]s it queues, one at a time, with
//! [`Machine::poll_command`]. Because commands are taken one by one, an
//! event handler that calls `close()` while a command is being carried out
//! clears everything still queued: no command follows `close()` but the ones
//! that release resources.
//!
//! The reconnection delay is decided by [`Machine::reconnect_delay`] from the
//! reconnection time (3000 ms, or what `retry` set) and an opt-in
//! [`ReconnectPolicy`]; with the default policy the behaviour is exactly the
//! spec's.

use alloc::borrow::ToOwned;
use alloc::string::String;
use alloc::vec::Vec;

use crate::mime;
use crate::parser::push_decimal;
use crate::parser::{Limits, ParseError, Parser, Sink};

/// The reconnection time before any `retry` field: "a user-agent-defined value,
/// probably in the region of a few seconds". Browsers use 3 seconds.
pub const DEFAULT_RECONNECTION_TIME: u64 = 3000;

/// The largest delay a timer can be armed with in browsers (2^31 − 1 ms);
/// longer ones fire at once, so every delay is capped here.
pub const MAX_TIMER_DELAY: u64 = 0x7FFF_FFFF;

/// The `readyState` of an event source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum ReadyState {
    Connecting = 0,
    Open = 1,
    Closed = 2,
}

/// Why an `error` event is dispatched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reason {
    /// The request failed before a response, or the body failed mid-stream.
    Network,
    /// The body ended normally; the source reconnects.
    Ended,
    /// The response status was not 200 (fails the connection).
    Status(u16),
    /// The response was 200 but its Content-Type was not `text/event-stream`.
    MimeType,
    /// A configured limit was exceeded.
    Limit(ParseError),
    /// No byte arrived within the heartbeat timeout.
    Timeout,
    /// The reconnection policy gave up after its maximum number of retries.
    RetriesExhausted,
    /// The `beforeReconnect` hook vetoed the reconnection.
    Vetoed,
    /// The request was refused in a way that retrying cannot fix (for example
    /// a cross-origin request without CORS permission).
    Refused,
}

impl Reason {
    /// A stable short name, as the JavaScript `reason` property reports it.
    pub fn name(self) -> &'static str {
        match self {
            Reason::Network => "network",
            Reason::Ended => "ended",
            Reason::Status(_) => "status",
            Reason::MimeType => "mime",
            Reason::Limit(_) => "limit",
            Reason::Timeout => "timeout",
            Reason::RetriesExhausted => "retries",
            Reason::Vetoed => "vetoed",
            Reason::Refused => "refused",
        }
    }

    /// A sentence a developer can act on.
    pub fn message(self) -> String {
        match self {
            Reason::Network => "the connection failed or was dropped; reconnecting".to_owned(),
            Reason::Ended => "the server ended the stream; reconnecting".to_owned(),
            Reason::Status(status) => {
                let mut message = String::from("the server answered with HTTP status ");
                push_decimal(&mut message, u64::from(status));
                message.push_str("; an event stream must answer 200, so the connection was closed for good");
                message
            }
            Reason::MimeType => {
                "the response's Content-Type is not text/event-stream, so the connection was closed for good".to_owned()
            }
            Reason::Limit(error) => {
                let mut message = error.message();
                message.push_str("; the connection was closed");
                message
            }
            Reason::Timeout => {
                "no data (not even a comment) arrived within the heartbeat timeout; reconnecting".to_owned()
            }
            Reason::RetriesExhausted => {
                "the reconnection policy's maxRetries was reached; the connection was closed".to_owned()
            }
            Reason::Vetoed => "beforeReconnect vetoed the reconnection; the connection was closed".to_owned(),
            Reason::Refused => {
                "the request was refused (for example CORS denied it), so the connection was closed for good".to_owned()
            }
        }
    }
}

/// What the web layer must do next.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Command {
    /// Arm the timer; when it fires call [`Machine::timer_fired`]. The first
    /// connection waits 0 ms: the spec starts the fetch from a task, never
    /// inside the constructor, so a `close()` in the same task sends nothing.
    Wait { delay_ms: u64 },
    /// Cancel the armed timer.
    CancelTimer,
    /// Start a request. `last_event_id` is `Some` (and non-empty) when the
    /// `Last-Event-ID` header must be sent.
    Fetch { last_event_id: Option<String> },
    /// Abort the request in flight (or the body being read).
    Abort,
    /// Dispatch `open`; readyState is already OPEN.
    DispatchOpen,
    /// Dispatch `error`; readyState is already CONNECTING (a reconnection
    /// follows) or CLOSED (the connection failed for good).
    DispatchError { reason: Reason },
}

/// How to back off between reconnections. The default is the spec's: wait the
/// reconnection time, every time, forever.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReconnectPolicy {
    /// Delay before the first reconnection when the server sent no `retry`.
    pub initial_delay: u64,
    /// Upper bound for any computed delay.
    pub max_delay: u64,
    /// Double the delay after each consecutive failed attempt.
    pub exponential: bool,
    /// Fraction (0..=1) of the delay to add at random, to spread clients
    /// that lost their connections together: the delay becomes
    /// `delay * (1 + jitter * r)` for a random `r` in [0, 1). Added, never
    /// taken away, so a reconnection never comes sooner than asked.
    pub jitter: f64,
    /// Give up (error, CLOSED) after this many consecutive failed attempts.
    pub max_retries: Option<u32>,
}

impl Default for ReconnectPolicy {
    fn default() -> Self {
        ReconnectPolicy {
            initial_delay: DEFAULT_RECONNECTION_TIME,
            max_delay: MAX_TIMER_DELAY,
            exponential: false,
            jitter: 0.0,
            max_retries: None,
        }
    }
}

/// Everything a machine is configured with.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Config {
    pub limits: Limits,
    pub policy: ReconnectPolicy,
    /// Seed for the jitter's random numbers (the web layer passes a random one).
    pub seed: u64,
}

/// Where the connection is, in more detail than readyState.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// The timer is armed; a fetch follows when it fires.
    Waiting,
    /// A request is in flight and no response has arrived.
    Requesting,
    /// The response was accepted and its body is being read.
    Streaming,
    /// Paused by the page (hidden, or in the back/forward cache): nothing
    /// is held; `resume` reconnects.
    Suspended,
    /// Nothing happens any more.
    Closed,
}

/// One event source's connection logic.
#[derive(Debug, Clone)]
pub struct Machine {
    state: ReadyState,
    phase: Phase,
    parser: Parser,
    policy: ReconnectPolicy,
    /// Reconnections scheduled since the connection was last OPEN.
    attempt: u32,
    /// The request in flight replaces a stream that was recycled: it opens
    /// silently (the source never stopped being OPEN).
    recycling: bool,
    /// The transport asked for the stream to be recycled at the next point
    /// that loses nothing.
    recycle_wanted: bool,
    /// Jitter's random state (xorshift64*; never zero).
    rng: u64,
    /// Commands not yet taken, oldest first (never more than a handful).
    commands: Vec<Command>,
}

impl Default for Machine {
    fn default() -> Self {
        Machine::new(Config::default())
    }
}

impl Machine {
    /// A new source: readyState CONNECTING, and a 0 ms wait before the first
    /// fetch (HTML §9.2.2 step 14 runs the fetch "in parallel", after the
    /// constructor has returned).
    pub fn new(config: Config) -> Self {
        let mut commands = Vec::with_capacity(4);
        commands.push(Command::Wait { delay_ms: 0 });
        Machine {
            state: ReadyState::Connecting,
            phase: Phase::Waiting,
            parser: Parser::with_limits(config.limits),
            policy: config.policy,
            attempt: 0,
            recycling: false,
            recycle_wanted: false,
            rng: config.seed | 1,
            commands,
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

    /// Resume from a known last event ID (an opt-in; the spec starts empty).
    /// Only effective before the first fetch.
    pub fn set_last_event_id(&mut self, id: &str) {
        self.parser.set_last_event_id(id);
    }

    /// The reconnection time in force: the last valid `retry`, else the
    /// policy's initial delay (3000 ms by default).
    pub fn reconnection_time(&self) -> u64 {
        self.parser.retry().unwrap_or(self.policy.initial_delay)
    }

    /// Reconnections scheduled since the connection was last OPEN.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// Whether a request or a body read is outstanding.
    pub fn is_fetching(&self) -> bool {
        matches!(self.phase, Phase::Requesting | Phase::Streaming)
    }

    /// Whether the body is being read (the response was accepted).
    pub fn is_streaming(&self) -> bool {
        self.phase == Phase::Streaming
    }

    /// The next command to carry out, if any.
    pub fn poll_command(&mut self) -> Option<Command> {
        if self.commands.is_empty() {
            None
        } else {
            Some(self.commands.remove(0))
        }
    }

    /// The armed timer fired: start the request if still CONNECTING.
    pub fn timer_fired(&mut self) {
        if self.phase != Phase::Waiting || self.state != ReadyState::Connecting {
            return;
        }
        self.request();
    }

    /// Start a request: HTML §9.2.3 step 5.3 sends Last-Event-ID only when
    /// the last event ID string is not empty.
    fn request(&mut self) {
        self.phase = Phase::Requesting;
        let id = self.parser.last_event_id();
        let last_event_id = (!id.is_empty()).then(|| id.to_owned());
        self.commands.push(Command::Fetch { last_event_id });
    }

    /// The response's head arrived. `content_type` is the whole Content-Type
    /// header value, if there was one. Returns true when the body is to be read.
    pub fn response(&mut self, status: u16, content_type: Option<&str>) -> bool {
        if self.phase != Phase::Requesting {
            return false;
        }
        // HTML §9.2.2 step 15: a 200 whose MIME type is text/event-stream
        // announces the connection; anything else fails it.
        if status != 200 {
            self.fail(Reason::Status(status));
            return false;
        }
        if !content_type.is_some_and(mime::is_event_stream) {
            self.fail(Reason::MimeType);
            return false;
        }
        self.phase = Phase::Streaming;
        self.state = ReadyState::Open;
        self.attempt = 0;
        self.parser.reset_stream();
        if !core::mem::take(&mut self.recycling) {
            self.commands.push(Command::DispatchOpen);
        }
        true
    }

    /// Bytes of the body. Events go to `sink`; a `retry` field updates the
    /// reconnection time. If a limit is exceeded the connection fails (an
    /// error command is queued) and the error is returned.
    pub fn feed<S: Sink + ?Sized>(&mut self, bytes: &[u8], sink: &mut S) -> Result<(), ParseError> {
        if self.phase != Phase::Streaming {
            return Ok(());
        }
        let result = if self.recycle_wanted {
            match self.parser.feed_until_boundary(bytes, sink) {
                Ok(Some(_)) if !self.parser.last_event_id().is_empty() => {
                    self.cut_over();
                    Ok(())
                }
                Ok(Some(consumed)) => self.parser.feed(&bytes[consumed..], sink),
                Ok(None) => Ok(()),
                Err(error) => Err(error),
            }
        } else {
            self.parser.feed(bytes, sink)
        };
        if let Err(error) = result {
            self.fail(Reason::Limit(error));
        }
        result
    }

    /// The body ended normally: reestablish the connection.
    pub fn end(&mut self) {
        if self.phase == Phase::Streaming {
            self.reestablish(Reason::Ended);
        }
    }

    /// The request failed (before a response) or the body failed mid-stream:
    /// reestablish the connection.
    pub fn network_error(&mut self) {
        if self.is_fetching() {
            self.reestablish(Reason::Network);
        }
    }

    /// The request failed in a way that retrying cannot fix: fail the
    /// connection.
    pub fn refused(&mut self) {
        if self.is_fetching() {
            self.fail(Reason::Refused);
        }
    }

    /// The request failed only because of its Last-Event-ID header (across
    /// origins a script's Last-Event-ID needs a CORS preflight, which the
    /// server refused; the platform's own EventSource is exempt): request
    /// again at once, without the header and without any event.
    pub fn retry_without_id(&mut self) {
        if self.is_fetching() {
            self.commands.push(Command::Abort);
            self.phase = Phase::Requesting;
            self.commands.push(Command::Fetch { last_event_id: None });
        }
    }

    /// The transport is holding too much of this response (XHR keeps all of
    /// `responseText`): at the next blank line that leaves the stream between
    /// events with a last event ID to resume from, replace the request with a
    /// fresh one sending that ID, without any event. The rest of that chunk
    /// is dropped: the server sends it again after the ID. A stream without
    /// IDs cannot be resumed, so it is never recycled.
    pub fn recycle(&mut self) {
        if self.phase == Phase::Streaming {
            self.recycle_wanted = true;
        }
    }

    fn cut_over(&mut self) {
        self.recycle_wanted = false;
        self.recycling = true;
        self.commands.push(Command::Abort);
        // Only ever at a boundary with a (non-empty) last event ID to send.
        self.request();
    }

    /// Nothing arrived for the heartbeat timeout: treat the connection as
    /// dropped and reestablish it.
    pub fn heartbeat_timeout(&mut self) {
        if self.is_fetching() {
            self.commands.push(Command::Abort);
            self.reestablish(Reason::Timeout);
        }
    }

    /// The page is hidden or entering the back/forward cache: release the
    /// connection or the pending timer without any event; readyState is
    /// CONNECTING until [`Machine::resume`].
    pub fn suspend(&mut self) {
        let command = match self.phase {
            Phase::Requesting | Phase::Streaming => Command::Abort,
            Phase::Waiting => Command::CancelTimer,
            Phase::Suspended | Phase::Closed => return,
        };
        self.commands.push(command);
        self.phase = Phase::Suspended;
        self.state = ReadyState::Connecting;
        self.recycling = false;
        self.recycle_wanted = false;
    }

    /// Back from [`Machine::suspend`]: reconnect at once, with the last event ID.
    pub fn resume(&mut self) {
        if self.phase != Phase::Suspended {
            return;
        }
        self.request();
    }

    /// Whether the machine is suspended.
    pub fn is_suspended(&self) -> bool {
        self.phase == Phase::Suspended
    }

    /// The `beforeReconnect` hook vetoed the reconnection now waiting: fail
    /// the connection (error, CLOSED).
    pub fn veto(&mut self) {
        if self.phase == Phase::Waiting && self.state == ReadyState::Connecting {
            self.commands.push(Command::CancelTimer);
            self.fail(Reason::Vetoed);
        }
    }

    /// `close()`: CLOSED at once, whatever the state; release what is held and
    /// never queue anything again.
    pub fn close(&mut self) {
        if self.phase == Phase::Closed {
            self.state = ReadyState::Closed;
            return;
        }
        self.commands.clear();
        match self.phase {
            Phase::Waiting => self.commands.push(Command::CancelTimer),
            Phase::Requesting | Phase::Streaming => self.commands.push(Command::Abort),
            Phase::Suspended | Phase::Closed => {}
        }
        self.state = ReadyState::Closed;
        self.phase = Phase::Closed;
    }

    /// HTML §9.2.3 "fail the connection": CLOSED and one error event; no
    /// reconnection ever.
    fn fail(&mut self, reason: Reason) {
        self.recycling = false;
        self.recycle_wanted = false;
        if self.is_fetching() {
            self.commands.push(Command::Abort);
        }
        self.state = ReadyState::Closed;
        self.phase = Phase::Closed;
        self.commands.push(Command::DispatchError { reason });
    }

    /// HTML §9.2.3 "reestablish the connection": CONNECTING, an error event,
    /// then a fetch after the reconnection time (and any backoff).
    fn reestablish(&mut self, reason: Reason) {
        self.recycling = false;
        self.recycle_wanted = false;
        if let Some(max) = self.policy.max_retries {
            if self.attempt >= max {
                self.fail(Reason::RetriesExhausted);
                return;
            }
        }
        self.state = ReadyState::Connecting;
        self.phase = Phase::Waiting;
        self.commands.push(Command::DispatchError { reason });
        let random = self.next_random();
        let delay_ms = self.reconnect_delay(random);
        self.attempt = self.attempt.saturating_add(1);
        self.commands.push(Command::Wait { delay_ms });
    }

    /// The delay before the next reconnection, given `random` in [0, 1) for
    /// jitter. With the default policy this is exactly the reconnection time.
    pub fn reconnect_delay(&self, random: f64) -> u64 {
        let mut delay = self.reconnection_time() as f64;
        // A server's `retry` always wins over the client's backoff.
        if self.parser.retry().is_none() {
            if self.policy.exponential {
                delay *= (1u64 << self.attempt.min(62)) as f64;
            }
            delay = delay.min(self.policy.max_delay as f64);
        }
        if self.policy.jitter > 0.0 {
            delay *= 1.0 + self.policy.jitter.clamp(0.0, 1.0) * random.clamp(0.0, 1.0);
        }
        (delay as u64).min(MAX_TIMER_DELAY)
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
