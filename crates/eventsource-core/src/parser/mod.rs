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
//! that is only appended to (a data line's value goes straight into the data
//! buffer). An event of one data line that a chunk holds whole (most events)
//! is dispatched from the chunk, without a copy. Buffers are reused between
//! lines and events, so a steady stream allocates nothing.
//!
//! # Two faces over one byte-level core
//!
//! The parser works on bytes: the syntax splits only on ASCII bytes (CR, LF,
//! `:`, space), so it needs no decoding. Events leave it in one of two ways:
//!
//! - [`Parser::feed`] hands a [`Sink`] decoded [`Event`]s (`&str`): each
//!   event's type and data are decoded once, when it is dispatched (with the
//!   `simd` feature, on by default, by `simdutf8`, else by `core::str`; a
//!   stream that is not valid UTF-8 takes a slower, allocating path);
//! - [`Parser::feed_raw`] hands a [`RawSink`] the same [`RawEvent`]s
//!   undecoded, for hosts that decode themselves (the wasm build, whose
//!   JavaScript decodes the bytes with `TextDecoder` anyway).
//!
//! Decoding each part of a [`RawEvent`] with a WHATWG UTF-8 decoder in
//! replacement mode gives exactly the [`Event`] the decoded face gives. That
//! holds because every byte the syntax splits on is ASCII, and the WHATWG
//! decoder never consumes an ASCII byte into a replacement character: decoding
//! a piece of the stream cut at ASCII bytes gives the same code points as
//! decoding the whole stream and cutting there. (`tests/fixtures.rs` and the
//! property tests check it at every split offset.)

use alloc::borrow::{Cow, ToOwned};
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use memchr::{memchr, memchr2, memrchr2};

mod limits;
mod sinks;
mod utf8;

use limits::{KEEP_CAPACITY, release_if_huge};
pub use limits::{Limits, ParseError};
pub(crate) use sinks::{Decoded, Output, Raw};
pub use sinks::{Event, Ignored, OwnedEvent, RawEvent, RawSink, Sink};
use utf8::{Checked, SHORT_VALUE, decode, decode_into, utf8_len};

/// The UTF-8 byte order mark, dropped once at the start of a stream.
const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

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
    /// The data buffer, undecoded: each `data` line adds its value and an LF.
    data: Vec<u8>,
    /// Bytes fed since the data buffer last held a large event (more than
    /// half of [`KEEP_CAPACITY`]), counted only while its capacity is above
    /// [`KEEP_CAPACITY`]: see [`Parser::data_idle`].
    since_large: usize,
    /// The data buffer's length once decoded, LFs included: kept only when
    /// [`Limits::max_event_size`] is set (which counts decoded bytes).
    data_utf8_len: usize,
    /// The event type buffer, undecoded.
    event_type: Vec<u8>,
    /// The last event ID buffer, set by `id` fields (decoded when set: it
    /// changes far less often than events are dispatched).
    id_buffer: String,
    /// An `id` field set the buffer since the last dispatch.
    id_set: bool,
    /// The last event ID string, set from the buffer at every blank line; it
    /// is what `lastEventId` reports and what `Last-Event-ID` sends.
    last_event_id: String,
    /// The reconnection time from the last valid `retry` field, if any.
    retry: Option<u64>,
    bom: BomState,
    /// The previous chunk ended in CR: an LF starting this chunk ends nothing.
    skip_lf: bool,
    /// The line the previous chunk ended inside of, if any.
    partial: Partial,
    limits: Limits,
    /// Events dispatched so far (wrapping): see [`Parser::dispatched`].
    dispatched: u32,
}

/// A line that a chunk ended inside of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Partial {
    /// The next byte starts a line.
    None,
    /// The line so far is in [`Parser::line`].
    Line,
    /// A `data` line, whose value so far went straight into the data buffer
    /// from `start`; `len` is the line's length so far (for the limit) and
    /// `space` whether the line so far is exactly `data:`, so that a space
    /// coming next is the one to drop.
    Data { start: usize, len: usize, space: bool },
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
            data: Vec::new(),
            since_large: 0,
            data_utf8_len: 0,
            event_type: Vec::new(),
            id_buffer: String::new(),
            id_set: false,
            last_event_id: String::new(),
            retry: None,
            bom: BomState::Matching(0),
            skip_lf: false,
            partial: Partial::None,
            limits,
            dispatched: 0,
        }
    }

    /// The stream is past its start: a BOM is no longer dropped (HTML
    /// §9.2.6 drops one only as the stream's first character). For a host
    /// that joins a stream in the middle, after [`Parser::reset_stream`].
    pub fn skip_bom(&mut self) {
        self.bom = BomState::Done;
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
        release_if_huge(&mut self.data);
        self.since_large = 0;
        self.data_utf8_len = 0;
        self.event_type.clear();
        self.id_buffer.clone_from(&self.last_event_id);
        self.id_set = false;
        self.bom = BomState::Matching(0);
        self.skip_lf = false;
        self.partial = Partial::None;
    }

    /// Set the last event ID (string and buffer), e.g. to resume a stream
    /// across page loads. Only used before the first connection.
    pub fn set_last_event_id(&mut self, id: &str) {
        self.last_event_id.clear();
        self.last_event_id.push_str(id);
        self.id_buffer.clone_from(&self.last_event_id);
        self.id_set = false;
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
        match self.partial {
            Partial::None => 0,
            Partial::Line => self.line.len(),
            Partial::Data { len, .. } => len,
        }
    }

    /// Bytes of data buffered for an event that has not been dispatched yet
    /// (undecoded).
    pub fn pending_data_len(&self) -> usize {
        match self.partial {
            // The value of a data line that has not ended is not data yet.
            Partial::Data { start, .. } => start,
            _ => self.data.len(),
        }
    }

    /// Whether the stream is between events: no partial line, and no field
    /// of an event that has not been dispatched yet. Resuming from the last
    /// event ID here loses nothing and repeats nothing.
    pub fn at_event_boundary(&self) -> bool {
        self.partial == Partial::None
            && self.data.is_empty()
            && self.event_type.is_empty()
            && self.id_buffer == self.last_event_id
    }

    /// How many events this parser has dispatched (wrapping at `u32::MAX`):
    /// the difference between two readings counts the events between them.
    pub fn dispatched(&self) -> u32 {
        self.dispatched
    }

    /// Heap memory this parser holds, in bytes. For the crate's own memory
    /// tests only (the `test-support` feature, which its dev-dependencies
    /// turn on): no host needs it, so it is not part of the API.
    #[cfg(any(test, feature = "test-support"))]
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
        self.feed_inner(chunk, &mut Decoded(sink), false).map(|_| ())
    }

    /// Like [`Parser::feed`], but events go to `sink` undecoded (see
    /// [`RawEvent`]): for hosts that decode the bytes themselves.
    pub fn feed_raw<S: RawSink + ?Sized>(&mut self, chunk: &[u8], sink: &mut S) -> Result<(), ParseError> {
        self.feed_inner(chunk, &mut Raw(sink), false).map(|_| ())
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
        self.feed_inner(chunk, &mut Decoded(sink), true)
    }

    /// [`Parser::feed_until_boundary`] with a [`RawSink`].
    pub fn feed_until_boundary_raw<S: RawSink + ?Sized>(
        &mut self,
        chunk: &[u8],
        sink: &mut S,
    ) -> Result<Option<usize>, ParseError> {
        self.feed_inner(chunk, &mut Raw(sink), true)
    }

    pub(crate) fn feed_inner<O: Output + ?Sized>(
        &mut self,
        chunk: &[u8],
        sink: &mut O,
        stop_at_boundary: bool,
    ) -> Result<Option<usize>, ParseError> {
        if self.data.capacity() > KEEP_CAPACITY {
            self.data_idle(chunk.len());
        }
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
        if self.partial != Partial::None {
            if input.is_empty() {
                return Ok(None);
            }
            match self.resume_line(input, sink)? {
                Some(rest) => input = rest,
                None => return Ok(None),
            }
        }
        let mut checked = Checked::default();
        while let Some(&first) = input.first() {
            if first == b'\n' || first == b'\r' {
                // HTML §9.2.6: "If the line is empty (a blank line), dispatch the event."
                self.dispatch(sink);
                input = self.after_line_end(input, 0);
                if stop_at_boundary && self.at_event_boundary() {
                    return Ok(Some(chunk.len() - input.len()));
                }
                continue;
            }
            if input.starts_with(b"data:") {
                // The line nearly every event has, without the general rules'
                // colon search and field-name match: "data", a colon, and the
                // value after one optional space.
                let value_start = if input.get(5) == Some(&b' ') { 6 } else { 5 };
                let Some(value_len) = memchr2(b'\n', b'\r', &input[value_start..]) else {
                    self.start_data_line(input, value_start)?;
                    return Ok(None);
                };
                let end = value_start + value_len;
                self.check_line_length(end)?;
                let value = &input[value_start..end];
                let rest = self.after_line_end(input, end);
                if self.data.is_empty() && matches!(rest.first(), Some(b'\n' | b'\r')) {
                    // An event of one data line, whole in this chunk (most
                    // events): dispatch it from the chunk, without copying it
                    // into the data buffer first.
                    self.check_event_size(value)?;
                    let at = chunk.len() - input.len() + value_start;
                    let short = value.len() < SHORT_VALUE;
                    match (O::DECODES && short)
                        .then(|| checked.text(chunk, at, value.len()))
                        .flatten()
                    {
                        Some(text) => self.dispatch_line_text(text, sink),
                        None => self.dispatch_line(value, sink),
                    }
                    input = self.after_line_end(rest, 0);
                    if stop_at_boundary && self.at_event_boundary() {
                        return Ok(Some(chunk.len() - input.len()));
                    }
                } else {
                    self.push_data(value)?;
                    input = rest;
                }
                continue;
            }
            let Some(end) = memchr2(b'\n', b'\r', input) else {
                self.check_line_length(input.len())?;
                self.line.extend_from_slice(input);
                self.partial = Partial::Line;
                return Ok(None);
            };
            self.check_line_length(end)?;
            self.process_line(&input[..end], sink)?;
            input = self.after_line_end(input, end);
        }
        Ok(None)
    }

    /// The rest of `input` after the line end at `end`. HTML §9.2.5: CRLF is
    /// one line end, also when a chunk ends between the two (then an LF
    /// starting the next chunk is skipped).
    #[inline]
    fn after_line_end<'i>(&mut self, input: &'i [u8], end: usize) -> &'i [u8] {
        let rest = &input[end + 1..];
        if input[end] == b'\r' {
            match rest.first() {
                Some(b'\n') => return &rest[1..],
                None => self.skip_lf = true,
                Some(_) => {}
            }
        }
        rest
    }

    /// Go on with the line an earlier chunk ended inside of. Returns the rest
    /// of `input` after it, or `None` if it does not end in `input` either.
    fn resume_line<'i, O: Output + ?Sized>(
        &mut self,
        input: &'i [u8],
        sink: &mut O,
    ) -> Result<Option<&'i [u8]>, ParseError> {
        let found = memchr2(b'\n', b'\r', input);
        let end = found.unwrap_or(input.len());
        match self.partial {
            Partial::None => Ok(Some(input)),
            Partial::Data { start, len, space } => {
                self.check_line_length(len + end)?;
                let piece = &input[..end];
                // The space after "data:" is dropped even when the chunk
                // ended between the two.
                let value = if space {
                    piece.strip_prefix(b" ").unwrap_or(piece)
                } else {
                    piece
                };
                // Room for the LF as well: see `push_data`.
                self.data.reserve(value.len() + 1);
                self.data.extend_from_slice(value);
                let Some(end) = found else {
                    self.partial = Partial::Data {
                        start,
                        len: len + end,
                        space: false,
                    };
                    return Ok(None);
                };
                self.partial = Partial::None;
                self.finish_data_line(start)?;
                Ok(Some(self.after_line_end(input, end)))
            }
            Partial::Line => {
                self.check_line_length(self.line.len() + end)?;
                self.line.extend_from_slice(&input[..end]);
                let Some(end) = found else {
                    return Ok(None);
                };
                self.partial = Partial::None;
                let line = core::mem::take(&mut self.line);
                let result = self.process_line(&line, sink);
                self.line = line;
                self.line.clear();
                release_if_huge(&mut self.line);
                result?;
                Ok(Some(self.after_line_end(input, end)))
            }
        }
    }

    /// A data line that does not end in this chunk: its value goes straight
    /// into the data buffer, so a long line is copied once, not collected as
    /// a line first.
    fn start_data_line(&mut self, input: &[u8], value_start: usize) -> Result<(), ParseError> {
        self.check_line_length(input.len())?;
        let value = &input[value_start..];
        let start = self.data.len();
        self.data.reserve(value.len() + 1);
        self.data.extend_from_slice(value);
        self.partial = Partial::Data {
            start,
            len: input.len(),
            space: input.len() == 5,
        };
        Ok(())
    }

    /// Append a data line's value and its LF (HTML §9.2.6, "data" field).
    #[inline]
    fn push_data(&mut self, value: &[u8]) -> Result<(), ParseError> {
        // Room for the value and its LF at once: pushing the LF into a
        // buffer the value filled exactly would reallocate (and copy) a large
        // value once more.
        self.data.reserve(value.len() + 1);
        let start = self.data.len();
        self.data.extend_from_slice(value);
        self.finish_data_line(start)
    }

    /// The data line whose value starts at `start` in the buffer is complete.
    #[inline]
    fn finish_data_line(&mut self, start: usize) -> Result<(), ParseError> {
        self.data.push(b'\n');
        if let Some(limit) = self.limits.max_event_size {
            // The limit counts decoded bytes: decoding the value alone is
            // exact (it is cut at ASCII bytes). The LF that joins lines is
            // removed before dispatch, so it does not count.
            self.data_utf8_len += utf8_len(&self.data[start..]);
            if self.data_utf8_len - 1 > limit {
                return Err(ParseError::EventTooLarge { limit });
            }
        }
        Ok(())
    }

    /// [`Limits::max_event_size`] for an event of the one data line `value`.
    #[inline]
    fn check_event_size(&self, value: &[u8]) -> Result<(), ParseError> {
        match self.limits.max_event_size {
            Some(limit) if utf8_len(value) > limit => Err(ParseError::EventTooLarge { limit }),
            _ => Ok(()),
        }
    }

    /// Match the start of the stream against the BOM, byte by byte, so that a
    /// BOM split across chunks is still dropped. Returns the rest of `input`.
    fn match_bom<'i, O: Output + ?Sized>(
        &mut self,
        mut matched: u8,
        mut input: &'i [u8],
        sink: &mut O,
    ) -> Result<&'i [u8], ParseError> {
        while let Some((&byte, rest)) = input.split_first() {
            if byte != BOM[matched as usize] {
                // Not a BOM after all: the bytes matched so far are stream content.
                self.bom = BomState::Done;
                if matched > 0 {
                    self.feed_inner(&BOM[..matched as usize], sink, false)?;
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

    #[inline]
    fn check_line_length(&self, len: usize) -> Result<(), ParseError> {
        match self.limits.max_line_length {
            Some(limit) if len > limit => Err(ParseError::LineTooLong { limit }),
            _ => Ok(()),
        }
    }

    /// HTML §9.2.6: process one line (without its terminator).
    fn process_line<O: Output + ?Sized>(&mut self, line: &[u8], sink: &mut O) -> Result<(), ParseError> {
        if line.is_empty() {
            self.dispatch(sink);
            return Ok(());
        }
        if line[0] == b':' {
            // The text as a field value is taken: after one leading space.
            let text = &line[1..];
            sink.comment(text.strip_prefix(b" ").unwrap_or(text));
            sink.ignored(line, Ignored::Comment);
            return Ok(());
        }
        // "If the line contains a U+003A COLON character": the name is before it,
        // the value after it, less one leading U+0020 SPACE if there is one.
        let (name, value) = match find_colon(line) {
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (line, &[][..]),
        };
        match name {
            b"data" => self.push_data(value)?,
            b"event" => {
                self.event_type.clear();
                self.event_type.extend_from_slice(value);
            }
            b"id" => {
                if value.contains(&0) {
                    sink.ignored(line, Ignored::IdContainsNull);
                } else {
                    self.id_buffer.clear();
                    decode_into(&mut self.id_buffer, value);
                    self.id_set = true;
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
    fn dispatch<O: Output + ?Sized>(&mut self, sink: &mut O) {
        self.update_last_event_id();
        // Step 2: no data, no event; the event type is reset all the same.
        if self.data.is_empty() {
            self.event_type.clear();
            sink.ignored(b"", Ignored::NoData);
            return;
        }
        // Step 3: leave out the LF that the last data line added. Step 4: an
        // empty type buffer means "message" (the face fills it in).
        sink.event(&self.event_type, &self.data[..self.data.len() - 1], &self.last_event_id);
        self.dispatched = self.dispatched.wrapping_add(1);
        // Step 5: reset the buffers, keeping their memory (a huge data
        // buffer until `data_idle` lets it go).
        if self.data.len() > KEEP_CAPACITY / 2 {
            self.since_large = 0;
        }
        self.data.clear();
        self.data_utf8_len = 0;
        self.event_type.clear();
    }

    /// "Dispatch the event" for an event whose data is the one line `data`
    /// (not in the data buffer, which is empty).
    #[inline]
    fn dispatch_line<O: Output + ?Sized>(&mut self, data: &[u8], sink: &mut O) {
        self.update_last_event_id();
        sink.event(&self.event_type, data, &self.last_event_id);
        self.dispatched = self.dispatched.wrapping_add(1);
        self.event_type.clear();
    }

    /// [`Parser::dispatch_line`] for data known to be valid UTF-8.
    #[inline]
    fn dispatch_line_text<O: Output + ?Sized>(&mut self, data: &str, sink: &mut O) {
        self.update_last_event_id();
        sink.event_text(&self.event_type, data, &self.last_event_id);
        self.dispatched = self.dispatched.wrapping_add(1);
        self.event_type.clear();
    }

    /// `len` more bytes of the stream come while the data buffer is huge. It
    /// is kept while large events recur, and released (between events) once
    /// as many bytes as it holds have passed without one: then one huge
    /// event does not pin its memory for the life of the stream, and a
    /// stream of them reuses one buffer. Releasing it after each large event
    /// instead made every one grow a new buffer by doubling, each step's old
    /// and new copies side by side, to a capacity that depends on where the
    /// chunks happened to split the event (between its size and twice it);
    /// the free memory left by one event then often could not hold the next
    /// one's doubling, and the wasm memory grew by up to four times the
    /// event's size again (a 16 MiB event: 57 MiB more for the second).
    #[cold]
    fn data_idle(&mut self, len: usize) {
        self.since_large = self.since_large.saturating_add(len);
        if self.data.is_empty() && self.since_large > self.data.capacity() {
            self.data = Vec::new();
            self.since_large = 0;
        }
    }

    /// HTML §9.2.6, "dispatch the event", step 1: the last event ID string
    /// follows the buffer even if nothing is dispatched. Only an `id` field
    /// changes the buffer, so without one since the last dispatch there is
    /// nothing to compare.
    #[inline]
    fn update_last_event_id(&mut self) {
        if self.id_set {
            self.id_set = false;
            if self.last_event_id != self.id_buffer {
                self.last_event_id.clone_from(&self.id_buffer);
            }
        }
    }
}

/// The first colon of a line: field names are short, so the first bytes are
/// looked at one by one (a call to `memchr` costs more than that), the rest
/// (a line that is all name, or a comment) by `memchr`.
#[inline]
fn find_colon(line: &[u8]) -> Option<usize> {
    const HEAD: usize = 8;
    let head = &line[..line.len().min(HEAD)];
    match head.iter().position(|&b| b == b':') {
        Some(colon) => Some(colon),
        None if line.len() > HEAD => memchr(b':', &line[HEAD..]).map(|colon| colon + HEAD),
        None => None,
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
    fn invalid_bytes_in_a_long_value_become_u_fffd() {
        // Long enough for the SIMD validator (64 bytes and more), with a
        // sequence cut by the chunk boundary and a truncated one before the
        // line end.
        let text = "é€😀 and some ASCII to make the value long enough ".repeat(4);
        let mut stream = alloc::format!("data: {text}").into_bytes();
        stream.extend_from_slice(b"\xff\xf0\x9f\x98");
        stream.extend_from_slice(text.as_bytes());
        stream.extend_from_slice(b"\xe2\x82\n\n");
        let want = alloc::format!("{text}\u{FFFD}\u{FFFD}{text}\u{FFFD}");
        for at in 0..stream.len() {
            let (a, b) = stream.split_at(at);
            let events = parse(&[a, b]);
            assert_eq!(events.len(), 1);
            assert_eq!(events[0].data, want, "split at {at}");
        }
    }

    #[test]
    fn short_events_around_an_invalid_one_in_a_chunk_decode_each_exactly() {
        // Short events are decoded from one validation of the chunk: an
        // invalid one among them must not change how the others decode.
        let events = parse(&[b"data: ok\n\ndata: \xff\n\nevent: \xe2\x82\ndata: \xe2\x82\xac\r\n\r\ndata: fine\n\n"]);
        let got: Vec<(&str, &str)> = events
            .iter()
            .map(|e| (e.event_type.as_str(), e.data.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("message", "ok"),
                ("message", "\u{FFFD}"),
                ("\u{FFFD}", "€"),
                ("message", "fine")
            ]
        );
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
    fn event_limit_counts_invalid_bytes_as_their_replacement_characters() {
        // Two invalid bytes are two U+FFFD: six bytes of UTF-8, over a limit
        // of five, though only two bytes arrived. Both faces agree.
        let mut parser = Parser::with_limits(Limits::new().with_max_event_size(Some(5)));
        let mut events = Vec::new();
        assert_eq!(
            parser.feed(b"data: \x80\x80\n", &mut events),
            Err(ParseError::EventTooLarge { limit: 5 })
        );
        struct Ignore;
        impl RawSink for Ignore {
            fn event(&mut self, _: &RawEvent<'_>) {}
        }
        let mut parser = Parser::with_limits(Limits::new().with_max_event_size(Some(5)));
        assert_eq!(
            parser.feed_raw(b"data: \x80\x80\n", &mut Ignore),
            Err(ParseError::EventTooLarge { limit: 5 })
        );
        let mut parser = Parser::with_limits(Limits::new().with_max_event_size(Some(6)));
        parser.feed(b"data: \x80\x80\n\n", &mut events).unwrap();
        assert_eq!(events[0].data, "\u{FFFD}\u{FFFD}");
    }

    #[test]
    fn a_data_line_cut_by_the_chunk_is_a_pending_line_until_it_ends() {
        let mut parser = Parser::new();
        let mut events = Vec::new();
        parser.feed(b"data: one\ndata: tw", &mut events).unwrap();
        assert_eq!((parser.pending_line_len(), parser.pending_data_len()), (8, 4));
        assert!(!parser.at_event_boundary());
        parser.feed(b"o", &mut events).unwrap();
        assert_eq!((parser.pending_line_len(), parser.pending_data_len()), (9, 4));
        parser.feed(b"\n", &mut events).unwrap();
        assert_eq!((parser.pending_line_len(), parser.pending_data_len()), (0, 8));
        parser.feed(b"\n", &mut events).unwrap();
        assert_eq!(events[0].data, "one\ntwo");
        assert!(parser.at_event_boundary());
    }

    #[test]
    fn the_space_after_data_colon_is_dropped_when_a_chunk_ends_between() {
        let events = parse(&[b"data:", b" x\n", b"data:", b"", b"  y\n\n"]);
        assert_eq!(events[0].data, "x\n y");
    }

    /// `events` fed in chunks of the given sizes (cycling); the parser's
    /// heap capacity after each event.
    fn capacities(stream: &[u8], sizes: &[usize], events: usize) -> Vec<usize> {
        let mut parser = Parser::new();
        let mut seen = Vec::new();
        let mut after = Vec::new();
        let mut at = 0;
        for size in sizes.iter().cycle() {
            if at == stream.len() {
                break;
            }
            let end = (at + size).min(stream.len());
            parser.feed(&stream[at..end], &mut seen).unwrap();
            at = end;
            while after.len() < seen.len() {
                after.push(parser.heap_capacity());
            }
        }
        assert_eq!(seen.len(), events);
        after
    }

    #[test]
    fn large_events_reuse_the_first_ones_data_buffer_however_the_chunks_split_them() {
        // One data line of 2 MiB per event, and a small event among them:
        // the first event's buffer holds every later one, so none grows a
        // new one (which, reallocated step by step from a size set by the
        // first chunk, left the wasm memory unable to hold the next).
        let big = alloc::format!("data: {}\n\n", "x".repeat(2 << 20));
        let stream = alloc::format!("{big}{big}data: small\n\n{big}{big}{big}");
        for sizes in [
            &[65536][..],
            &[1000],
            &[7, 65536],
            &[1 << 20, 3],
            &[131071, 5000, 99999],
        ] {
            let after = capacities(stream.as_bytes(), sizes, 6);
            assert!(
                after[0] > 2 << 20,
                "chunks of {sizes:?}: the first event left {} bytes",
                after[0]
            );
            assert!(
                after.iter().all(|&c| c == after[0]),
                "chunks of {sizes:?}: capacities {after:?}"
            );
        }
    }

    #[test]
    fn a_huge_data_buffer_is_released_once_as_many_bytes_have_passed_without_a_large_event() {
        let mut parser = Parser::new();
        let mut events = Vec::new();
        let big = alloc::vec![b'x'; 4 << 20];
        parser.feed(b"data: ", &mut events).unwrap();
        parser.feed(&big, &mut events).unwrap();
        parser.feed(b"\n\n", &mut events).unwrap();
        assert_eq!(events[0].data.len(), 4 << 20);
        let kept = parser.heap_capacity();
        assert!(kept > 4 << 20, "kept for the next large event: {kept} bytes");
        // Small events, in chunks, up to as many bytes as the buffer holds:
        // kept; the chunk after that lets it go.
        let small = b"data: a\ndata: b\n\n".repeat(4096);
        let mut fed = 0;
        while fed + small.len() <= kept {
            parser.feed(&small, &mut events).unwrap();
            fed += small.len();
            assert_eq!(parser.heap_capacity(), kept, "after {fed} bytes of small events");
        }
        parser.feed(&small, &mut events).unwrap();
        parser.feed(b"data: c\n\n", &mut events).unwrap();
        assert!(parser.heap_capacity() < 1024, "held {} bytes", parser.heap_capacity());
        assert_eq!(events.last().unwrap().data, "c");
    }

    #[test]
    fn a_new_stream_releases_a_huge_data_buffer() {
        let mut parser = Parser::new();
        let mut events = Vec::new();
        parser.feed(b"data: ", &mut events).unwrap();
        parser.feed(&alloc::vec![b'x'; 2 << 20], &mut events).unwrap();
        parser.feed(b"\n\n", &mut events).unwrap();
        assert!(parser.heap_capacity() > 2 << 20);
        parser.reset_stream();
        assert!(parser.heap_capacity() < 1024, "held {} bytes", parser.heap_capacity());
    }
}
