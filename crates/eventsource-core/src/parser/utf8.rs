//! UTF-8 decoding of field values (HTML §9.2.6 decodes the stream as
//! UTF-8 with replacement), checked once per chunk where that is cheaper.

use super::*;

/// Values shorter than this are decoded from the [`Checked`] part of the
/// chunk: for them one validation call costs more than their bytes (and
/// `simdutf8` hands inputs under 64 bytes to `core::str`). Longer ones are
/// validated on their own: measured faster for 1 KiB events.
pub(super) const SHORT_VALUE: usize = 64;

/// The part of a chunk checked for UTF-8, so that the events of one data
/// line a chunk holds (most events) are decoded by one validation of the
/// chunk instead of one each: for small events the call costs more than the
/// bytes. The events are slices of it, cut at ASCII bytes (the syntax's),
/// which are always character boundaries.
#[derive(Default)]
pub(super) struct Checked<'c> {
    /// Where in the chunk the checked part starts and ends.
    start: usize,
    end: usize,
    /// The checked part, if it is valid UTF-8.
    text: Option<&'c str>,
}

impl<'c> Checked<'c> {
    /// `chunk[at..at + len]` (a data line's value) as text, if it is valid
    /// UTF-8. Past the checked part, the chunk is checked from `at` to its
    /// last line end (after which the line is incomplete, and may end
    /// inside a character): each byte once (twice in a chunk that is not
    /// valid UTF-8, whose short events are then validated one by one).
    #[inline]
    pub(super) fn text(&mut self, chunk: &'c [u8], at: usize, len: usize) -> Option<&'c str> {
        if at < self.start || at + len > self.end {
            let rest = input_at(chunk, at..);
            // The value's own line end is in the chunk, so there is one.
            let end = memrchr2(b'\n', b'\r', rest).unwrap_or(len);
            self.start = at;
            self.end = at + end;
            self.text = validate(input_at(rest, ..end));
        }
        self.text?.get(at - self.start..at - self.start + len)
    }
}

/// `bytes` as UTF-8, checked: by `simdutf8` with the `simd` feature (it
/// hands inputs under 64 bytes to `core::str` itself), else by `core::str`.
#[inline]
fn validate(bytes: &[u8]) -> Option<&str> {
    #[cfg(feature = "simd")]
    {
        simdutf8::basic::from_utf8(bytes).ok()
    }
    #[cfg(not(feature = "simd"))]
    {
        core::str::from_utf8(bytes).ok()
    }
}

/// The WHATWG "UTF-8 decode" of `bytes`: each maximal invalid subpart becomes
/// U+FFFD (what [`String::from_utf8_lossy`] does). Valid input, nearly all of
/// it, is borrowed after one validation pass; only invalid input allocates.
#[inline]
pub(super) fn decode(bytes: &[u8]) -> Cow<'_, str> {
    match validate(bytes) {
        Some(text) => Cow::Borrowed(text),
        None => String::from_utf8_lossy(bytes),
    }
}

/// The length of `bytes` once decoded (see [`decode`]), without decoding.
pub(super) fn utf8_len(bytes: &[u8]) -> usize {
    match validate(bytes) {
        Some(_) => bytes.len(),
        None => bytes
            .utf8_chunks()
            .map(|chunk| {
                chunk.valid().len()
                    + if chunk.invalid().is_empty() {
                        0
                    } else {
                        '\u{FFFD}'.len_utf8()
                    }
            })
            .sum(),
    }
}

/// Append `bytes` to `out` as UTF-8, replacing each maximal invalid subpart
/// with U+FFFD exactly as the WHATWG decoder does. Valid input (nearly all of
/// it) is copied with one validation pass and no allocation.
pub(super) fn decode_into(out: &mut String, bytes: &[u8]) {
    out.push_str(&decode(bytes));
}
