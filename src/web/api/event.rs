//! What an [`EventSource`](super::EventSource) yields: one enum, in the
//! order the JavaScript class would dispatch its DOM events.

use alloc::string::String;
use core::fmt;
use core::time::Duration;

pub use eventsource_core::machine::ReadyState;

/// One item of the stream.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Event {
    /// readyState is now OPEN (HTML §9.2.3 "announce the connection").
    Open(Open),
    /// A message (HTML §9.2.6 "dispatch the event"), of any type: filter
    /// with [`Builder::only`](super::Builder::only).
    Message(Message),
    /// The connection went down (readyState CONNECTING: it reconnects) or
    /// failed for good (CLOSED: this is the stream's last item).
    Error(Error),
    /// Something went wrong that fails nothing (a buffering proxy, a refused
    /// `Last-Event-ID` preflight): worth logging.
    Warning(Warning),
    /// A comment line's text (`: keep-alive` → `"keep-alive"`), in stream
    /// order among the messages; only with
    /// [`Builder::comments`](super::Builder::comments).
    Comment(String),
}

/// The `open` event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Open {
    /// False for the first open of the source, true after a reconnection.
    pub reopened: bool,
    /// The `Last-Event-ID` this connection was made with (`""` for none).
    pub resumed_from: String,
}

/// A message event (a `MessageEvent` in JavaScript).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The `event:` field (`"message"` when the stream named none).
    pub event_type: String,
    pub data: String,
    /// The last event ID after this event (HTML §9.2.6: it persists from
    /// event to event until an `id:` field changes it).
    pub last_event_id: String,
    /// The origin of the response's URL after redirects
    /// (`https://example.com`).
    pub origin: String,
}

/// Why an [`Error`] happened: the JavaScript error event's `reason`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorReason {
    /// The network failed (or the request could not be made).
    Network,
    /// The server ended the stream.
    Ended,
    /// The response's status was not 200 (see [`Error::status`]).
    Status,
    /// The response was not `text/event-stream`.
    Mime,
    /// CORS refused the request (the server answered, the browser hid it).
    Refused,
    /// A line or an event exceeded a limit set with
    /// [`Builder::max_line_length`](super::Builder::max_line_length) or
    /// [`Builder::max_event_size`](super::Builder::max_event_size).
    Limit,
    /// Nothing arrived within the heartbeat timeout.
    Timeout,
    /// The reconnection policy's `max_retries` were used up.
    Retries,
    /// [`Builder::before_reconnect`](super::Builder::before_reconnect)
    /// vetoed the reconnection.
    Vetoed,
    /// The request was aborted by the page (`window.stop()`).
    Aborted,
    /// The URL's scheme is not http or https.
    Scheme,
    /// A request that is sent once (a body, or a method other than GET or
    /// HEAD) lost its connection, and nothing allowed sending it again.
    Unrepeatable,
    /// A bug in this crate (a panic): the source was released.
    Panic,
}

impl ErrorReason {
    /// The name the JavaScript class gives it (`"network"`, `"status"`, …).
    pub fn name(self) -> &'static str {
        match self {
            ErrorReason::Network => "network",
            ErrorReason::Ended => "ended",
            ErrorReason::Status => "status",
            ErrorReason::Mime => "mime",
            ErrorReason::Refused => "refused",
            ErrorReason::Limit => "limit",
            ErrorReason::Timeout => "timeout",
            ErrorReason::Retries => "retries",
            ErrorReason::Vetoed => "vetoed",
            ErrorReason::Aborted => "aborted",
            ErrorReason::Scheme => "scheme",
            ErrorReason::Unrepeatable => "unrepeatable",
            ErrorReason::Panic => "panic",
        }
    }

    /// The reason named `name` (one of `contract::REASONS`).
    pub(crate) fn from_name(name: &str) -> ErrorReason {
        match name {
            "ended" => ErrorReason::Ended,
            "status" => ErrorReason::Status,
            "mime" => ErrorReason::Mime,
            "refused" => ErrorReason::Refused,
            "limit" => ErrorReason::Limit,
            "timeout" => ErrorReason::Timeout,
            "retries" => ErrorReason::Retries,
            "vetoed" => ErrorReason::Vetoed,
            "aborted" => ErrorReason::Aborted,
            "scheme" => ErrorReason::Scheme,
            "unrepeatable" => ErrorReason::Unrepeatable,
            "panic" => ErrorReason::Panic,
            _ => ErrorReason::Network,
        }
    }
}

/// The `error` event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub reason: ErrorReason,
    /// The HTTP status for [`ErrorReason::Status`], else 0.
    pub status: u16,
    /// More about the reason: the status text for [`ErrorReason::Status`],
    /// which limit (`"line"` or `"event"`) for [`ErrorReason::Limit`], how the
    /// connection was lost for [`ErrorReason::Unrepeatable`], the panic's
    /// message for [`ErrorReason::Panic`].
    pub detail: String,
    /// What the platform threw, as text (fetch's `TypeError`, the error a
    /// headers function returned), if anything was.
    pub cause: Option<String>,
    /// CONNECTING: the source reconnects. CLOSED: it failed for good, and
    /// the stream ends after this item.
    pub ready_state: ReadyState,
    /// What happened and what to do, in a sentence: the protocol core's
    /// (`eventsource_core::machine::Reason`'s `Display`), as the JavaScript
    /// event's `message` is in the words of its options.
    pub message: String,
}

impl Error {
    /// Whether the source failed for good (the stream ends after this).
    pub fn is_fatal(&self) -> bool {
        self.ready_state == ReadyState::Closed
    }
}

/// `eventsource-wasm: ` and the [`Error::message`], the status text, and
/// what the platform threw: `eventsource-wasm: the server answered with
/// HTTP status 404; an event stream must answer 200, so the connection
/// failed for good (Not Found)`.
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "eventsource-wasm: {}", self.message)?;
        if self.reason == ErrorReason::Status && !self.detail.is_empty() {
            write!(f, " ({})", self.detail)?;
        }
        if let Some(cause) = &self.cause {
            write!(f, " [{cause}]")?;
        }
        Ok(())
    }
}

/// The [`Error::message`] of a panic (the core has no such reason: it is
/// this crate's bug).
pub(crate) fn panic_message(panic: &str) -> String {
    alloc::format!(
        "a bug in eventsource-wasm (a panic: {panic}) released this source, which is closed; the page and other sources go on. Please report it with this message"
    )
}

impl core::error::Error for Error {}

/// The `warning` event: nothing failed.
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    /// `"buffering"` (something between the server and the page buffers
    /// the stream) or `"last-event-id-refused"` (a cross-origin server
    /// refused the `Last-Event-ID` preflight).
    pub kind: &'static str,
    /// For `"buffering"`: what was seen (`"compressed"`,
    /// `"late-first-bytes"`, `"buffer-sized-bursts"`).
    pub sign: &'static str,
    /// The figures the sign comes with (milliseconds waited and events, or
    /// the buffer's size in bytes), as the JavaScript event's.
    pub figures: [f64; 2],
    /// What was seen and what to do on the server, in a sentence (the
    /// protocol core's `Warning` `Display`).
    pub message: String,
}

/// `eventsource-wasm: ` and the [`Warning::message`].
impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "eventsource-wasm: {}", self.message)
    }
}

/// What [`Builder::before_reconnect`](super::Builder::before_reconnect)'s
/// hook is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReconnectInfo {
    /// 1 for the first reconnection since the source was last OPEN.
    pub attempt: u32,
    /// How long the source will wait before reconnecting.
    pub delay: Duration,
    /// Why the connection went down.
    pub reason: ErrorReason,
    /// The `Last-Event-ID` the reconnection will send.
    pub last_event_id: String,
    /// Where it goes.
    pub url: String,
}

/// What a request is made with, for a headers function
/// ([`Builder::headers_with`](super::Builder::headers_with)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestInfo {
    pub url: String,
    /// The `Last-Event-ID` it sends (`""` for none).
    pub last_event_id: String,
}
