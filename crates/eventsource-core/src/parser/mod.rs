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

use memchr::{memchr2, memrchr2};

mod fields;
mod limits;
mod lines;
mod sinks;
mod utf8;

use limits::{KEEP_CAPACITY, release_if_huge};
pub use limits::{Limits, ParseError};
pub(crate) use sinks::{Decoded, Output, Raw};
pub use sinks::{Event, Ignored, OwnedEvent, RawEvent, RawSink, Sink};
use utf8::{Checked, SHORT_VALUE, decode, decode_into, utf8_len};

/// The first `byte` in `haystack`, by the same `memchr2` every line end is
/// found with: one search function in the wasm, not two (`memchr` is
/// 383 B of code of its own there; these searches, for a colon after a
/// long field name and a NUL in an `id`, are rare and short).
#[inline]
fn find_byte(byte: u8, haystack: &[u8]) -> Option<usize> {
    memchr2(byte, byte, haystack)
}

/// `bytes[range]`, or nothing where the range is not in `bytes`: the one way
/// the parser cuts its input. The parser's own positions are always in
/// range (they come from searches of the same slice), so this changes no
/// result; it replaces a bounds check and a panic call with its location at
/// every cut with one inlined comparison (measured: BENCHMARKS.md, "The
/// wasm's bytes, change by change").
#[inline(always)]
fn input_at<R: core::slice::SliceIndex<[u8], Output = [u8]>>(bytes: &[u8], range: R) -> &[u8] {
    bytes.get(range).unwrap_or_default()
}

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
    /// that joins a stream in the middle, after [`Parser::reset_stream`]:
    /// the machine's follower mode, its one caller (so not public API).
    pub(crate) fn skip_bom(&mut self) {
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
}

#[cfg(test)]
mod tests;
