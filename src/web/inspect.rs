//! The stream inspector behind the demo: parse a whole stream and report
//! everything the parser did with it, including what it ignored and why.
//! The report crosses as one byte string (decoded and turned into objects
//! by `src/js/inspect.js`), the events' pieces as the raw face gives them.

use alloc::vec::Vec;

use eventsource_core::parser::{Ignored, Parser, RawEvent, RawSink};
use wasm_bindgen::prelude::*;

// The report's entry kinds and the ignored lines' reasons are declared in
// `crate::contract` (the generated `src/js/generated/inspect.js` reads them).
use crate::contract::{
    INSPECT_EVENT as EVENT, INSPECT_IGNORED as IGNORED, INSPECT_INCOMPLETE as INCOMPLETE, INSPECT_RETRY as RETRY,
    ignored_index,
};

struct Report(Vec<u8>);

impl Report {
    fn number(&mut self, n: u64) {
        self.0
            .extend_from_slice(&(n.min(u64::from(u32::MAX)) as u32).to_le_bytes());
    }

    fn bytes(&mut self, bytes: &[u8]) {
        self.number(bytes.len() as u64);
        self.0.extend_from_slice(bytes);
    }
}

impl RawSink for Report {
    fn event(&mut self, e: &RawEvent<'_>) {
        self.0.push(EVENT);
        self.bytes(e.event_type);
        self.bytes(e.data);
        self.bytes(e.last_event_id.as_bytes());
    }

    fn retry(&mut self, milliseconds: u64) {
        self.0.push(RETRY);
        self.0.extend_from_slice(&(milliseconds as f64).to_le_bytes());
    }

    fn ignored(&mut self, line: &[u8], why: Ignored) {
        self.0.push(IGNORED);
        self.bytes(line);
        // The index of the reason in the generated list (`contract::IGNORED`).
        self.0.push(ignored_index(why));
    }
}

/// Parse `bytes` as one whole stream; the report, in stream order, then,
/// if the stream ends inside an event, how much was pending (the spec
/// discards it). Returned as a `Uint8Array` copied from wasm memory in
/// one call: a `Vec<u8>` return would make wasm-bindgen shrink it to a
/// boxed slice and emit a multi-value shim (measured: BENCHMARKS.md, "The
/// wasm's bytes, change by change").
#[wasm_bindgen(js_name = inspectStream)]
pub fn inspect_stream(bytes: &[u8]) -> js_sys::Uint8Array {
    let mut parser = Parser::new();
    let mut report = Report(Vec::new());
    // No limits are set, so feeding cannot fail.
    let _ = parser.feed_raw(bytes, &mut report as &mut dyn RawSink);
    if parser.pending_line_len() > 0 || parser.pending_data_len() > 0 {
        report.0.push(INCOMPLETE);
        report.number(parser.pending_line_len() as u64);
        report.number(parser.pending_data_len() as u64);
    }
    js_sys::Uint8Array::new_from_slice(&report.0)
}

/// Counts what the parser makes of `bytes` fed in `chunk`-byte pieces
/// (built only for the benchmarks: cargo feature `bench`):
/// `[events, data bytes]`. For measuring the wasm parser alone, with no
/// JavaScript object made per event.
#[cfg(feature = "bench")]
#[wasm_bindgen(js_name = parseCount)]
pub fn parse_count(bytes: &[u8], chunk: usize) -> Vec<f64> {
    struct Count(f64, f64);
    impl RawSink for Count {
        fn event(&mut self, e: &RawEvent<'_>) {
            self.0 += 1.0;
            self.1 += e.data.len() as f64;
        }
    }
    let mut parser = Parser::new();
    let mut count = Count(0.0, 0.0);
    for piece in bytes.chunks(chunk.max(1)) {
        let _ = parser.feed_raw(piece, &mut count as &mut dyn RawSink);
    }
    alloc::vec![count.0, count.1]
}
