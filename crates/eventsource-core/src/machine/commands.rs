//! What the host must do next: the requests to make and the events to
//! dispatch.

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

/// What the host must do next.
///
/// Exhaustive on purpose: a host matches every variant, so a command added
/// here fails its build instead of being dropped by a `_` arm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Start a request. Its results are inputs until the next
    /// [`Command::Abort`]; anything the old request reports after that must
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
    /// scheduled. The host may call [`Machine::veto`] or
    /// [`Machine::set_url`] now.
    BeforeReconnect {
        /// Reconnections since the connection was last open, this one included.
        attempt: u32,
        /// Milliseconds until it is made.
        delay_ms: u64,
        /// Why the connection was lost.
        reason: Reason,
    },
    /// Tell the developer.
    Warn(Warning),
}
