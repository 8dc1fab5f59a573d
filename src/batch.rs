//! Hands all the events a chunk completes to JavaScript in one call.
//!
//! Crossing the wasm boundary once per event would cost more than the parse
//! itself for small events, so the driver collects the events of a chunk into
//! one byte buffer, undecoded (the parser's raw face), which JavaScript
//! decodes with one `TextDecoder.decode` call and cuts into strings. Per
//! event the buffer holds:
//!
//! - one kind byte: [`KIND_TYPE`] set if the event's type is not
//!   `"message"` (the type then follows), [`KIND_ID`] set if its last event
//!   ID differs from the previous event's as JavaScript knows it (the ID then
//!   follows the data);
//! - the type's bytes and [`END`], if [`KIND_TYPE`];
//! - the data's bytes and [`END`];
//! - the last event ID's bytes and [`END`], if [`KIND_ID`].
//!
//! A source that asked for comment lines (the `onComment` option) also gets
//! each one, in stream order among the events: the kind byte
//! [`KIND_COMMENT`] alone, then the comment's text and [`END`]. Without the
//! option none is written: the parser's report of a comment costs one test
//! of a flag.
//!
//! Decoding the whole buffer at once is exact: [`END`] (CR) is in no type,
//! data or ID (the parser splits lines on it), every byte between pieces is
//! ASCII, and the WHATWG decoder never folds an ASCII byte into a replacement
//! character, so an invalid sequence at the end of one piece becomes its
//! U+FFFD before the `END` and cannot merge with the next piece's bytes.
//! The decoded text is then cut at each `END` (the first CR after a piece's
//! start ends it), and every piece is exactly what decoding it on its own
//! would give: what the decoded face would have given (see
//! `eventsource_core::parser::RawEvent`). The buffer is reused from chunk to chunk:
//! a steady stream allocates nothing here.

use alloc::string::String;
use alloc::vec::Vec;

use eventsource_core::parser::{RawEvent, RawSink};

/// Ends each piece (type, data, ID): CR, which no piece contains.
pub const END: u8 = b'\r';
/// Kind bit: the event's type (not `"message"`) comes first.
pub const KIND_TYPE: u8 = 1;
/// Kind bit: a new last event ID comes after the data.
pub const KIND_ID: u8 = 2;
/// Kind: not an event but a comment line's text (only with `onComment`).
pub const KIND_COMMENT: u8 = 4;

/// Buffers above this capacity are released after the chunk's events have
/// been handed over, so one huge event does not pin its memory (unless large
/// events recur: see [`Batch::clear`]).
const KEEP_CAPACITY: usize = 1 << 20;

#[derive(Default)]
pub struct Batch {
    pub bytes: Vec<u8>,
    /// Write comment lines too (the source has an `onComment` callback).
    pub comments: bool,
    /// The last event ID as JavaScript knows it.
    sent_id: String,
    /// The length of the chunk being parsed (see [`Batch::parsing`]).
    chunk_len: usize,
    /// Bytes parsed since the batch last held a large event, counted while
    /// its buffer is huge (see [`Batch::clear`]).
    since_large: usize,
}

impl Batch {
    /// An empty batch; with `comments`, comment lines are written too.
    pub fn with_comments(comments: bool) -> Batch {
        Batch {
            comments,
            ..Batch::default()
        }
    }

    /// The events of a chunk of `len` bytes come next. A large event's
    /// reservation then leaves room for all that the rest of the chunk can
    /// add: every piece written after it (kind byte, type, data, ID, END) is
    /// made of at least as many bytes of this chunk (only the first event of
    /// a chunk has data from earlier ones), so the batch is not grown again
    /// within the chunk. Growing it would double a buffer as large as the
    /// event and hold the old and the new copy at once: with a 16 MiB event
    /// and a small one in one chunk, 48 MiB for 16 (the wasm memory grew by
    /// 32 MiB for the second of two such events).
    pub fn parsing(&mut self, len: usize) {
        self.chunk_len = len;
        if self.bytes.capacity() > KEEP_CAPACITY {
            self.since_large = self.since_large.saturating_add(len);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// Forget the events handed over, keeping the buffer's memory. A huge
    /// buffer is kept while large events recur, and released once as many
    /// bytes as it holds have been parsed without one (as the parser does
    /// with its data buffer): a stream of large events then reuses one
    /// buffer, where allocating one per event, each at a size set by how
    /// the chunks fell, could find no room left by the last one and grow
    /// the wasm memory again.
    pub fn clear(&mut self) {
        self.bytes.clear();
        if self.bytes.capacity() > KEEP_CAPACITY && self.since_large > self.bytes.capacity() {
            self.bytes = Vec::new();
            self.since_large = 0;
        }
    }
}

impl Batch {
    /// The events (and comments) of the batch, for a front-end in Rust: each piece is a
    /// slice of the batch (no copy), undecoded; decoding each with
    /// `String::from_utf8_lossy` gives what the JavaScript front-end's one
    /// decode of the whole batch gives (see above).
    pub fn events(&self) -> Events<'_> {
        Events { rest: &self.bytes }
    }
}

/// One piece of a batch, undecoded: an event, or a comment line's text
/// (only for a source that asked for them).
#[derive(Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    Event(BatchEvent<'a>),
    Comment(&'a [u8]),
}

/// One event of a batch, undecoded.
#[derive(Debug, PartialEq, Eq)]
pub struct BatchEvent<'a> {
    /// The event's type (`"message"` unless the stream named another).
    pub event_type: &'a [u8],
    pub data: &'a [u8],
    /// The new last event ID, if it changed since the batch's previous
    /// event (or, for the first, since the previous batch).
    pub last_event_id: Option<&'a [u8]>,
}

/// The pieces of a [`Batch`], in stream order.
pub struct Events<'a> {
    rest: &'a [u8],
}

impl<'a> Events<'a> {
    /// The next piece, up to its [`END`].
    fn piece(&mut self) -> &'a [u8] {
        let end = self.rest.iter().position(|&b| b == END).unwrap_or(self.rest.len());
        let piece = &self.rest[..end];
        self.rest = self.rest.get(end + 1..).unwrap_or(&[]);
        piece
    }
}

impl<'a> Iterator for Events<'a> {
    type Item = Piece<'a>;

    fn next(&mut self) -> Option<Piece<'a>> {
        let (&kind, rest) = self.rest.split_first()?;
        self.rest = rest;
        if kind == KIND_COMMENT {
            return Some(Piece::Comment(self.piece()));
        }
        let event_type = if kind & KIND_TYPE != 0 {
            self.piece()
        } else {
            b"message"
        };
        let data = self.piece();
        let last_event_id = (kind & KIND_ID != 0).then(|| self.piece());
        Some(Piece::Event(BatchEvent {
            event_type,
            data,
            last_event_id,
        }))
    }
}

impl RawSink for Batch {
    fn event(&mut self, event: &RawEvent<'_>) {
        let typed = event.event_type != b"message";
        let new_id = event.last_event_id != self.sent_id;
        // One reservation for the whole event (a large one is then copied
        // once, not again by a reallocation when its ID follows).
        let mut need = 2 + event.data.len();
        if typed {
            need += event.event_type.len() + 1;
        }
        if new_id {
            need += event.last_event_id.len() + 1;
        }
        if need > KEEP_CAPACITY / 2 {
            // Exactly: doubling a buffer this large could take twice the
            // event's size again (see `parsing`). With at least
            // KEEP_CAPACITY of room, so that the next large events of about
            // the same size fit the kept buffer whatever their chunks.
            self.since_large = 0;
            if self.bytes.capacity() - self.bytes.len() < need + self.chunk_len {
                self.bytes.reserve_exact(need + self.chunk_len.max(KEEP_CAPACITY));
            }
        } else {
            self.bytes.reserve(need);
        }
        let mut kind = 0;
        if typed {
            kind |= KIND_TYPE;
        }
        if new_id {
            kind |= KIND_ID;
        }
        self.bytes.push(kind);
        if typed {
            self.bytes.extend_from_slice(event.event_type);
            self.bytes.push(END);
        }
        self.bytes.extend_from_slice(event.data);
        self.bytes.push(END);
        if new_id {
            self.bytes.extend_from_slice(event.last_event_id.as_bytes());
            self.bytes.push(END);
            self.sent_id.clear();
            self.sent_id.push_str(event.last_event_id);
        }
    }

    fn comment(&mut self, text: &[u8]) {
        if self.comments {
            self.bytes.reserve(text.len() + 2);
            self.bytes.push(KIND_COMMENT);
            self.bytes.extend_from_slice(text);
            self.bytes.push(END);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch_of(events: &[(&[u8], &[u8], &str)]) -> Vec<u8> {
        let mut batch = Batch::default();
        for &(event_type, data, last_event_id) in events {
            batch.event(&RawEvent {
                event_type,
                data,
                last_event_id,
            });
        }
        batch.bytes
    }

    #[test]
    fn pieces_end_in_cr_and_the_kind_says_which_follow() {
        let bytes = batch_of(&[
            (b"message", b"a", ""),
            (b"ping", b"b\nc", ""),
            (b"message", b"\xF0\x9F", "7"),
            (b"message", b"", "7"),
        ]);
        assert_eq!(bytes, b"\0a\r\x01ping\rb\nc\r\x02\xF0\x9F\r7\r\0\r");
    }

    #[test]
    fn a_rust_front_end_reads_back_every_event_with_its_type_and_new_ids_and_the_comments() {
        let mut batch = Batch::with_comments(true);
        batch.comment(b"hi");
        for (event_type, data, last_event_id) in [
            (&b"message"[..], &b"a"[..], ""),
            (b"ping", b"b\nc", ""),
            (b"message", b"\xF0\x9F", "7"),
            (b"message", b"", "7"),
            (b"x", b"", ""),
        ] {
            batch.event(&RawEvent {
                event_type,
                data,
                last_event_id,
            });
        }
        let read: Vec<Piece<'_>> = batch.events().collect();
        let event = |event_type: &'static [u8], data: &'static [u8], last_event_id: Option<&'static [u8]>| {
            Piece::Event(BatchEvent {
                event_type,
                data,
                last_event_id,
            })
        };
        assert_eq!(
            read,
            [
                Piece::Comment(b"hi"),
                event(b"message", b"a", None),
                event(b"ping", b"b\nc", None),
                event(b"message", b"\xF0\x9F", Some(b"7")),
                event(b"message", b"", None),
                event(b"x", b"", Some(b"")),
            ]
        );
    }

    #[test]
    fn an_empty_batch_has_no_events() {
        assert_eq!(Batch::default().events().next(), None);
    }

    #[test]
    fn comments_are_written_in_stream_order_only_when_asked_for() {
        let mut parser = eventsource_core::parser::Parser::new();
        let mut batch = Batch::default();
        parser.feed_raw(b": hi\ndata: a\n\n", &mut batch).unwrap();
        assert_eq!(batch.bytes, b"\0a\r", "no comment without the option");
        let mut batch = Batch::with_comments(true);
        parser.feed_raw(b":ping\ndata: b\n: two\n\n", &mut batch).unwrap();
        assert_eq!(batch.bytes, b"\x04ping\r\x04two\r\0b\r");
    }

    #[test]
    fn a_large_event_reserves_once_for_the_rest_of_its_chunk() {
        // The pieces that write the most batch bytes per stream byte, after
        // a 2 MiB event that ends in the chunk: comments, empty data, new
        // IDs, types.
        let mut rest = b"\n\n".to_vec();
        for i in 0..4096 {
            rest.extend_from_slice(match i % 4 {
                0 => b":\n".as_slice(),
                1 => b"data\n\n",
                2 => {
                    if i % 8 == 2 {
                        b"id:1\ndata\n\n"
                    } else {
                        b"id:2\ndata\n\n"
                    }
                }
                _ => b"event:e\ndata:\n\n",
            });
        }
        let mut parser = eventsource_core::parser::Parser::new();
        let mut batch = Batch::with_comments(true);
        let big = alloc::vec![b'x'; 2 << 20];
        for chunk in [b"data: ".as_slice(), &big] {
            batch.parsing(chunk.len());
            parser.feed_raw(chunk, &mut batch).unwrap();
        }
        batch.parsing(rest.len());
        parser.feed_raw(&rest, &mut batch).unwrap();
        assert_eq!(batch.bytes[..2].to_vec(), b"\0x");
        assert!(batch.bytes.len() > (2 << 20) + 4096, "{} bytes", batch.bytes.len());
        // One reservation, the event's and at least the chunk's, and no
        // growth after it.
        let reserved = 2 + (2 << 20) + KEEP_CAPACITY;
        assert_eq!(batch.bytes.capacity(), reserved);
        batch.clear();
        assert_eq!(batch.bytes.capacity(), reserved, "kept for the next large event");
    }

    #[test]
    fn a_huge_batch_buffer_is_kept_while_large_events_recur_and_released_after() {
        let mut parser = eventsource_core::parser::Parser::new();
        let mut batch = Batch::default();
        let big = alloc::format!("data: {}\n\n", "x".repeat(2 << 20));
        let mut feed = |batch: &mut Batch, chunk: &[u8]| {
            batch.parsing(chunk.len());
            parser.feed_raw(chunk, batch).unwrap();
            let len = batch.bytes.len();
            batch.clear();
            len
        };
        // Split differently each time (chunks of up to 64 KiB after the
        // first): the first buffer holds them all.
        let mut kept = 0;
        for split in [7, 65536, 1000, 3] {
            let (head, tail) = big.as_bytes().split_at(split);
            let mut written = feed(&mut batch, head);
            for chunk in tail.chunks(65536) {
                written += feed(&mut batch, chunk);
            }
            assert_eq!(written, 2 + (2 << 20));
            if kept == 0 {
                kept = batch.bytes.capacity();
            }
            assert_eq!(batch.bytes.capacity(), kept, "split at {split}");
        }
        // Small events up to as many bytes as it holds: kept; then released.
        let small = b"data: a\n\n".repeat(1 << 14);
        let mut parsed = 0;
        while parsed + small.len() <= kept {
            feed(&mut batch, &small);
            parsed += small.len();
            assert_eq!(batch.bytes.capacity(), kept, "after {parsed} bytes of small events");
        }
        feed(&mut batch, &small);
        assert!(
            batch.bytes.capacity() <= KEEP_CAPACITY,
            "held {} bytes",
            batch.bytes.capacity()
        );
    }

    #[test]
    fn clearing_keeps_the_last_id_javascript_knows() {
        let mut batch = Batch::default();
        batch.event(&RawEvent {
            event_type: b"message",
            data: b"x",
            last_event_id: "1",
        });
        batch.clear();
        batch.event(&RawEvent {
            event_type: b"message",
            data: b"y",
            last_event_id: "1",
        });
        assert_eq!(batch.bytes, b"\0y\r");
    }
}
