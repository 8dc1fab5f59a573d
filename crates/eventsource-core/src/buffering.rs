//! Signs that something between the server and the client buffers the event
//! stream (a proxy such as nginx with `proxy_buffering`, a CDN, compression
//! middleware, a dev server): events then arrive late and in bursts. The
//! stream itself stays exact, so nothing fails; a [`crate::machine::Machine`]
//! configured with [`crate::machine::Config::diagnose_buffering`] says so
//! once ([`crate::machine::Warning::Buffering`]) with the sign it saw.
//!
//! Each sign is one an application that writes and flushes whole events
//! cannot give, however slow or bursty it is:
//!
//! - [`Sign::Compressed`]: the `text/event-stream` response has a
//!   `Content-Encoding`. A compressor holds its input until its block fills
//!   or the response ends, unless the server flushes it after each event.
//! - [`Sign::LateFirstBytes`]: the head came, then nothing for
//!   [`LATE_FIRST_BYTES_MS`] or more, then at least [`MANY_EVENTS`] events at
//!   once: what a proxy that sends the head and holds the body for an
//!   interval gives. (An application that waits that long and then writes
//!   that many events in one go looks the same: the one sign that can be
//!   wrong, so its thresholds are high.)
//! - [`Sign::BufferSizedBursts`]: [`REPEATS`] bursts after silence
//!   ([`SILENCE_MS`]) whose size is a multiple of 4 KiB and which stop in the
//!   middle of an event: a buffer of 4, 8, 16 or 32 KiB flushed when full
//!   cuts the stream wherever it fills, while an application flushes at the
//!   end of an event.
//!
//! A burst is what arrives with gaps under [`BURST_GAP_MS`] (one write can
//! reach the client as several reads, and XHR reports progress at most every
//! 50 ms).

use crate::{Instant, Millis};

/// Reads closer together than this are one burst.
pub const BURST_GAP_MS: Millis = Millis(60);
/// Silence before a burst for it to count as a flush.
pub const SILENCE_MS: Millis = Millis(250);
/// How late the body's first bytes must be for [`Sign::LateFirstBytes`].
pub const LATE_FIRST_BYTES_MS: Millis = Millis(1000);
/// How many events the late first burst must complete.
pub const MANY_EVENTS: u32 = 8;
/// How many buffer-sized bursts make [`Sign::BufferSizedBursts`].
pub const REPEATS: u32 = 2;
/// The buffer sizes recognized: multiples of the smallest, up to the largest.
const BLOCK: usize = 4096;
const LARGEST: usize = 32768;

/// What was seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Sign {
    /// The event stream is compressed (a `Content-Encoding` header).
    Compressed,
    /// The body's first bytes came `waited_ms` after the head, with
    /// `events` events at once.
    LateFirstBytes {
        /// Milliseconds between the head and the first bytes.
        waited_ms: u64,
        /// Events the first burst completed.
        events: u32,
    },
    /// Bursts of `size` bytes (a multiple of 4 KiB), each after silence and
    /// cut in the middle of an event.
    BufferSizedBursts {
        /// The largest of 4, 8, 16 or 32 KiB that divides the last burst.
        size: u32,
    },
}

impl Sign {
    /// A stable short name: `compressed`, `late-first-bytes` or `buffer-sized-bursts`.
    pub fn name(self) -> &'static str {
        match self {
            Sign::Compressed => "compressed",
            Sign::LateFirstBytes { .. } => "late-first-bytes",
            Sign::BufferSizedBursts { .. } => "buffer-sized-bursts",
        }
    }
}

/// Whether a `Content-Encoding` value compresses (anything but `identity`).
pub fn is_compressed(content_encoding: Option<&str>) -> bool {
    content_encoding.is_some_and(|value| {
        let value = crate::mime::trim(value.as_bytes(), crate::mime::space_or_tab);
        !value.is_empty() && !value.eq_ignore_ascii_case(b"identity")
    })
}

/// Watches one source's responses for the signs (the machine feeds it).
#[derive(Debug, Clone, Default)]
pub(crate) struct Watch {
    /// When the head of the current response came.
    head_at: Instant,
    /// Whether the current response's body has had bytes yet.
    started: bool,
    /// The burst being received: its last read, its bytes, the silence
    /// before it, whether it is the body's first, and the parser's event
    /// count when it began.
    last_read: Instant,
    burst_bytes: usize,
    silence_before: Millis,
    first_burst: bool,
    events_before: u32,
    /// The parser was in the middle of an event after the burst's last read.
    mid_event: bool,
    /// Buffer-sized bursts seen so far.
    sized_bursts: u32,
}

impl Watch {
    /// A response's head arrived at `now`.
    pub(crate) fn head(&mut self, now: Instant, content_encoding: Option<&str>) -> Option<Sign> {
        self.head_at = now;
        self.started = false;
        self.burst_bytes = 0;
        is_compressed(content_encoding).then_some(Sign::Compressed)
    }

    /// `len` bytes of the body arrived at `now`; `events` is the parser's
    /// count of dispatched events after them, `mid_event` whether it is then
    /// inside an event. (What closes a burst is the next read after a gap,
    /// so a sign is seen when the burst after it begins.)
    pub(crate) fn body(
        &mut self,
        now: Instant,
        len: usize,
        events_before: u32,
        events: u32,
        mid_event: bool,
    ) -> Option<Sign> {
        let mut sign = None;
        if !self.started || now - self.last_read >= BURST_GAP_MS {
            if self.started {
                sign = self.close_burst();
            }
            let since = if self.started { self.last_read } else { self.head_at };
            self.silence_before = now - since;
            self.first_burst = !self.started;
            self.started = true;
            self.burst_bytes = 0;
            self.events_before = events_before;
        }
        self.last_read = now;
        self.burst_bytes = self.burst_bytes.saturating_add(len);
        self.mid_event = mid_event;
        // The first burst's events are counted as they come: the sign is
        // clear as soon as there are enough.
        if sign.is_none() && self.first_burst && self.silence_before >= LATE_FIRST_BYTES_MS {
            let count = events.wrapping_sub(self.events_before);
            if count >= MANY_EVENTS {
                self.first_burst = false;
                sign = Some(Sign::LateFirstBytes {
                    waited_ms: self.silence_before.0,
                    events: count,
                });
            }
        }
        sign
    }

    fn close_burst(&mut self) -> Option<Sign> {
        let bytes = self.burst_bytes;
        let sized = bytes >= BLOCK && bytes % BLOCK == 0;
        if !(sized && self.mid_event && self.silence_before >= SILENCE_MS) {
            return None;
        }
        self.sized_bursts += 1;
        if self.sized_bursts < REPEATS {
            return None;
        }
        let mut size = BLOCK;
        while size < LARGEST && bytes % (size * 2) == 0 {
            size *= 2;
        }
        Some(Sign::BufferSizedBursts { size: size as u32 })
    }
}
