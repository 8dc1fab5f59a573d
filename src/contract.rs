//! The values the Rust and JavaScript halves of the package must agree on,
//! written once here. `tests/contract.rs` checks the JavaScript class
//! (`src/js/`), the TypeScript declarations and the README against them, and
//! the `Link` methods of `src/web/link.rs` against the JavaScript `Link`
//! class and the test double in `tests/web.rs`: a drift fails `cargo test`.

use alloc::string::String;

use eventsource_core::buffering::Sign;
use eventsource_core::machine::{ReadyState, Reason, Warning};
use eventsource_core::parser::ParseError;

/// The batch's layout (see `crate::batch`): the byte that ends each piece,
/// and the kind byte's bits (a type follows; a new last event ID follows; a
/// comment, not an event).
pub use crate::batch::{END as BATCH_END, KIND_COMMENT, KIND_ID, KIND_TYPE};

/// readyState names and values (HTML §9.2.2).
pub const READY_STATES: [(&str, ReadyState); 3] = [
    ("CONNECTING", ReadyState::Connecting),
    ("OPEN", ReadyState::Open),
    ("CLOSED", ReadyState::Closed),
];

/// Every `reason` an error event can carry: the core's, then the wasm's own
/// (`panic`: a bug in this package, contained to the one source).
pub const REASONS: [&str; 13] = [
    Reason::NAMES[0],
    Reason::NAMES[1],
    Reason::NAMES[2],
    Reason::NAMES[3],
    Reason::NAMES[4],
    Reason::NAMES[5],
    Reason::NAMES[6],
    Reason::NAMES[7],
    Reason::NAMES[8],
    Reason::NAMES[9],
    Reason::NAMES[10],
    Reason::NAMES[11],
    "panic",
];

/// Every warning `Link.warn` can be given.
pub const WARNINGS: [&str; 2] = ["last-event-id-refused", "buffering"];

/// Every sign a `buffering` warning can name (`eventsource_core::buffering::Sign`).
pub const BUFFERING_SIGNS: [&str; 3] = ["compressed", "late-first-bytes", "buffer-sized-bursts"];

/// What `Link.warn` is told: the warning's name, the sign of a `buffering`
/// one ("" otherwise), and its figures (late first bytes: milliseconds
/// waited and events; buffer-sized bursts: the buffer's bytes; else 0), which
/// `src/js/messages.js` words.
pub fn describe_warning(warning: Warning) -> (&'static str, &'static str, [f64; 2]) {
    match warning {
        Warning::LastEventIdRefused => (WARNINGS[0], "", [0.0; 2]),
        Warning::Buffering(sign) => {
            let figures = match sign {
                Sign::LateFirstBytes { waited_ms, events } => [waited_ms as f64, f64::from(events)],
                Sign::BufferSizedBursts { size } => [f64::from(size), 0.0],
                _ => [0.0; 2],
            };
            (WARNINGS[1], sign.name(), figures)
        }
        _ => ("unknown", "", [0.0; 2]),
    }
}

/// What `Link.error` is told beyond the reason's name: the HTTP status and
/// its status text for "status", which limit ("line" or "event") for
/// "limit", how the connection was lost ("ended", "network", "timeout" or
/// "released") for "unrepeatable" (`src/js/messages.js` words them).
pub fn describe(reason: Reason, status_text: &str) -> (&'static str, u16, String) {
    match reason {
        Reason::Status(status) => (reason.name(), status, String::from(status_text)),
        Reason::Limit(ParseError::LineTooLong { .. }) => (reason.name(), 0, String::from("line")),
        Reason::Limit(_) => (reason.name(), 0, String::from("event")),
        Reason::Unrepeatable { lost } => (reason.name(), 0, String::from(lost.name())),
        _ => (reason.name(), 0, String::new()),
    }
}
