//! What the core's tests share: the machine's invariants, checked over any
//! sequence of inputs (by the property tests and the seeded fuzzer alike),
//! a parse outcome for both faces, and a seeded random generator.

#![allow(dead_code)] // each test binary uses a part

use eventsource_core::machine::{
    Config, Failure, Head, Machine, Notice, Order, ReadyState, Reason, ReconnectPolicy, Request, RequestKind, Warning,
};
use eventsource_core::parser::{Event, OwnedEvent, RawEvent, RawSink, Sink};
use eventsource_core::{Instant, Millis};

/// What a host carries out: the machine's two outputs ([`Order`]s and
/// [`Notice`]s) in the one interleaving it gives them, so that a scenario
/// states the whole sequence a driver sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Fetch(Request),
    Abort,
    Probe {
        url: String,
    },
    Open {
        reopened: bool,
    },
    Error {
        reason: Reason,
        ready_state: ReadyState,
    },
    BeforeReconnect {
        attempt: u32,
        delay: Millis,
        reason: Reason,
    },
    Warn(Warning),
}

impl From<Order> for Command {
    fn from(order: Order) -> Command {
        match order {
            Order::Fetch(request) => Command::Fetch(request),
            Order::Abort => Command::Abort,
            Order::Probe { url } => Command::Probe { url },
        }
    }
}

impl From<Notice> for Command {
    fn from(notice: Notice) -> Command {
        match notice {
            Notice::Open { reopened } => Command::Open { reopened },
            Notice::Error { reason, ready_state } => Command::Error { reason, ready_state },
            Notice::BeforeReconnect { attempt, delay, reason } => Command::BeforeReconnect { attempt, delay, reason },
            Notice::Warn(warning) => Command::Warn(warning),
        }
    }
}

/// A host's loop over the machine's two polls.
pub trait Host {
    /// The next order or notice, asking for an order first (as the driver does).
    fn poll_command(&mut self) -> Option<Command>;
    /// The same, asking for a notice first: the machine gives the same
    /// interleaving whichever a host asks first.
    fn poll_command_notice_first(&mut self) -> Option<Command>;
}

impl Host for Machine {
    fn poll_command(&mut self) -> Option<Command> {
        match self.poll_order() {
            Some(order) => Some(order.into()),
            None => self.poll_notice().map(Command::from),
        }
    }

    fn poll_command_notice_first(&mut self) -> Option<Command> {
        match self.poll_notice() {
            Some(notice) => Some(notice.into()),
            None => self.poll_order().map(Command::from),
        }
    }
}

/// One input, chosen by `kind` (any number) with `arg` for its details.
pub fn step(m: &mut Machine, now: &mut u64, kind: u64, arg: u64, sink: &mut Vec<OwnedEvent>) -> &'static str {
    match kind % 16 {
        // Time passes, and the machine is woken when it asked (or later).
        0 | 1 => {
            if let Some(at) = m.poll_timeout() {
                *now = (*now).max(at.0) + arg % 3;
            }
            m.handle_timeout(Instant(*now));
            "timeout"
        }
        2 => {
            *now += arg % 20_000;
            m.handle_timeout(Instant(*now));
            "time passes"
        }
        3 => {
            m.handle_head(Instant(*now), Head::new(200, Some("text/event-stream")));
            "200"
        }
        4 => {
            let status = [204, 401, 500][(arg % 3) as usize];
            m.handle_head(
                Instant(*now),
                Head::new(status, None).with_www_authenticate(Some("Basic realm=x")),
            );
            "not 200"
        }
        5 => {
            m.handle_body(Instant(*now), b"id: 1\nretry: 20\ndata: x\n\n", sink);
            "body"
        }
        6 => {
            m.handle_end(Instant(*now));
            "end"
        }
        7 => {
            let failure = [Failure::Network, Failure::Aborted, Failure::NotSent][(arg % 3) as usize];
            m.handle_failure(Instant(*now), failure);
            "failure"
        }
        8 => {
            m.handle_probe(Instant(*now), arg % 2 == 0);
            "probe"
        }
        9 => {
            m.close();
            "close"
        }
        10 => {
            m.recycle();
            "recycle"
        }
        11 => {
            m.suspend();
            "suspend"
        }
        12 => {
            m.resume(Instant(*now));
            "resume"
        }
        13 => {
            m.set_online(Instant(*now), arg % 2 == 0);
            "online"
        }
        14 => {
            m.veto();
            "veto"
        }
        _ => {
            m.set_url(if arg % 2 == 0 {
                "https://a.test/"
            } else {
                "https://b.test/"
            });
            "url"
        }
    }
}

/// A machine configured from `bits`, with a page origin so that the
/// CORS paths are reachable.
pub fn machine(bits: u64, seed: u64) -> Machine {
    let policy = ReconnectPolicy::new()
        .with_initial_delay(Millis(1 + bits % 5000))
        .with_exponential(bits & (1 << 20) != 0)
        .with_max_retries(if bits & (1 << 21) != 0 {
            Some(((bits >> 22) % 4) as u32)
        } else {
            None
        })
        .with_jitter(if bits & (1 << 24) != 0 { 0.5 } else { 0.0 });
    let config = Config::new()
        .with_policy(policy)
        .with_origin(Some("https://a.test"))
        .with_heartbeat_timeout(if bits & (1 << 25) != 0 {
            Some(Millis(7000))
        } else {
            None
        })
        .with_ask_before_reconnect(bits & (1 << 26) != 0)
        .with_basic_credentials(bits & (1 << 27) != 0)
        .with_seed(seed);
    Machine::new("https://b.test/", config, Instant(0))
}

/// What the invariants need to remember between inputs.
#[derive(Default)]
pub struct Watch {
    in_flight: bool,
    closed_by_user: bool,
    failed: bool,
    /// When the connection was last lost (an error that reconnects).
    lost_at: Option<u64>,
}

impl Watch {
    /// Take the commands `input` caused and check every invariant.
    pub fn check(&mut self, m: &mut Machine, now: u64, input: &str) -> Result<(), String> {
        if input == "close" {
            self.closed_by_user = true;
        }
        // One interleaving, whichever of the two polls a host asks first.
        let mut other = m.clone();
        let notice_first: Vec<Command> = std::iter::from_fn(|| other.poll_command_notice_first()).collect();
        let mut taken = Vec::new();
        while let Some(command) = m.poll_command() {
            taken.push(command.clone());
            if self.closed_by_user && command != Command::Abort {
                return Err(format!("after close only releases: {command:?}"));
            }
            if self.failed && matches!(command, Command::Fetch(_) | Command::Probe { .. }) {
                return Err(format!("no request after failing: {command:?}"));
            }
            match command {
                Command::Fetch(request) => {
                    if self.in_flight {
                        return Err("two requests in flight".into());
                    }
                    if let RequestKind::Reconnect { .. } = request.kind {
                        let lost = self.lost_at.ok_or("a reconnection without a loss")?;
                        // Backoff and jitter only ever add; the network coming
                        // back or a wake never makes it sooner.
                        let time = m.reconnection_time().0;
                        if now < lost + time.min(1 << 40) && time < 1 << 40 {
                            return Err(format!(
                                "reconnected {} ms after the loss, reconnection time {time}",
                                now - lost,
                            ));
                        }
                    }
                    self.in_flight = true;
                }
                Command::Probe { .. } if !self.in_flight => return Err("a probe without a failed request".into()),
                Command::Abort => self.in_flight = false,
                Command::Error {
                    ready_state: ReadyState::Closed,
                    ..
                } => {
                    self.failed = true;
                    self.in_flight = false;
                }
                Command::Error { ready_state, .. } => {
                    if ready_state != ReadyState::Connecting {
                        return Err("an error that leaves the source OPEN".into());
                    }
                    if self.in_flight {
                        return Err("reconnecting while a request is in flight".into());
                    }
                    self.lost_at = Some(now);
                }
                _ => {}
            }
        }
        if taken != notice_first {
            return Err(format!("orders first {taken:?}, notices first {notice_first:?}"));
        }
        if m.ready_state() == ReadyState::Closed {
            if m.is_fetching() {
                return Err("CLOSED while fetching".into());
            }
            if m.poll_timeout().is_some() {
                return Err("CLOSED with a timer wanted".into());
            }
        }
        if m.is_fetching() != self.in_flight && !matches!(input, "close") {
            return Err(format!(
                "is_fetching {} but {} in flight",
                m.is_fetching(),
                self.in_flight
            ));
        }
        Ok(())
    }
}

/// Everything a parse produced, comparable.
#[derive(Default, PartialEq, Debug)]
pub struct Outcome {
    pub events: Vec<(String, String, String)>,
    pub retries: Vec<u64>,
}

impl Sink for Outcome {
    fn event(&mut self, e: &Event<'_>) {
        self.events
            .push((e.event_type.to_owned(), e.data.to_owned(), e.last_event_id.to_owned()));
    }
    fn retry(&mut self, ms: u64) {
        self.retries.push(ms);
    }
}

/// The raw face's events, each part decoded as `TextDecoder` would.
pub struct DecodedByHost(pub Outcome);

impl RawSink for DecodedByHost {
    fn event(&mut self, e: &RawEvent<'_>) {
        let decode = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
        self.0
            .events
            .push((decode(e.event_type), decode(e.data), decode(e.last_event_id.as_bytes())));
    }
    fn retry(&mut self, ms: u64) {
        self.0.retries.push(ms);
    }
}

/// xorshift64*: deterministic for a seed.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}
