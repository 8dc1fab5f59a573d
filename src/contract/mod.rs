//! The border between the Rust and JavaScript halves of the package: every
//! value that crosses it is declared once, here. The JavaScript side of it
//! (`src/js/generated/`) is generated from these declarations by
//! `crates/contract-js` (run by `scripts/build.mjs`; `tests/contract.rs`
//! fails when the committed files are stale), so the two cannot drift:
//!
//! - readyState values, the batch layout and the inspector's report kinds;
//! - every error reason and warning with the sentence the JavaScript class
//!   gives it ([`words`]), and what the link is told beyond the name
//!   ([`describe`], [`describe_warning`]);
//! - the reason an error frame of a shared stream carries, both ways
//!   ([`reason_parts`], [`reason_from_parts`]): nothing is lost in transit;
//! - the settings the class hands the driver ([`settings`]), and the
//!   methods the driver calls on the class ([`link`]).

use alloc::string::String;

use eventsource_core::buffering::Sign;
use eventsource_core::machine::{Lost, ReadyState, Reason, Warning};
use eventsource_core::parser::{Ignored, ParseError};

/// A JavaScript object that crosses into Rust, declared once: its getters
/// (on wasm32, a typed binding: the driver names no property in a string)
/// and `$fields`, every property's name and the `typeof` of its value (`?`:
/// or undefined), which the generated modules carry to JavaScript for the
/// tests that check what the JavaScript side makes.
macro_rules! js_object {
    (
        $(#[doc = $tdoc:literal])* $type:ident, $fields:ident, $module:ident;
        $($(#[doc = $doc:literal])* $name:ident = $js:literal: $ty:ty as $typeof:literal;)*
    ) => {
        $(#[doc = $tdoc])*
        ///
        /// Its properties, by JavaScript name, with the `typeof` of each.
        pub const $fields: &[(&str, &str)] = &[$(($js, $typeof)),*];

        #[cfg(target_arch = "wasm32")]
        mod $module {
            use wasm_bindgen::prelude::*;

            #[wasm_bindgen]
            extern "C" {
                $(#[doc = $tdoc])*
                pub type $type;
                $(
                    $(#[doc = $doc])*
                    #[wasm_bindgen(method, getter, js_name = $js)]
                    pub fn $name(this: &$type) -> $ty;
                )*
            }
        }

        #[cfg(target_arch = "wasm32")]
        pub use $module::$type;
    };
}
pub(crate) use js_object;

pub mod group;
pub mod link;
pub mod settings;
pub mod words;

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

/// The reason of an error the wasm itself reports: a bug in this package,
/// contained to the one source (`Link.panicked`).
pub const PANIC: &str = "panic";

/// Every `reason` an error event can carry: the core's, then [`PANIC`].
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
    PANIC,
];

/// The name of [`Warning::LastEventIdRefused`].
pub const LAST_EVENT_ID_REFUSED: &str = "last-event-id-refused";
/// The name of [`Warning::Buffering`].
pub const BUFFERING: &str = "buffering";
/// Every warning `Link.warn` can be given.
pub const WARNINGS: [&str; 2] = [LAST_EVENT_ID_REFUSED, BUFFERING];

/// Every sign a `buffering` warning can name (`eventsource_core::buffering::Sign`).
pub const BUFFERING_SIGNS: [Sign; 3] = [
    Sign::Compressed,
    Sign::LateFirstBytes {
        waited_ms: 0,
        events: 0,
    },
    Sign::BufferSizedBursts { size: 0 },
];

/// Every way a connection can be lost that an `unrepeatable` error names.
pub const LOSSES: [Lost; 4] = [Lost::Ended, Lost::Network, Lost::Timeout, Lost::Released];

/// The entry kinds of the stream inspector's report (`crate::web::inspect`
/// writes them, `src/js/inspect.js` reads them): an event, a retry, an
/// ignored line, and what was pending at the end.
pub const INSPECT_EVENT: u8 = 1;
/// See [`INSPECT_EVENT`].
pub const INSPECT_RETRY: u8 = 2;
/// See [`INSPECT_EVENT`].
pub const INSPECT_IGNORED: u8 = 3;
/// See [`INSPECT_EVENT`].
pub const INSPECT_INCOMPLETE: u8 = 4;

/// Every reason the inspector gives an ignored line, in the order of the
/// index its report carries ([`ignored_index`]); the words are the core's
/// (`Ignored::reason`).
pub const IGNORED: [Ignored; 5] = [
    Ignored::Comment,
    Ignored::UnknownField,
    Ignored::IdContainsNull,
    Ignored::RetryNotDigits,
    Ignored::NoData,
];

/// The index of `why` in [`IGNORED`] (its length for one this build does
/// not list, which the generated list words as "ignored").
pub fn ignored_index(why: Ignored) -> u8 {
    IGNORED.iter().position(|i| *i == why).unwrap_or(IGNORED.len()) as u8
}

/// What `Link.warn` is told: the warning's name, the sign of a `buffering`
/// one ("" otherwise), and its figures (late first bytes: milliseconds
/// waited and events; buffer-sized bursts: the buffer's bytes; else 0), which
/// the generated words (`words::WARNINGS`, `words::SIGNS`) put in a sentence.
pub fn describe_warning(warning: Warning) -> (&'static str, &'static str, [f64; 2]) {
    match warning {
        Warning::LastEventIdRefused => (LAST_EVENT_ID_REFUSED, "", [0.0; 2]),
        Warning::Buffering(sign) => {
            let figures = match sign {
                Sign::LateFirstBytes { waited_ms, events } => [waited_ms as f64, f64::from(events)],
                Sign::BufferSizedBursts { size } => [f64::from(size), 0.0],
                _ => [0.0; 2],
            };
            (BUFFERING, sign.name(), figures)
        }
        _ => ("unknown", "", [0.0; 2]),
    }
}

/// What `Link.error` is told beyond the reason's name: the HTTP status and
/// its status text for "status", which limit ("line" or "event") for
/// "limit", how the connection was lost ("ended", "network", "timeout" or
/// "released") for "unrepeatable" (the generated words say them).
pub fn describe(reason: Reason, status_text: &str) -> (&'static str, u16, String) {
    match reason {
        Reason::Status(status) => (reason.name(), status, String::from(status_text)),
        Reason::Limit(ParseError::LineTooLong { .. }) => (reason.name(), 0, String::from("line")),
        Reason::Limit(_) => (reason.name(), 0, String::from("event")),
        Reason::Unrepeatable { lost } => (reason.name(), 0, String::from(lost.name())),
        _ => (reason.name(), 0, String::new()),
    }
}

/// A reason in the parts an error frame of a shared stream carries: its
/// name, a number (the status, or the limit in bytes) and a word (which
/// limit, or how the connection was lost). [`reason_from_parts`] reads them
/// back to the same reason.
pub fn reason_parts(reason: Reason) -> (&'static str, u32, &'static str) {
    match reason {
        Reason::Status(status) => (reason.name(), u32::from(status), ""),
        Reason::Limit(ParseError::LineTooLong { limit }) => (reason.name(), clamp(limit), "line"),
        Reason::Limit(ParseError::EventTooLarge { limit }) => (reason.name(), clamp(limit), "event"),
        Reason::Unrepeatable { lost } => (reason.name(), 0, lost.name()),
        _ => (reason.name(), 0, ""),
    }
}

fn clamp(limit: usize) -> u32 {
    u32::try_from(limit).unwrap_or(u32::MAX)
}

/// The reason [`reason_parts`] wrote; `None` for a name this build does not
/// know (a newer version's frame).
pub fn reason_from_parts(name: &str, number: u32, word: &str) -> Option<Reason> {
    let limit = number as usize;
    Some(match name {
        "network" => Reason::Network,
        "ended" => Reason::Ended,
        "status" => Reason::Status(u16::try_from(number).ok()?),
        "mime" => Reason::MimeType,
        "limit" if word == "line" => Reason::Limit(ParseError::LineTooLong { limit }),
        "limit" => Reason::Limit(ParseError::EventTooLarge { limit }),
        "timeout" => Reason::Timeout,
        "retries" => Reason::RetriesExhausted,
        "vetoed" => Reason::Vetoed,
        "refused" => Reason::Refused,
        "aborted" => Reason::Aborted,
        "scheme" => Reason::Scheme,
        "unrepeatable" => Reason::Unrepeatable {
            lost: *LOSSES.iter().find(|lost| lost.name() == word)?,
        },
        _ => return None,
    })
}
