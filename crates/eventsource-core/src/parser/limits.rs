//! The optional limits on lines and events, the error a stream that
//! exceeds one ends in, and how much memory is kept between events.

use super::*;

/// Buffers above this capacity are released after use instead of kept for
/// reuse, so one huge event does not pin its memory for the life of the stream
/// (the data buffer excepted, which is kept while large events recur: see
/// `Parser::data_idle`).
pub(super) const KEEP_CAPACITY: usize = 1 << 20;

/// Optional limits. The spec has none, so the default is none; a stream that
/// exceeds a limit makes [`Parser::feed`] return an error.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// The longest line accepted, in bytes, without its terminator.
    pub max_line_length: Option<usize>,
    /// The largest data buffer accepted, in bytes of UTF-8 (as decoded: an
    /// invalid sequence counts as the three bytes of its U+FFFD, for both
    /// faces), without the LF that the last data line adds.
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

pub(super) fn release_if_huge(buffer: &mut Vec<u8>) {
    if buffer.capacity() > KEEP_CAPACITY {
        *buffer = Vec::new();
    }
}
