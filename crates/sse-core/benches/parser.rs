//! Parser throughput, natively: `cargo bench --bench parser`.
//!
//! Streams of events of 32 B, 1 KiB and 1 MiB of data (ASCII), and 1 KiB of
//! mixed 1–4-byte UTF-8, fed in 64 KiB chunks (what a network read delivers)
//! to a sink that touches every event. Prints MB/s of stream bytes, the median
//! of several runs, and checks that every event arrived.

use std::hint::black_box;
use std::time::{Duration, Instant};

use sse_core::parser::{Event, Parser, Sink};

struct Count {
    events: usize,
    bytes: usize,
}

impl Sink for Count {
    fn event(&mut self, event: &Event<'_>) {
        self.events += 1;
        self.bytes += black_box(event.data).len();
    }
}

fn stream(events: usize, data: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(events * (data.len() + 16));
    for i in 0..events {
        out.extend_from_slice(b"id: ");
        out.extend_from_slice(i.to_string().as_bytes());
        out.extend_from_slice(b"\ndata: ");
        out.extend_from_slice(data.as_bytes());
        out.extend_from_slice(b"\n\n");
    }
    out
}

fn ascii(len: usize) -> String {
    (0..len).map(|i| (b'a' + (i % 26) as u8) as char).collect()
}

fn mixed_utf8(len: usize) -> String {
    let pieces = ["a", "é", "中", "😀", "b", "ж", "€", "𝄞"];
    let mut s = String::new();
    let mut i = 0;
    while s.len() < len {
        s.push_str(pieces[i % pieces.len()]);
        i += 1;
    }
    s
}

fn run(name: &str, events: usize, data: &str) {
    let input = stream(events, data);
    let chunk = 64 * 1024;
    let mut rates = Vec::new();
    let started = Instant::now();
    while rates.len() < 5 || (started.elapsed() < Duration::from_secs(2) && rates.len() < 50) {
        let mut parser = Parser::new();
        let mut sink = Count { events: 0, bytes: 0 };
        let t = Instant::now();
        for piece in input.chunks(chunk) {
            parser.feed(black_box(piece), &mut sink).unwrap();
        }
        let elapsed = t.elapsed().as_secs_f64();
        assert_eq!(sink.events, events, "{name}: every event must arrive");
        assert_eq!(sink.bytes, events * data.len(), "{name}: every byte must arrive");
        rates.push(input.len() as f64 / elapsed / 1e6);
    }
    rates.sort_by(f64::total_cmp);
    let median = rates[rates.len() / 2];
    println!(
        "{name:<14} {events:>8} events  {:>9.1} MiB  {median:>8.0} MB/s  (median of {} runs, min {:.0}, max {:.0})",
        input.len() as f64 / (1 << 20) as f64,
        rates.len(),
        rates[0],
        rates[rates.len() - 1]
    );
}

fn main() {
    println!("parser throughput, native, 64 KiB chunks");
    run("32 B", 200_000, &ascii(32));
    run("1 KiB", 20_000, &ascii(1024));
    run("1 MiB", 32, &ascii(1 << 20));
    run("1 KiB utf-8", 20_000, &mixed_utf8(1024));
}
