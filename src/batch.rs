//! Hands all the events a chunk completes to JavaScript in one call.
//!
//! Crossing the wasm boundary once per event would cost more than the parse
//! itself for small events, so the driver collects the events of a chunk into
//! one string plus a table of lengths, and JavaScript decodes the string once
//! and slices it. Per event the table holds three `u32`s, all in UTF-16 code
//! units (what `String.prototype.substring` counts):
//!
//! - the type's length, or 0 for `"message"` (which is then not in the text);
//! - the data's length;
//! - the last event ID's length, or [`SAME_ID`] when it is unchanged since
//!   the previous event handed over (then it is not in the text).
//!
//! The text is the concatenation, event by event, of the type (if not
//! `"message"`), the data, and the ID (if changed). Buffers are reused from
//! chunk to chunk: a steady stream allocates nothing here.

use alloc::string::String;
use alloc::vec::Vec;

use sse_core::parser::{Event, Sink, release_if_huge_string};

/// The ID-length marker for "same last event ID as the previous event".
pub const SAME_ID: u32 = u32::MAX;

#[derive(Default)]
pub struct Batch {
    pub text: String,
    pub meta: Vec<u32>,
    /// The last event ID as JavaScript knows it.
    sent_id: String,
}

impl Batch {
    pub fn is_empty(&self) -> bool {
        self.meta.is_empty()
    }

    /// Forget the events handed over (keeping the buffers' memory, unless a
    /// huge event grew them).
    pub fn clear(&mut self) {
        self.text.clear();
        self.meta.clear();
        release_if_huge_string(&mut self.text);
    }
}

/// The length of `s` in UTF-16 code units: one per scalar value, two for
/// those beyond U+FFFF (the ones encoded in four UTF-8 bytes).
pub fn utf16_len(s: &str) -> u32 {
    if s.is_ascii() {
        return s.len() as u32;
    }
    s.bytes()
        .map(|b| u32::from((b & 0xC0) != 0x80) + u32::from(b >= 0xF0))
        .sum()
}

impl Sink for Batch {
    fn event(&mut self, event: &Event<'_>) {
        // One reservation for all three parts (a large event is then copied
        // once, not again by a reallocation when its ID follows).
        self.text
            .reserve(event.event_type.len() + event.data.len() + event.last_event_id.len());
        let type_len = if event.event_type == "message" {
            0
        } else {
            self.text.push_str(event.event_type);
            utf16_len(event.event_type)
        };
        self.text.push_str(event.data);
        let data_len = utf16_len(event.data);
        let id_len = if event.last_event_id == self.sent_id {
            SAME_ID
        } else {
            self.text.push_str(event.last_event_id);
            self.sent_id.clear();
            self.sent_id.push_str(event.last_event_id);
            utf16_len(event.last_event_id)
        };
        self.meta.extend_from_slice(&[type_len, data_len, id_len]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_lengths_count_surrogate_pairs_twice() {
        for s in ["", "abc", "é", "€", "😀", "a😀b€é", "\u{FFFD}\u{10FFFF}"] {
            assert_eq!(utf16_len(s) as usize, s.encode_utf16().count(), "{s:?}");
        }
    }
}
