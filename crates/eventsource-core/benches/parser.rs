//! Parser throughput, natively, side by side with the `sse-stream` crate:
//! `cargo bench -p eventsource-core --bench parser`.
//!
//! Three streams, each fed in 16 KiB and in 1 KiB chunks:
//!
//! - small: 1,000,000 events of 32 B of ASCII data (`data: …` and a blank line);
//! - medium: 100,000 events of 1 KiB of mixed text (about 90 % ASCII, the rest
//!   2-, 3- and 4-byte UTF-8), each with an `id:` line, `event:` on every 5th
//!   and a comment line on every 10th;
//! - large: 200 events of 1 MiB of the same mixed text, sent as 1 KiB `data:`
//!   lines, each with an `id:` line.
//!
//! `ours` is the decoded face (`&str` events, as `sse-stream` gives);
//! `ours, raw` the raw face (undecoded bytes), shown for what decoding costs.
//! Every implementation parses every stream once per round, the order
//! rotating from round to round so that none is always first after another's
//! run; the table gives each one's median MB/s (stream bytes) and the median
//! of the per-round ratios. Every run is checked: the number of events and
//! the total bytes of their data must be what the stream holds, so a fast
//! but wrong run fails the benchmark instead of winning it.
//!
//! The text is valid UTF-8 on purpose: `sse-stream` fails on invalid bytes
//! where the spec (and this parser) decode them to U+FFFD.
//!
//! `BENCH_ROUNDS` sets the number of rounds (default 11), `BENCH_CHUNK` keeps
//! one chunk size (in bytes); an argument that is not a flag keeps only the
//! scenarios whose name contains it (for profiling one: `valgrind
//! --tool=callgrind --toggle-collect='parser::ours' <bench binary> small`).

use std::convert::Infallible;
use std::hint::black_box;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::Instant;

use eventsource_core::parser::{Event, Parser, RawEvent, RawSink, Sink};
use futures_util::Stream;

/// What a run produced: the check that it parsed the stream right.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Outcome {
    events: usize,
    data_bytes: usize,
}

struct Count(Outcome);

impl Sink for Count {
    fn event(&mut self, event: &Event<'_>) {
        self.0.events += 1;
        self.0.data_bytes += black_box(event.data).len();
        black_box((event.event_type, event.last_event_id));
    }
}

fn ours(input: &[u8], chunk: usize) -> Outcome {
    let mut parser = Parser::new();
    let mut sink = Count(Outcome::default());
    for piece in input.chunks(chunk) {
        parser.feed(black_box(piece), &mut sink).unwrap();
    }
    sink.0
}

impl RawSink for Count {
    fn event(&mut self, event: &RawEvent<'_>) {
        self.0.events += 1;
        self.0.data_bytes += black_box(event.data).len();
        black_box((event.event_type, event.last_event_id));
    }
}

/// The raw face (no decoding of type and data), for comparison: what a host
/// that decodes the bytes itself gets.
fn ours_raw(input: &[u8], chunk: usize) -> Outcome {
    let mut parser = Parser::new();
    let mut sink = Count(Outcome::default());
    for piece in input.chunks(chunk) {
        parser.feed_raw(black_box(piece), &mut sink).unwrap();
    }
    sink.0
}

fn sse_stream(input: &[u8], chunk: usize) -> Outcome {
    let chunks = futures_util::stream::iter(input.chunks(chunk).map(|piece| Ok::<_, Infallible>(black_box(piece))));
    let mut stream = pin!(sse_stream::SseByteStream::new(chunks));
    let mut cx = Context::from_waker(Waker::noop());
    let mut outcome = Outcome::default();
    // The chunks are all at hand, so the stream is always ready.
    while let Poll::Ready(Some(item)) = stream.as_mut().poll_next(&mut cx) {
        let sse = item.expect("the benchmark's streams are valid");
        if let Some(data) = black_box(sse).data {
            outcome.events += 1;
            outcome.data_bytes += data.len();
        }
    }
    outcome
}

/// A small deterministic generator (xorshift64*), so every run parses the same text.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

/// `len` bytes of text: about 90 % of the bytes ASCII (no CR or LF), the
/// rest 2-, 3- and 4-byte sequences (one character in 28, 3 bytes on
/// average), padded with ASCII to the exact length.
fn mixed_text(rng: &mut Rng, len: usize) -> String {
    const ASCII: &[u8] = b"abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789 .,;:!?-_()[]{}\"'/";
    const WIDE: [char; 9] = ['é', 'ж', 'ß', '€', '中', 'ह', '😀', '𝄞', '🚀'];
    let mut s = String::with_capacity(len);
    while s.len() + 4 < len {
        let r = rng.next();
        if r % 28 == 0 {
            s.push(WIDE[(r >> 8) as usize % WIDE.len()]);
        } else {
            s.push(ASCII[(r >> 8) as usize % ASCII.len()] as char);
        }
    }
    while s.len() < len {
        s.push('x');
    }
    s
}

struct Scenario {
    name: &'static str,
    input: Vec<u8>,
    want: Outcome,
}

fn small() -> Scenario {
    let data = "abcdefghijklmnopqrstuvwxyz012345";
    let n = 1_000_000;
    let mut input = Vec::with_capacity(n * (data.len() + 8));
    for _ in 0..n {
        input.extend_from_slice(b"data: ");
        input.extend_from_slice(data.as_bytes());
        input.extend_from_slice(b"\n\n");
    }
    Scenario {
        name: "small: 1,000,000 × 32 B",
        input,
        want: Outcome {
            events: n,
            data_bytes: n * data.len(),
        },
    }
}

fn medium() -> Scenario {
    let mut rng = Rng(0x5EED_0001);
    let pool: Vec<String> = (0..997).map(|_| mixed_text(&mut rng, 1024)).collect();
    let n = 100_000;
    let mut input = Vec::with_capacity(n * 1100);
    for i in 0..n {
        if i % 10 == 0 {
            input.extend_from_slice(b": a comment, as a server sends to keep the connection alive\n");
        }
        input.extend_from_slice(format!("id: {i}\n").as_bytes());
        if i % 5 == 0 {
            input.extend_from_slice(b"event: update\n");
        }
        input.extend_from_slice(b"data: ");
        input.extend_from_slice(pool[i % pool.len()].as_bytes());
        input.extend_from_slice(b"\n\n");
    }
    Scenario {
        name: "medium: 100,000 × 1 KiB",
        input,
        want: Outcome {
            events: n,
            data_bytes: n * 1024,
        },
    }
}

fn large() -> Scenario {
    let mut rng = Rng(0x5EED_0002);
    let pool: Vec<String> = (0..251).map(|_| mixed_text(&mut rng, 1024)).collect();
    let (n, lines) = (200, 1024);
    let mut input = Vec::with_capacity(n * lines * 1032);
    let mut k = 0;
    for i in 0..n {
        input.extend_from_slice(format!("id: {i}\n").as_bytes());
        for _ in 0..lines {
            input.extend_from_slice(b"data: ");
            input.extend_from_slice(pool[k % pool.len()].as_bytes());
            input.push(b'\n');
            k += 1;
        }
        input.push(b'\n');
    }
    Scenario {
        name: "large: 200 × 1 MiB",
        input,
        want: Outcome {
            events: n,
            // The lines' values joined by LFs.
            data_bytes: n * (lines * 1024 + lines - 1),
        },
    }
}

type Implementation = (&'static str, fn(&[u8], usize) -> Outcome);

/// `ours` (the decoded face, `&str` events as sse-stream gives) first: the
/// ratio is taken against it.
const IMPLEMENTATIONS: [Implementation; 3] = [("ours", ours), ("sse-stream", sse_stream), ("ours, raw", ours_raw)];

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() {
    let rounds: usize = std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(11);
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let scenarios: Vec<Scenario> = [small as fn() -> Scenario, medium, large]
        .into_iter()
        .map(|make| make())
        .filter(|s| filter.as_ref().is_none_or(|f| s.name.contains(f.as_str())))
        .collect();
    let chunks: Vec<usize> = match std::env::var("BENCH_CHUNK") {
        Ok(c) => vec![c.parse().unwrap()],
        Err(_) => vec![16 * 1024, 1024],
    };

    // rates[scenario][chunk][implementation] = MB/s of each round.
    let mut rates = vec![vec![vec![Vec::new(); IMPLEMENTATIONS.len()]; chunks.len()]; scenarios.len()];
    for round in 0..rounds {
        for (s, scenario) in scenarios.iter().enumerate() {
            for (c, &chunk) in chunks.iter().enumerate() {
                for k in 0..IMPLEMENTATIONS.len() {
                    let i = (k + round) % IMPLEMENTATIONS.len();
                    let (name, run) = IMPLEMENTATIONS[i];
                    let started = Instant::now();
                    let got = run(black_box(&scenario.input), chunk);
                    let seconds = started.elapsed().as_secs_f64();
                    assert_eq!(
                        got, scenario.want,
                        "{name} on {} in {chunk}-byte chunks: wrong events",
                        scenario.name
                    );
                    rates[s][c][i].push(scenario.input.len() as f64 / seconds / 1e6);
                }
            }
        }
        eprint!("\rround {}/{rounds}", round + 1);
    }
    eprintln!();

    println!("parser throughput, native; MB/s of stream bytes, median of {rounds} rounds");
    println!();
    print!("| scenario | stream | chunk |");
    for (name, _) in &IMPLEMENTATIONS {
        print!(" {name} MB/s |");
    }
    println!(" ours ÷ sse-stream |");
    println!("|---|---|---|{}---|", "---|".repeat(IMPLEMENTATIONS.len()));
    let sse = IMPLEMENTATIONS.iter().position(|(n, _)| *n == "sse-stream").unwrap();
    for (s, scenario) in scenarios.iter().enumerate() {
        for (c, &chunk) in chunks.iter().enumerate() {
            print!(
                "| {} | {:.1} MB | {} KiB |",
                scenario.name,
                scenario.input.len() as f64 / 1e6,
                chunk / 1024
            );
            for runs in &rates[s][c] {
                print!(" {:.0} |", median(&mut runs.clone()));
            }
            // The ratio of each round's pair, then the median: the two ran
            // next to each other, so the machine's load mostly cancels out.
            let mut ratios: Vec<f64> = rates[s][c][0]
                .iter()
                .zip(&rates[s][c][sse])
                .map(|(o, t)| o / t)
                .collect();
            println!(" {:.2}× |", median(&mut ratios));
        }
    }
}
