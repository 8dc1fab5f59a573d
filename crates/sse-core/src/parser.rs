//! The `text/event-stream` parser: bytes in, in chunks of any size, events out.
//!
//! Pure Rust, no I/O. It implements HTML §9.2.5 ("Parsing an event stream") and
//! §9.2.6 ("Interpreting an event stream") exactly:
//!
//! - the stream is UTF-8; one leading BOM is dropped (also when it is split
//!   across chunks) and invalid sequences become U+FFFD, as the WHATWG
//!   "UTF-8 decode" does;
//! - lines end in CRLF, LF or CR; a CR at the end of a chunk completes its line
//!   at once, and an LF at the start of the next chunk is then skipped;
//! - `data`, `event`, `id` and `retry` follow the spec's rules; a blank line
//!   dispatches; an event left incomplete when the stream ends is discarded.
//!
//! Work is linear in the input whatever the chunking: every byte is scanned
//! once (`memchr`), and a line split across chunks is collected in one buffer
//! that is only appended to. Buffers are reused between lines and events, so a
//! steady stream allocates nothing.
//!
//! Decoding per line is exact because every byte the syntax cares about (CR,
//! LF, `:`, space, NUL) is ASCII, and the WHATWG decoder never consumes an
//! ASCII byte into a replacement character: decoding each line on its own gives
//! the same code points as decoding the whole stream first.

use alloc::borrow::ToOwned;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use memchr::{memchr, memchr2};

/// The UTF-8 byte order mark, dropped once at the start of a stream.
const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

/// Buffers above this capacity are released after use instead of kept for
/// reuse, so one huge event does not pin its memory for the life of the stream.
const KEEP_CAPACITY: usize = 1 << 20;

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
}

/// Collects events into a vector of owned values (tests, tools, the inspector).
impl Sink for Vec<OwnedEvent> {
    fn event(&mut self, event: &Event<'_>) {
        self.push(OwnedEvent::from(event));
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

/// Optional limits. The spec has none, so the default is none; a stream that
/// exceeds a limit makes [`Parser::feed`] return an error.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// The longest line accepted, in bytes, without its terminator.
    pub max_line_length: Option<usize>,
    /// The largest data buffer accepted, in bytes of UTF-8.
    pub max_event_size: Option<usize>,
}

impl Limits {
    /// No limits.
    pub fn new() -> Self {
        Limits::default()
    }
    /// Set [`Limits::max_line_length`].
    pub fn with_max_line_length(mut self, bytes: Option<usize>) -> Self {
        self.max_line_length = bytes;
        self
    }
    /// Set [`Limits::max_event_size`].
    pub fn with_max_event_size(mut self, bytes: Option<usize>) -> Self {
        self.max_event_size = bytes;
        self
    }
}

/// A limit from [`Limits`] was exceeded. The stream cannot go on: the caller
/// should fail the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseError {
    /// A line grew beyond [`Limits::max_line_length`].
    LineTooLong {
        /// The limit, in bytes.
        limit: usize,
    },
    /// An event's data grew beyond [`Limits::max_event_size`].
    EventTooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            ParseError::LineTooLong { limit } => {
                write!(
                    f,
                    "a line of the event stream is longer than the limit of {limit} bytes"
                )
            }
            ParseError::EventTooLarge { limit } => {
                write!(f, "an event's data is larger than the limit of {limit} bytes")
            }
        }
    }
}

impl core::error::Error for ParseError {}

/// Where the parser is in matching the leading BOM of a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BomState {
    /// `n` bytes of the BOM matched so far (0..=2); nothing else seen yet.
    Matching(u8),
    /// The start of the stream is behind us.
    Done,
}

/// The incremental parser. One per [`crate::machine::Machine`]; call
/// [`Parser::reset_stream`] when a new connection's body starts.
#[derive(Debug, Clone)]
pub struct Parser {
    /// Bytes of a line that started in an earlier chunk and has not ended yet.
    line: Vec<u8>,
    /// The data buffer (decoded; each `data` line adds its value and an LF).
    data: String,
    /// The event type buffer.
    event_type: String,
    /// The last event ID buffer, set by `id` fields.
    id_buffer: String,
    /// The last event ID string, set from the buffer at every blank line; it
    /// is what `lastEventId` reports and what `Last-Event-ID` sends.
    last_event_id: String,
    /// The reconnection time from the last valid `retry` field, if any.
    retry: Option<u64>,
    bom: BomState,
    /// The previous chunk ended in CR: an LF starting this chunk ends nothing.
    skip_lf: bool,
    limits: Limits,
}

impl Default for Parser {
    fn default() -> Self {
        Parser::new()
    }
}

impl Parser {
    /// A parser with no limits, as the spec has.
    pub fn new() -> Self {
        Parser::with_limits(Limits::default())
    }

    /// A parser that fails when a line or an event exceeds `limits`.
    pub fn with_limits(limits: Limits) -> Self {
        Parser {
            line: Vec::new(),
            data: String::new(),
            event_type: String::new(),
            id_buffer: String::new(),
            last_event_id: String::new(),
            retry: None,
            bom: BomState::Matching(0),
            skip_lf: false,
            limits,
        }
    }

    /// Start a new stream (a new connection's body). The pending line, data
    /// and event type are discarded (an event left incomplete when a stream
    /// ends is never dispatched), the BOM may appear again. The last event ID
    /// and the reconnection time persist, as they belong to the event source:
    /// the buffer starts from the last event ID string, as browsers do, so an
    /// event without `id` on the new connection keeps reporting the old one.
    pub fn reset_stream(&mut self) {
        self.line.clear();
        release_if_huge(&mut self.line);
        self.data.clear();
        release_if_huge_string(&mut self.data);
        self.event_type.clear();
        self.id_buffer.clone_from(&self.last_event_id);
        self.bom = BomState::Matching(0);
        self.skip_lf = false;
    }

    /// Set the last event ID (string and buffer), e.g. to resume a stream
    /// across page loads. Only used before the first connection.
    pub fn set_last_event_id(&mut self, id: &str) {
        self.last_event_id.clear();
        self.last_event_id.push_str(id);
        self.id_buffer.clone_from(&self.last_event_id);
    }

    /// The last event ID string: sent as `Last-Event-ID` on reconnection.
    pub fn last_event_id(&self) -> &str {
        &self.last_event_id
    }

    /// The reconnection time set by the last valid `retry` field, if any.
    pub fn retry(&self) -> Option<u64> {
        self.retry
    }

    /// Bytes held for a line that has not ended yet.
    pub fn pending_line_len(&self) -> usize {
        self.line.len()
    }

    /// Bytes of data buffered for an event that has not been dispatched yet.
    pub fn pending_data_len(&self) -> usize {
        self.data.len()
    }

    /// Whether the stream is between events: no partial line, and no field
    /// of an event that has not been dispatched yet. Resuming from the last
    /// event ID here loses nothing and repeats nothing.
    pub fn at_event_boundary(&self) -> bool {
        self.line.is_empty()
            && self.data.is_empty()
            && self.event_type.is_empty()
            && self.id_buffer == self.last_event_id
    }

    /// Heap memory this parser holds, in bytes (for leak and memory tests).
    pub fn heap_capacity(&self) -> usize {
        self.line.capacity()
            + self.data.capacity()
            + self.event_type.capacity()
            + self.id_buffer.capacity()
            + self.last_event_id.capacity()
    }

    /// Feed the next chunk of the stream. Events completed by it go to `sink`
    /// in order before this returns. On error the stream must not be fed again
    /// until [`Parser::reset_stream`].
    pub fn feed<S: Sink + ?Sized>(&mut self, chunk: &[u8], sink: &mut S) -> Result<(), ParseError> {
        self.feed_inner(chunk, sink, false).map(|_| ())
    }

    /// Like [`Parser::feed`], but stop at the first blank line after which
    /// the stream is at an event boundary ([`Parser::at_event_boundary`]),
    /// returning how many bytes of `chunk` were consumed; `None` if the
    /// whole chunk was consumed without reaching one. Used to cut a stream
    /// over to a new connection at a point the server can resume from.
    pub fn feed_until_boundary<S: Sink + ?Sized>(
        &mut self,
        chunk: &[u8],
        sink: &mut S,
    ) -> Result<Option<usize>, ParseError> {
        self.feed_inner(chunk, sink, true)
    }

    fn feed_inner<S: Sink + ?Sized>(
        &mut self,
        chunk: &[u8],
        sink: &mut S,
        stop_at_boundary: bool,
    ) -> Result<Option<usize>, ParseError> {
        let mut input = chunk;
        if let BomState::Matching(matched) = self.bom {
            input = self.match_bom(matched, input, sink)?;
        }
        if input.is_empty() {
            return Ok(None);
        }
        if self.skip_lf {
            // HTML §9.2.5: CRLF is one line end even when a chunk ends between the two.
            self.skip_lf = false;
            if input[0] == b'\n' {
                input = &input[1..];
            }
        }
        while let Some(end) = memchr2(b'\n', b'\r', input) {
            let terminator = input[end];
            let blank = end == 0 && self.line.is_empty();
            if self.line.is_empty() {
                self.check_line_length(end)?;
                self.process_line(&input[..end], sink)?;
            } else {
                self.check_line_length(self.line.len() + end)?;
                self.line.extend_from_slice(&input[..end]);
                let line = core::mem::take(&mut self.line);
                let result = self.process_line(&line, sink);
                self.line = line;
                self.line.clear();
                release_if_huge(&mut self.line);
                result?;
            }
            input = &input[end + 1..];
            if terminator == b'\r' {
                match input.first() {
                    Some(b'\n') => input = &input[1..],
                    Some(_) => {}
                    None => self.skip_lf = true,
                }
            }
            if stop_at_boundary && blank && self.at_event_boundary() {
                return Ok(Some(chunk.len() - input.len()));
            }
        }
        if !input.is_empty() {
            self.check_line_length(self.line.len() + input.len())?;
            self.line.extend_from_slice(input);
        }
        Ok(None)
    }

    /// Match the start of the stream against the BOM, byte by byte, so that a
    /// BOM split across chunks is still dropped. Returns the rest of `input`.
    fn match_bom<'i, S: Sink + ?Sized>(
        &mut self,
        mut matched: u8,
        mut input: &'i [u8],
        sink: &mut S,
    ) -> Result<&'i [u8], ParseError> {
        while let Some((&byte, rest)) = input.split_first() {
            if byte != BOM[matched as usize] {
                // Not a BOM after all: the bytes matched so far are stream content.
                self.bom = BomState::Done;
                if matched > 0 {
                    self.feed(&BOM[..matched as usize], sink)?;
                }
                return Ok(input);
            }
            input = rest;
            matched += 1;
            if matched as usize == BOM.len() {
                self.bom = BomState::Done;
                return Ok(input);
            }
        }
        self.bom = BomState::Matching(matched);
        Ok(input)
    }

    fn check_line_length(&self, len: usize) -> Result<(), ParseError> {
        match self.limits.max_line_length {
            Some(limit) if len > limit => Err(ParseError::LineTooLong { limit }),
            _ => Ok(()),
        }
    }

    /// HTML §9.2.6: process one line (without its terminator).
    fn process_line<S: Sink + ?Sized>(&mut self, line: &[u8], sink: &mut S) -> Result<(), ParseError> {
        if line.is_empty() {
            self.dispatch(sink);
            return Ok(());
        }
        if line[0] == b':' {
            sink.ignored(line, Ignored::Comment);
            return Ok(());
        }
        // "If the line contains a U+003A COLON character": the name is before it,
        // the value after it, less one leading U+0020 SPACE if there is one.
        let (name, value) = match memchr(b':', line) {
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (line, &[][..]),
        };
        match name {
            b"data" => {
                // Room for the value and its LF at once: pushing the LF into a
                // buffer the value filled exactly would reallocate (and copy)
                // a large value once more.
                self.data.reserve(value.len() + 1);
                decode_into(&mut self.data, value);
                self.data.push('\n');
                if let Some(limit) = self.limits.max_event_size {
                    // The LF that joins lines is removed before dispatch, so it
                    // does not count against the limit.
                    if self.data.len() - 1 > limit {
                        return Err(ParseError::EventTooLarge { limit });
                    }
                }
            }
            b"event" => {
                self.event_type.clear();
                decode_into(&mut self.event_type, value);
            }
            b"id" => {
                if memchr(0, value).is_some() {
                    sink.ignored(line, Ignored::IdContainsNull);
                } else {
                    self.id_buffer.clear();
                    decode_into(&mut self.id_buffer, value);
                }
            }
            b"retry" => {
                if !value.is_empty() && value.iter().all(u8::is_ascii_digit) {
                    // Saturate rather than wrap: a huge value means "a very long time".
                    let ms = value.iter().fold(0u64, |acc, d| {
                        acc.saturating_mul(10).saturating_add(u64::from(d - b'0'))
                    });
                    self.retry = Some(ms);
                    sink.retry(ms);
                } else {
                    sink.ignored(line, Ignored::RetryNotDigits);
                }
            }
            _ => sink.ignored(line, Ignored::UnknownField),
        }
        Ok(())
    }

    /// HTML §9.2.6, "dispatch the event".
    fn dispatch<S: Sink + ?Sized>(&mut self, sink: &mut S) {
        // Step 1: the last event ID string follows the buffer even if nothing
        // is dispatched.
        if self.last_event_id != self.id_buffer {
            self.last_event_id.clone_from(&self.id_buffer);
        }
        // Step 2: no data, no event; the event type is reset all the same.
        if self.data.is_empty() {
            self.event_type.clear();
            sink.ignored(b"", Ignored::NoData);
            return;
        }
        // Step 3: drop the LF that the last data line added.
        self.data.pop();
        let event_type = if self.event_type.is_empty() {
            "message"
        } else {
            self.event_type.as_str()
        };
        sink.event(&Event {
            event_type,
            data: &self.data,
            last_event_id: &self.last_event_id,
        });
        // Step 5: reset the buffers (keeping their memory unless it is huge).
        self.data.clear();
        release_if_huge_string(&mut self.data);
        self.event_type.clear();
    }
}

/// Append `bytes` to `out` as UTF-8, replacing each maximal invalid subpart
/// with U+FFFD exactly as the WHATWG decoder does. Valid input (nearly all of
/// it) is copied with one validation pass and no allocation.
fn decode_into(out: &mut String, bytes: &[u8]) {
    match core::str::from_utf8(bytes) {
        Ok(text) => out.push_str(text),
        Err(_) => {
            for chunk in bytes.utf8_chunks() {
                out.push_str(chunk.valid());
                if !chunk.invalid().is_empty() {
                    out.push('\u{FFFD}');
                }
            }
        }
    }
}

fn release_if_huge(buffer: &mut Vec<u8>) {
    if buffer.capacity() > KEEP_CAPACITY {
        *buffer = Vec::new();
    }
}

/// Drop the memory of `buffer` if it grew beyond what is worth keeping for
/// reuse (1 MiB): one huge event must not pin its memory for the life of a
/// stream.
pub fn release_if_huge_string(buffer: &mut String) {
    if buffer.capacity() > KEEP_CAPACITY {
        *buffer = String::new();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(chunks: &[&[u8]]) -> Vec<OwnedEvent> {
        let mut parser = Parser::new();
        let mut events = Vec::new();
        for chunk in chunks {
            parser.feed(chunk, &mut events).unwrap();
        }
        events
    }

    #[test]
    fn cr_at_chunk_end_dispatches_before_the_next_chunk() {
        let mut parser = Parser::new();
        let mut events = Vec::new();
        parser.feed(b"data: a\r\r", &mut events).unwrap();
        assert_eq!(events.len(), 1, "the CR completing the blank line dispatches at once");
        parser.feed(b"\ndata: b\n\n", &mut events).unwrap();
        assert_eq!(events.len(), 2);
        assert_eq!(events[1].data, "b");
    }

    #[test]
    fn bom_split_across_three_chunks_is_dropped() {
        let events = parse(&[&[0xEF], &[0xBB], &[0xBF], b"data: x\n\n"]);
        assert_eq!(events[0].data, "x");
    }

    #[test]
    fn partial_bom_followed_by_other_bytes_is_content() {
        // EF BB then 'd': the two bytes are an invalid sequence, so the field
        // name becomes U+FFFD "data" and the line is an unknown field.
        let events = parse(&[&[0xEF, 0xBB], b"data: x\n\ndata: y\n\n"]);
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].data, "y");
    }

    #[test]
    fn utf8_sequence_split_across_chunks_decodes_whole() {
        let events = parse(&[b"data: \xF0\x9F", b"\x98\x80\n\n"]);
        assert_eq!(events[0].data, "\u{1F600}");
    }

    #[test]
    fn line_limit_is_enforced_across_chunks() {
        let mut parser = Parser::with_limits(Limits::new().with_max_line_length(Some(8)));
        let mut events = Vec::new();
        parser.feed(b"data: 12", &mut events).unwrap();
        assert_eq!(
            parser.feed(b"3", &mut events),
            Err(ParseError::LineTooLong { limit: 8 })
        );
    }

    #[test]
    fn event_limit_counts_data_without_joining_lf() {
        let mut parser = Parser::with_limits(Limits::new().with_max_event_size(Some(3)));
        let mut events = Vec::new();
        parser.feed(b"data: abc\n\n", &mut events).unwrap();
        assert_eq!(events.len(), 1);
        assert_eq!(
            parser.feed(b"data: abcd\n", &mut events),
            Err(ParseError::EventTooLarge { limit: 3 })
        );
    }

    #[test]
    fn huge_buffers_are_released_after_dispatch() {
        let mut parser = Parser::new();
        let mut events = Vec::new();
        let big = alloc::vec![b'x'; 4 << 20];
        parser.feed(b"data: ", &mut events).unwrap();
        parser.feed(&big, &mut events).unwrap();
        parser.feed(b"\n\n", &mut events).unwrap();
        assert_eq!(events[0].data.len(), 4 << 20);
        assert!(parser.heap_capacity() < 1024, "held {} bytes", parser.heap_capacity());
    }
}
