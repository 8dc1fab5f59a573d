//! The stream inspector behind the demo: parse a whole stream and report
//! everything the parser did with it, including what it ignored and why.

use alloc::string::String;

use js_sys::{Array, Object};
use wasm_bindgen::prelude::*;

use sse_core::parser::{Ignored, Parser, RawEvent, RawSink};

struct Report(Array);

fn entry(kind: &str, fields: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    crate::web::env::set(&object, "kind", &kind.into());
    for (key, value) in fields {
        crate::web::env::set(&object, key, value);
    }
    object.into()
}

// The raw face, as the driver's batch uses (the wasm then holds one copy of
// the parser): decoding its bytes as the WHATWG decoder does (what
// `from_utf8_lossy` does) gives the decoded face's events.
impl RawSink for Report {
    fn event(&mut self, e: &RawEvent<'_>) {
        self.0.push(&entry(
            "event",
            &[
                ("type", String::from_utf8_lossy(e.event_type).as_ref().into()),
                ("data", String::from_utf8_lossy(e.data).as_ref().into()),
                ("lastEventId", e.last_event_id.into()),
            ],
        ));
    }

    fn retry(&mut self, milliseconds: u64) {
        self.0.push(&entry("retry", &[("retry", (milliseconds as f64).into())]));
    }

    fn ignored(&mut self, line: &[u8], why: Ignored) {
        self.0.push(&entry(
            "ignored",
            &[
                ("line", String::from_utf8_lossy(line).as_ref().into()),
                ("reason", why.reason().into()),
            ],
        ));
    }
}

/// Parse `bytes` as one whole stream. Returns an array of `{kind: "event",
/// type, data, lastEventId}`, `{kind: "retry", retry}`, `{kind: "ignored",
/// line, reason}` in stream order, then, if the stream ends inside an event,
/// `{kind: "incomplete", pendingLine, pendingData}` (the spec discards it).
#[wasm_bindgen(js_name = inspectStream)]
pub fn inspect_stream(bytes: &[u8]) -> Array {
    let mut parser = Parser::new();
    let mut report = Report(Array::new());
    // No limits are set, so feeding cannot fail.
    let _ = parser.feed_raw(bytes, &mut report as &mut dyn RawSink);
    if parser.pending_line_len() > 0 || parser.pending_data_len() > 0 {
        report.0.push(&entry(
            "incomplete",
            &[
                ("pendingLine", (parser.pending_line_len() as f64).into()),
                ("pendingData", (parser.pending_data_len() as f64).into()),
            ],
        ));
    }
    report.0
}

/// Counts what the parser makes of `bytes` fed in `chunk`-byte pieces
/// (built only for the benchmarks: cargo feature `bench`):
/// `[events, data bytes]`. For measuring the wasm parser alone (the
/// benchmarks), with no JavaScript object made per event.
#[cfg(feature = "bench")]
#[wasm_bindgen(js_name = parseCount)]
pub fn parse_count(bytes: &[u8], chunk: usize) -> alloc::vec::Vec<f64> {
    // The raw face, as the driver uses it.
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
