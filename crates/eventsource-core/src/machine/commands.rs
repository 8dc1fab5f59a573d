//! What comes out of the machine: [`Order`]s, [`Notice`]s, their two
//! queues and the polls that keep one interleaving between them (the rule
//! is written in the machine's module documentation, which users read).

use super::*;

/// Why a request is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RequestKind {
    /// The first request of the source.
    First,
    /// A reconnection after the connection was lost; `attempt` counts them
    /// since the connection was last open (1 for the first).
    Reconnect {
        /// Reconnections since the connection was last open, this one included.
        attempt: u32,
    },
    /// After [`Machine::resume`].
    Resume,
    /// A silent replacement of a stream that is still open
    /// ([`Machine::recycle`]).
    Recycle,
    /// The same request again without `Last-Event-ID`, which a cross-origin
    /// server refused (see [`Warning::LastEventIdRefused`]).
    WithoutLastEventId,
    /// The same request again with credentials, which the server asked for
    /// (a `401` with a Basic challenge).
    Authenticate,
    /// This source takes over a shared connection whose leader went away
    /// ([`Machine::take_over`]): at once, resuming from the last event ID
    /// every source of the group has.
    Takeover,
    /// The host asked for a new connection now ([`Machine::reconnect`]).
    Requested,
}

/// A request to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// Where to.
    pub url: String,
    /// The `Last-Event-ID` header to send, exactly; `None` means none
    /// (HTML §9.2.4: only when the last event ID string is not empty).
    pub last_event_id: Option<String>,
    /// Why this request is made.
    pub kind: RequestKind,
    /// Send the Basic credentials the host holds ([`Config::basic_credentials`]).
    pub authorize: bool,
}

/// An order to the transport, from [`Machine::poll_order`].
///
/// Exhaustive on purpose: a host matches every variant, so an order added
/// here fails its build instead of being dropped by a `_` arm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Order {
    /// Start a request. Its results are inputs until the next
    /// [`Order::Abort`]; anything the old request reports after that must
    /// be dropped (the host tells requests apart).
    Fetch(Request),
    /// Release the request in flight: abort it if it is still running.
    /// Queued whenever the machine stops caring about a request, including
    /// one that already failed or ended, so the host can free it.
    Abort,
    /// A cross-origin request failed before any response. Ask, with a
    /// request the server cannot refuse (a `no-cors` fetch of the same URL),
    /// whether the server answers at all, and report with
    /// [`Machine::handle_probe`]: an answer means CORS refused the request.
    Probe {
        /// The URL of the request that failed.
        url: String,
    },
}

/// What the application is told, from [`Machine::poll_notice`].
///
/// Exhaustive on purpose, as [`Order`] is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// Dispatch `open`: readyState is already OPEN.
    Open {
        /// False for the first open of this source, true for a reopen after
        /// the connection was lost.
        reopened: bool,
    },
    /// Dispatch `error`. `ready_state` is CONNECTING when a reconnection
    /// follows, CLOSED when the connection failed for good.
    Error {
        /// Why.
        reason: Reason,
        /// The readyState it leaves.
        ready_state: ReadyState,
    },
    /// Only with [`Config::ask_before_reconnect`]: a reconnection is
    /// scheduled. The host may call [`Machine::veto`],
    /// [`Machine::set_url`] or [`Machine::proceed`] now, before it polls
    /// again.
    BeforeReconnect {
        /// Reconnections since the connection was last open, this one included.
        attempt: u32,
        /// How long until it is made.
        delay: Millis,
        /// Why the connection was lost.
        reason: Reason,
    },
    /// Tell the developer.
    Warn(Warning),
}

/// The two queues (see [`crate::machine`] for their interleaving).
#[derive(Debug, Clone, Default)]
pub(super) struct Queues {
    /// Orders not yet taken, oldest first. `Vec`s, not `VecDeque`s: they
    /// never hold more than a handful, so taking the first moves a few
    /// words, and the ring buffer measured 249 B more of gzipped wasm for
    /// no speed (BENCHMARKS.md, issue 23's step 3).
    pub(super) orders: Vec<Order>,
    /// Notices not yet taken, oldest first.
    pub(super) notices: Vec<Notice>,
}

impl Queues {
    pub(super) fn clear(&mut self) {
        self.orders.clear();
        self.notices.clear();
    }
}

impl Machine {
    /// The next order for the transport, if its turn has come: a start
    /// ([`Order::Fetch`], [`Order::Probe`]) waits until no notice is
    /// pending (see [`crate::machine`], "Orders and notices").
    #[must_use = "an order not carried out is lost: the host must execute every order it takes"]
    pub fn poll_order(&mut self) -> Option<Order> {
        let start = matches!(self.queues.orders.first()?, Order::Fetch(_) | Order::Probe { .. });
        if start && !self.queues.notices.is_empty() {
            return None;
        }
        Some(self.queues.orders.remove(0))
    }

    /// The next notice for the application, if its turn has come: not
    /// while a release ([`Order::Abort`]) is pending.
    ///
    /// A host answers a [`Notice::BeforeReconnect`] while it carries it
    /// out, before it polls again: so when a request that is sent once
    /// ([`Config::send_once`]) was asked about, and the host neither called
    /// [`Machine::proceed`] nor vetoed it, the connection fails here, once
    /// both queues are empty ([`Reason::Unrepeatable`]).
    #[must_use = "a notice not carried out is lost: the host must tell the application every notice it takes"]
    pub fn poll_notice(&mut self) -> Option<Notice> {
        if self.queues.notices.is_empty() && self.queues.orders.is_empty() {
            if let Some((lost, _)) = self.unanswered.take() {
                self.taking_over = false;
                self.fail(Reason::Unrepeatable { lost });
            }
        }
        if self.queues.notices.is_empty() || matches!(self.queues.orders.first(), Some(Order::Abort)) {
            return None;
        }
        Some(self.queues.notices.remove(0))
    }
}
