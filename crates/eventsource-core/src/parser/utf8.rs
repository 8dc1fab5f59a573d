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
/// U+FFFD (what `String::from_utf8_lossy` does). Valid input, nearly all of
/// it, is borrowed after one validation pass; only invalid input allocates.
#[inline]
pub(super) fn decode(bytes: &[u8]) -> Cow<'_, str> {
    match validate(bytes) {
        Some(text) => Cow::Borrowed(text),
        None => {
            let mut out = String::with_capacity(bytes.len() + 2);
            lossy(bytes, &mut |piece| out.push_str(piece));
            Cow::Owned(out)
        }
    }
}

/// The length of `bytes` once decoded (see [`decode`]), without decoding.
pub(super) fn utf8_len(bytes: &[u8]) -> usize {
    match validate(bytes) {
        Some(_) => bytes.len(),
        None => {
            let mut len = 0;
            lossy(bytes, &mut |piece| len += piece.len());
            len
        }
    }
}

/// Append `bytes` to `out` as UTF-8, replacing each maximal invalid subpart
/// with U+FFFD exactly as the WHATWG decoder does. Valid input (nearly all of
/// it) is copied with one validation pass and no allocation.
pub(super) fn decode_into(out: &mut String, bytes: &[u8]) {
    match validate(bytes) {
        Some(text) => out.push_str(text),
        None => lossy(bytes, &mut |piece| out.push_str(piece)),
    }
}

/// The WHATWG "UTF-8 decode" with replacement (Encoding Standard §4.1 and
/// the UTF-8 decoder, §8.1.1), as pieces of text in order: the valid runs,
/// and one `"\u{FFFD}"` for each maximal invalid subpart (the bytes the
/// decoder consumed before it saw the error: a lead byte and the
/// continuation bytes that fit it; a byte that does not fit starts over).
///
/// `core::str::from_utf8`'s error tells exactly that: `valid_up_to()` ends
/// the valid run, `error_len()` is the subpart's length (`None`: the input
/// ends inside a sequence, which is one subpart to the end). So the only
/// validator in the wasm is the one valid input already goes through, and
/// core's `Utf8Chunks` (the machinery of `String::from_utf8_lossy`) is left
/// out (measured: BENCHMARKS.md, "The wasm's bytes, change by change").
/// Each byte is validated at most twice (its run again, once its end is
/// known), so the work stays linear. `dyn`: one copy for every caller.
fn lossy(mut bytes: &[u8], piece: &mut dyn FnMut(&str)) {
    loop {
        match core::str::from_utf8(bytes) {
            Ok(text) => {
                piece(text);
                return;
            }
            Err(error) => {
                let valid = error.valid_up_to();
                piece(core::str::from_utf8(input_at(bytes, ..valid)).unwrap_or_default());
                piece("\u{FFFD}");
                match error.error_len() {
                    Some(len) => bytes = input_at(bytes, valid + len..),
                    None => return,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    //! The decoder against std's `String::from_utf8_lossy` (which follows
    //! the same maximal-subpart rule): every sequence class, the parser's
    //! fixtures, and arbitrary bytes.
    extern crate std;

    use super::*;
    use alloc::vec::Vec;
    use proptest::prelude::*;

    fn ours(bytes: &[u8]) -> String {
        let mut out = String::new();
        decode_into(&mut out, bytes);
        assert_eq!(out, decode(bytes), "decode and decode_into agree");
        assert_eq!(out.len(), utf8_len(bytes), "utf8_len is the decoded length");
        out
    }

    fn check(bytes: &[u8]) {
        assert_eq!(ours(bytes), String::from_utf8_lossy(bytes), "decoding {bytes:02X?}");
    }

    #[test]
    fn each_maximal_invalid_subpart_is_one_replacement_character() {
        for bytes in [
            &b""[..],
            b"plain",
            "é€😀".as_bytes(),
            &[0x80],
            &[0xFF, 0xFE],
            &[0xC0, 0xAF],
            &[0xC2],
            &[0xC2, b'a'],
            &[0xE0, 0x80, 0x80],
            &[0xE0, 0xA0],
            &[0xE2, 0x82, b'x'],
            &[0xED, 0xA0, 0x80],
            &[0xED, 0x9F, 0xBF],
            &[0xF0, 0x8F, 0xBF, 0xBF],
            &[0xF0, 0x9F, 0x98],
            &[0xF4, 0x90, 0x80, 0x80],
            &[0xF5, 0x80],
            &[b'a', 0xF0, 0x9F, b'b', 0xE2, 0x82, 0xAC, 0x80, b'c', 0xF0],
        ] {
            check(bytes);
        }
    }

    #[test]
    fn the_parsers_fixtures_decode_as_std_decodes_them() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let mut seen = 0;
        for entry in std::fs::read_dir(&dir).expect("tests/fixtures is readable") {
            let path = entry.expect("a fixture entry").path();
            if path.extension().is_some_and(|e| e == "sse") {
                let bytes: Vec<u8> = std::fs::read(&path).expect("a fixture is readable");
                check(&bytes);
                // And each line, as the parser decodes field values one by one.
                for line in bytes.split(|&b| b == b'\n' || b == b'\r') {
                    check(line);
                }
                seen += 1;
            }
        }
        assert!(
            seen > 50,
            "expected the parser's fixtures in {}, found {seen}",
            dir.display()
        );
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_decode_as_std_decodes_them(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
            prop_assert_eq!(ours(&bytes), String::from_utf8_lossy(&bytes));
        }

        #[test]
        fn bytes_near_utf8_decode_as_std_decodes_them(parts in prop::collection::vec(prop_oneof![
            Just("a".as_bytes().to_vec()),
            Just("é😀€".as_bytes().to_vec()),
            (0x80u8..=0xFF).prop_map(|b| alloc::vec![b]),
            prop::collection::vec(0x80u8..=0xBF, 1..4),
        ], 0..40)) {
            let bytes = parts.concat();
            prop_assert_eq!(ours(&bytes), String::from_utf8_lossy(&bytes));
        }
    }
}
