//! The sentences the JavaScript class gives each error and warning, in the
//! words of the options a developer set, and what to do. Written here once;
//! the generated `src/js/generated/words.js` carries them to JavaScript,
//! where `src/js/messages.js` fills the `{name}` placeholders (each one in
//! [`PLACEHOLDERS`]) with the source's figures. They are not the core's
//! `Display` sentences, which speak of the protocol to Rust users, without
//! JavaScript option names.

use eventsource_core::buffering::Sign;
use eventsource_core::machine::{Lost, Reason};
use eventsource_core::parser::ParseError;

/// Every placeholder a sentence may hold, and what `messages.js` puts there.
pub const PLACEHOLDERS: [(&str, &str); 16] = [
    (
        "cause",
        "what the platform threw, as \" (its name: its message)\", or nothing",
    ),
    ("status", "the HTTP status"),
    ("statusText", "\" \" and the status text, or nothing"),
    ("maxLineLength", "the maxLineLength option"),
    ("maxEventSize", "the maxEventSize option"),
    ("heartbeatTimeout", "the heartbeatTimeout option"),
    ("maxRetries", "the reconnect.maxRetries option"),
    ("lost", "how the connection was lost (LOST)"),
    ("method", "the request's method"),
    ("withBody", "\" with a body\" if the request has one, or nothing"),
    ("scheme", "the URL's scheme, with its colon"),
    ("url", "the source's URL"),
    ("seen", "what a buffering warning saw (SIGNS)"),
    ("waited", "milliseconds between the headers and the first bytes"),
    ("events", "events in the first burst"),
    ("kib", "the buffer's size in KiB"),
];

const LINE: Reason = Reason::Limit(ParseError::LineTooLong { limit: 0 });
const EVENT: Reason = Reason::Limit(ParseError::EventTooLarge { limit: 0 });
const UNREPEATABLE: Reason = Reason::Unrepeatable { lost: Lost::Network };

/// The `message` of an error event, for each reason the driver reports
/// (a limit has one per limit; a panic carries the wasm's own message).
pub const ERRORS: [(Reason, &str); 13] = [
    (
        Reason::Network,
        "the connection failed or was dropped{cause}; reconnecting",
    ),
    (Reason::Ended, "the server ended the stream; reconnecting"),
    (
        Reason::Status(0),
        "the server answered with HTTP status {status}{statusText}; an event stream must answer 200, so the connection failed for good",
    ),
    (
        Reason::MimeType,
        "the response's Content-Type is not text/event-stream, so the connection failed for good",
    ),
    (
        LINE,
        "a line of the event stream is longer than maxLineLength ({maxLineLength} bytes); raise the limit or fix the server. The connection failed",
    ),
    (
        EVENT,
        "an event's data is larger than maxEventSize ({maxEventSize} bytes); raise the limit or fix the server. The connection failed",
    ),
    (
        Reason::Timeout,
        "nothing (not even a comment) arrived within heartbeatTimeout ({heartbeatTimeout} ms); reconnecting",
    ),
    (
        Reason::RetriesExhausted,
        "the reconnect policy's maxRetries ({maxRetries}) was reached; the connection failed",
    ),
    (
        Reason::Vetoed,
        "beforeReconnect vetoed the reconnection; the connection failed",
    ),
    (
        Reason::Refused,
        "the request was refused (CORS: the server does not allow this origin){cause}, so the connection failed for good",
    ),
    (
        Reason::Aborted,
        "the request was aborted from outside (the page stopped loading or navigated, or your fetch aborted it){cause}, so the connection failed for good",
    ),
    (
        Reason::Scheme,
        "the URL's scheme ({scheme}) cannot be fetched{cause}; an event source needs http: or https: (or data: or blob:), so the connection failed for good",
    ),
    (
        UNREPEATABLE,
        "{lost}{cause}, and a {method} request{withBody} is not sent again automatically (it could repeat an action, or a prompt and its cost); the connection is closed. To go on, return the request to continue with from beforeReconnect (for example a GET from the last event ID), or set reconnect: { resend: true } if sending it again is safe",
    ),
];

/// How the connection was lost, for `unrepeatable` (its `{lost}`).
pub const LOST: [(Lost, &str); 4] = [
    (Lost::Ended, "the server ended the response"),
    (Lost::Network, "the connection failed or was dropped"),
    (Lost::Timeout, "nothing arrived within heartbeatTimeout"),
    (
        Lost::Released,
        "the connection was released (the page was hidden or cached, or the shared connection changed hands)",
    ),
];

/// The console warning (and the `warning` event's message), by the
/// warning's name (`super::WARNINGS`).
pub const WARNINGS: [(&str, &str); 2] = [
    (
        super::LAST_EVENT_ID_REFUSED,
        "eventsource-wasm: the server of {url} refused the CORS preflight that a Last-Event-ID header sent from a script needs (the browser's own EventSource is exempt). Reconnecting without Last-Event-ID, so the stream cannot resume where it stopped. To fix it, answer the preflight (OPTIONS) with Access-Control-Allow-Headers: Last-Event-ID.",
    ),
    (
        super::BUFFERING,
        "eventsource-wasm: the stream from {url} is buffered on its way (a proxy, a CDN or compression): {seen}, so events arrive late. On the server: do not compress text/event-stream responses (or flush the compressor after each event), send X-Accel-Buffering: no (nginx) and Cache-Control: no-transform (CDNs and proxies), and flush after each event.",
    ),
];

/// What a buffering warning saw (its `{seen}`), by sign.
pub const SIGNS: [(Sign, &str); 3] = [
    (
        super::BUFFERING_SIGNS[0],
        "the event stream is compressed (the response has a Content-Encoding), and compression holds events until its buffer fills",
    ),
    (
        super::BUFFERING_SIGNS[1],
        "its first bytes came {waited} ms after the headers, with {events} events at once",
    ),
    (
        super::BUFFERING_SIGNS[2],
        "events keep arriving in bursts of exactly {kib} KiB after silence, cut in the middle of an event, as a full buffer is flushed",
    ),
];
