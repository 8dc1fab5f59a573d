//! What the machine reports: readyState, why an `error` event is
//! dispatched, how a request failed, and warnings for the developer.

use super::*;

/// The `readyState` of an event source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum ReadyState {
    /// `CONNECTING` (0): connecting or waiting to reconnect.
    Connecting = 0,
    /// `OPEN` (1): events are being received.
    Open = 1,
    /// `CLOSED` (2): closed, or the connection failed for good.
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
    /// Nothing arrived within the heartbeat timeout.
    Timeout,
    /// The reconnection policy gave up after its maximum number of retries.
    RetriesExhausted,
    /// The host vetoed the reconnection ([`Machine::veto`]).
    Vetoed,
    /// The request was refused in a way that retrying cannot fix (a
    /// cross-origin request without CORS permission).
    Refused,
    /// The request was aborted by someone other than this machine (the user
    /// stopped the page, a navigation, the host's own abort signal).
    Aborted,
    /// The URL's scheme is one a client cannot fetch (`ftp:`, `about:`,
    /// `mailto:` …): every attempt would fail, so the first one does.
    Scheme,
    /// The connection was lost (`lost` says how), and its request is sent
    /// once ([`Config::send_once`]): a request with a body, or a method other
    /// than GET/HEAD, is not repeated unless the host asked for it.
    Unrepeatable {
        /// How the connection was lost.
        lost: Lost,
    },
}

/// How a connection was lost, where a [`Reason`] needs to say it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Lost {
    /// The server ended the response ([`Reason::Ended`]).
    Ended,
    /// The request or the body failed ([`Reason::Network`]).
    Network,
    /// Nothing arrived in time ([`Reason::Timeout`]).
    Timeout,
    /// The host paused the connection ([`Machine::suspend`]) or another
    /// source's shared connection went away ([`Machine::take_over`]).
    Released,
}

impl Lost {
    /// A short name: `ended`, `network`, `timeout` or `released`.
    pub fn name(self) -> &'static str {
        match self {
            Lost::Ended => "ended",
            Lost::Network => "network",
            Lost::Timeout => "timeout",
            Lost::Released => "released",
        }
    }

    pub(super) fn of(reason: Reason) -> Lost {
        match reason {
            Reason::Ended => Lost::Ended,
            Reason::Timeout => Lost::Timeout,
            _ => Lost::Network,
        }
    }
}

impl Reason {
    /// Every reason's [`Reason::name`], in declaration order: the one list
    /// the JavaScript types and documentation are checked against.
    pub const NAMES: [&'static str; 12] = [
        "network",
        "ended",
        "status",
        "mime",
        "limit",
        "timeout",
        "retries",
        "vetoed",
        "refused",
        "aborted",
        "scheme",
        "unrepeatable",
    ];

    /// A stable short name (what the JavaScript `reason` property reports).
    pub fn name(self) -> &'static str {
        Reason::NAMES[self.index()]
    }

    fn index(self) -> usize {
        match self {
            Reason::Network => 0,
            Reason::Ended => 1,
            Reason::Status(_) => 2,
            Reason::MimeType => 3,
            Reason::Limit(_) => 4,
            Reason::Timeout => 5,
            Reason::RetriesExhausted => 6,
            Reason::Vetoed => 7,
            Reason::Refused => 8,
            Reason::Aborted => 9,
            Reason::Scheme => 10,
            Reason::Unrepeatable { .. } => 11,
        }
    }

    /// Whether this reason fails the connection for good (readyState CLOSED)
    /// rather than reestablishing it.
    pub fn is_fatal(self) -> bool {
        !matches!(self, Reason::Network | Reason::Ended | Reason::Timeout)
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Reason::Network => f.write_str("the connection failed or was dropped; reconnecting"),
            Reason::Ended => f.write_str("the server ended the stream; reconnecting"),
            Reason::Status(status) => write!(
                f,
                "the server answered with HTTP status {status}; an event stream must answer 200, so the connection failed for good"
            ),
            Reason::MimeType => f.write_str(
                "the response's Content-Type is not text/event-stream, so the connection failed for good",
            ),
            Reason::Limit(error) => write!(f, "{error}; raise the limit or fix the server. The connection failed"),
            Reason::Timeout => f.write_str("nothing (not even a comment) arrived within the heartbeat timeout; reconnecting"),
            Reason::RetriesExhausted => f.write_str("the maximum number of reconnection attempts was reached; the connection failed"),
            Reason::Vetoed => f.write_str("the reconnection was vetoed; the connection failed"),
            Reason::Refused => f.write_str(
                "the request was refused (CORS: the server does not allow this origin; it must answer with Access-Control-Allow-Origin, and its preflight must allow the request's method and headers), so the connection failed for good",
            ),
            Reason::Aborted => f.write_str("the request was aborted from outside, so the connection failed for good"),
            Reason::Scheme => f.write_str(
                "the URL's scheme cannot be fetched (an event source needs http:, https:, data: or blob:), so the connection failed for good",
            ),
            Reason::Unrepeatable { lost } => {
                f.write_str(match lost {
                    Lost::Ended => "the server ended the response",
                    Lost::Network => "the connection was lost",
                    Lost::Timeout => "nothing arrived within the heartbeat timeout",
                    Lost::Released => "the connection was released",
                })?;
                f.write_str(
                    ", and a request with a body or a method other than GET/HEAD is not sent again automatically (it could repeat an action or a prompt); the connection failed. To go on, answer the reconnection with the request to continue with (for example a GET from the last event ID), or allow re-sending if the request is idempotent",
                )
            }
        }
    }
}

/// How a request or its body failed, as a transport reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Failure {
    /// A network error: no response, or the body broke off.
    Network,
    /// The request was aborted, and not because of a [`Order::Abort`]
    /// (HTML §9.2.2: "if res is an aborted network error, fail the
    /// connection").
    Aborted,
    /// The request could not be made: the host's own preparation of it
    /// failed (a header it refuses, a hook that threw). Treated as a network
    /// error, without asking whether CORS refused it.
    NotSent,
}

/// Something the host should tell a developer, though nothing failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Warning {
    /// A cross-origin server refused the CORS preflight that a
    /// `Last-Event-ID` header sent by a script needs (a browser's own
    /// EventSource is exempt): requests to it go on without the header, so
    /// the stream cannot resume where it stopped.
    LastEventIdRefused,
    /// Something between the server and the client buffers the stream
    /// (only with [`Config::diagnose_buffering`]; at most once per source):
    /// events arrive late and in bursts. See [`crate::buffering`].
    Buffering(Sign),
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::LastEventIdRefused => f.write_str(
                "the server refused the CORS preflight that a Last-Event-ID header needs; reconnecting without it, so the stream cannot resume where it stopped. Answer the preflight (OPTIONS) with Access-Control-Allow-Headers: Last-Event-ID to fix it.",
            ),
            Warning::Buffering(sign) => {
                match sign {
                    Sign::Compressed => f.write_str("the event stream is compressed (it has a Content-Encoding), and compression holds events until its buffer fills")?,
                    Sign::LateFirstBytes { waited_ms, events } => write!(
                        f,
                        "the body's first bytes came {waited_ms} ms after the headers, with {events} events at once"
                    )?,
                    Sign::BufferSizedBursts { size } => write!(
                        f,
                        "events keep arriving in bursts of {} KiB after silence, cut in the middle of an event, as a full buffer is flushed",
                        size / 1024
                    )?,
                }
                f.write_str(": something between the server and this client buffers the stream, so events arrive late. Do not compress text/event-stream responses (or flush the compressor after each event), send X-Accel-Buffering: no (nginx) and Cache-Control: no-transform (CDNs), and flush after each event.")
            }
        }
    }
}
