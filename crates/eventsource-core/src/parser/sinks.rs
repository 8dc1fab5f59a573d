//! Where parsed events go: the decoded face ([`Sink`], `&str` fields) and
//! the raw face ([`RawSink`], bytes the host decodes).

use super::*;

/// One event ready to dispatch (HTML §9.2.6, "dispatch the event", steps 4–5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event<'a> {
    /// The event type: the `event` field, or `"message"` when none was given.
    pub event_type: &'a str,
    /// The joined `data` lines, without the final LF.
    pub data: &'a str,
    /// The last event ID string at the time of dispatch.
    pub last_event_id: &'a str,
}

/// Why a line or a blank line had no effect. Reported to [`Sink::ignored`] so
/// tools (the demo's stream inspector) can show what the spec discards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Ignored {
    /// The line starts with `:`.
    Comment,
    /// The field name is not one of `data`, `event`, `id`, `retry`.
    UnknownField,
    /// An `id` field whose value contains U+0000 NULL.
    IdContainsNull,
    /// A `retry` field whose value is empty or not only ASCII digits.
    RetryNotDigits,
    /// A blank line while the data buffer is empty: nothing to dispatch.
    NoData,
}

impl Ignored {
    /// A short explanation, for people.
    pub fn reason(self) -> &'static str {
        match self {
            Ignored::Comment => "comment line (starts with ':')",
            Ignored::UnknownField => "unknown field name (only data, event, id and retry mean anything)",
            Ignored::IdContainsNull => "id value contains U+0000 NULL, so it is ignored",
            Ignored::RetryNotDigits => "retry value is not a non-empty string of ASCII digits",
            Ignored::NoData => "blank line with no data buffered: no event dispatched",
        }
    }
}

/// Receives what the parser finds. Only `event` is required; the other methods
/// default to doing nothing and cost nothing when not overridden.
pub trait Sink {
    /// A complete event, in stream order.
    fn event(&mut self, event: &Event<'_>);

    /// A valid `retry` field set the reconnection time (milliseconds).
    fn retry(&mut self, _milliseconds: u64) {}

    /// A line (without its terminator) that changed nothing, and why. Blank
    /// lines are reported with an empty `line`.
    fn ignored(&mut self, _line: &[u8], _why: Ignored) {}

    /// A comment line's text, decoded (U+FFFD for invalid bytes): what
    /// follows the `:`, less one leading U+0020 SPACE, as for a field value.
    /// HTML §9.2.6 ignores the line (it is also reported to
    /// [`Sink::ignored`]); a client may show it (keep-alives, debugging).
    fn comment(&mut self, _text: &str) {}
}

/// Collects events into a vector of owned values (tests, tools, the inspector).
impl Sink for Vec<OwnedEvent> {
    fn event(&mut self, event: &Event<'_>) {
        self.push(OwnedEvent::from(event));
    }
}

/// One event ready to dispatch, undecoded: what a [`RawSink`] receives.
///
/// Decoding `event_type` and `data` with a WHATWG UTF-8 decoder in
/// replacement mode (invalid sequences, maximal subparts, become U+FFFD;
/// `TextDecoder` in JavaScript, [`String::from_utf8_lossy`] in Rust) gives
/// exactly the [`Event`] that [`Parser::feed`] would have given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawEvent<'a> {
    /// The event type: the `event` field's value, or `b"message"` when none
    /// was given.
    pub event_type: &'a [u8],
    /// The joined `data` lines, without the final LF.
    pub data: &'a [u8],
    /// The last event ID string at the time of dispatch. It is already
    /// decoded (the parser must send it as `Last-Event-ID`, so it decodes an
    /// `id` when one arrives, not per event); decoding its bytes again
    /// changes nothing.
    pub last_event_id: &'a str,
}

/// Receives what the parser finds, undecoded: the face for hosts that decode
/// the bytes themselves. Only `event` is required; the other methods default
/// to doing nothing.
pub trait RawSink {
    /// A complete event, in stream order.
    fn event(&mut self, event: &RawEvent<'_>);

    /// A valid `retry` field set the reconnection time (milliseconds).
    fn retry(&mut self, _milliseconds: u64) {}

    /// A line (without its terminator) that changed nothing, and why. Blank
    /// lines are reported with an empty `line`.
    fn ignored(&mut self, _line: &[u8], _why: Ignored) {}

    /// A comment line's text, undecoded: what follows the `:`, less one
    /// leading U+0020 SPACE (see [`Sink::comment`]).
    fn comment(&mut self, _text: &[u8]) {}
}

/// How events leave the byte-level core: decoded for a [`Sink`], as they are
/// for a [`RawSink`]. The core is generic over it, so each face compiles to
/// its own code with nothing dynamic in between.
pub(crate) trait Output {
    /// Whether events leave decoded: only then is it worth validating the
    /// text of a chunk ahead (see [`Checked`]).
    const DECODES: bool;
    /// `event_type` is empty when the event has no `event` field.
    fn event(&mut self, event_type: &[u8], data: &[u8], last_event_id: &str);
    /// [`Output::event`] for data already known to be valid UTF-8.
    fn event_text(&mut self, event_type: &[u8], data: &str, last_event_id: &str);
    fn retry(&mut self, milliseconds: u64);
    fn ignored(&mut self, line: &[u8], why: Ignored);
    fn comment(&mut self, text: &[u8]);
}

/// The decoded face: a [`Sink`] behind the byte-level core.
pub(crate) struct Decoded<'s, S: ?Sized>(pub(crate) &'s mut S);

impl<S: Sink + ?Sized> Output for Decoded<'_, S> {
    const DECODES: bool = true;
    #[inline]
    fn event(&mut self, event_type: &[u8], data: &[u8], last_event_id: &str) {
        self.event_text(event_type, &decode(data), last_event_id);
    }
    #[inline]
    fn event_text(&mut self, event_type: &[u8], data: &str, last_event_id: &str) {
        let event_type = if event_type.is_empty() {
            Cow::Borrowed("message")
        } else {
            decode(event_type)
        };
        self.0.event(&Event {
            event_type: &event_type,
            data,
            last_event_id,
        });
    }
    #[inline]
    fn retry(&mut self, milliseconds: u64) {
        self.0.retry(milliseconds);
    }
    #[inline]
    fn ignored(&mut self, line: &[u8], why: Ignored) {
        self.0.ignored(line, why);
    }
    #[inline]
    fn comment(&mut self, text: &[u8]) {
        self.0.comment(&decode(text));
    }
}

/// The raw face: a [`RawSink`] behind the byte-level core.
pub(crate) struct Raw<'s, S: ?Sized>(pub(crate) &'s mut S);

impl<S: RawSink + ?Sized> Output for Raw<'_, S> {
    const DECODES: bool = false;
    #[inline]
    fn event_text(&mut self, event_type: &[u8], data: &str, last_event_id: &str) {
        self.event(event_type, data.as_bytes(), last_event_id);
    }
    #[inline]
    fn event(&mut self, event_type: &[u8], data: &[u8], last_event_id: &str) {
        self.0.event(&RawEvent {
            event_type: if event_type.is_empty() { b"message" } else { event_type },
            data,
            last_event_id,
        });
    }
    #[inline]
    fn retry(&mut self, milliseconds: u64) {
        self.0.retry(milliseconds);
    }
    #[inline]
    fn ignored(&mut self, line: &[u8], why: Ignored) {
        self.0.ignored(line, why);
    }
    #[inline]
    fn comment(&mut self, text: &[u8]) {
        self.0.comment(text);
    }
}

/// An [`Event`] that owns its strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedEvent {
    /// The event type.
    pub event_type: String,
    /// The data.
    pub data: String,
    /// The last event ID string at the time of dispatch.
    pub last_event_id: String,
}

impl From<&Event<'_>> for OwnedEvent {
    fn from(e: &Event<'_>) -> Self {
        OwnedEvent {
            event_type: e.event_type.to_owned(),
            data: e.data.to_owned(),
            last_event_id: e.last_event_id.to_owned(),
        }
    }
}
