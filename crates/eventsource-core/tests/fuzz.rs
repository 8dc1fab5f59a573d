//! A seeded random fuzzer for the pure core (no nightly needed, unlike
//! `cargo fuzz`): millions of generated streams and input sequences, each
//! checked against invariants.
//!
//! - parser: never panics; chunked ≡ whole ≡ byte by byte for random
//!   chunkings; stopping at an event boundary and going on gives the same
//!   events; memory is bounded by the pending line and event; the raw face,
//!   decoded by the host, gives the decoded face's events.
//! - machine: never two fetches in flight, nothing but releases after
//!   `close()`, no reconnection after a failed connection, a reconnection
//!   never sooner than the reconnection time.
//!
//! `FUZZ_ITERATIONS` (default 20 000, as `npm test` runs it) and `FUZZ_SEED`
//! set the size and the seed; a failure prints the seed and iteration that
//! reproduce it. The 10-million-input run is recorded in BENCHMARKS.md:
//! `FUZZ_ITERATIONS=10000000 cargo test --release --test fuzz -- --nocapture`.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{DecodedByHost, Outcome, Rng};
use eventsource_core::parser::Parser;

fn iterations() -> u64 {
    std::env::var("FUZZ_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000)
}

fn seed() -> u64 {
    std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5EED_CAFE)
}

const TOKENS: &[&[u8]] = &[
    b"data",
    b"data:",
    b"data: ",
    b"event",
    b"event: ",
    b"id",
    b"id: ",
    b"retry",
    b"retry: ",
    b":",
    b": ",
    b"\n",
    b"\r",
    b"\r\n",
    b"\n\n",
    b"\xEF\xBB\xBF",
    b"\0",
    b"123",
    b"99999999999999999999999",
    "é€😀".as_bytes(),
    b"\xF0\x9F",
    b"\x80",
    b"\xC0\xAF",
    b"x",
    b"long long long long long long long long value",
];

/// A stream of random tokens and random bytes.
fn stream(rng: &mut Rng) -> Vec<u8> {
    let mut out = Vec::new();
    for _ in 0..rng.below(64) {
        if rng.below(8) == 0 {
            for _ in 0..=rng.below(6) {
                out.push(rng.next() as u8);
            }
        } else {
            out.extend_from_slice(TOKENS[rng.below(TOKENS.len() as u64) as usize]);
        }
    }
    out
}

fn parse(bytes: &[u8], cuts: &[usize]) -> (Outcome, String, Option<u64>, usize) {
    let mut parser = Parser::new();
    let mut out = Outcome::default();
    let mut start = 0;
    let mut peak = 0;
    for &cut in cuts.iter().chain([&bytes.len()]) {
        parser.feed(&bytes[start..cut], &mut out).unwrap();
        peak = peak.max(parser.heap_capacity());
        start = cut;
    }
    (out, parser.last_event_id().to_owned(), parser.retry(), peak)
}

#[test]
fn fuzz_the_parser() {
    let (n, seed) = (iterations(), seed());
    let mut rng = Rng(seed | 1);
    for i in 0..n {
        let bytes = stream(&mut rng);
        let mut cuts: Vec<usize> = (0..rng.below(8))
            .map(|_| rng.below(bytes.len() as u64 + 1) as usize)
            .collect();
        cuts.sort_unstable();
        let whole = parse(&bytes, &[]);
        let chunked = parse(&bytes, &cuts);
        assert_eq!(
            (&whole.0, &whole.1, whole.2),
            (&chunked.0, &chunked.1, chunked.2),
            "seed {seed} iteration {i}: chunked differs from whole for {bytes:?} cut at {cuts:?}"
        );
        if i % 16 == 0 {
            let bytewise: Vec<usize> = (1..bytes.len()).collect();
            let by_byte = parse(&bytes, &bytewise);
            assert_eq!(
                (&whole.0, &whole.1),
                (&by_byte.0, &by_byte.1),
                "seed {seed} iteration {i}: byte by byte differs"
            );
        }
        // Memory: bounded by what is pending (a line, an event, the ids),
        // so linear in the input: an invalid byte may become a 3-byte U+FFFD,
        // and buffers grow by doubling.
        assert!(
            chunked.3 <= 8 * bytes.len() + 256,
            "seed {seed} iteration {i}: {} bytes held",
            chunked.3
        );

        // The raw face, in the same chunks and decoded by the host, and
        // stopped at a boundary the same way, is the decoded face.
        let mut parser = Parser::new();
        let mut raw = DecodedByHost(Outcome::default());
        let mut start = 0;
        for &cut in cuts.iter().chain([&bytes.len()]) {
            parser.feed_raw(&bytes[start..cut], &mut raw).unwrap();
            start = cut;
        }
        assert_eq!(
            (&raw.0, parser.last_event_id()),
            (&whole.0, whole.1.as_str()),
            "seed {seed} iteration {i}: the raw face differs for {bytes:?} cut at {cuts:?}"
        );
        let mut parser = Parser::new();
        let mut raw = DecodedByHost(Outcome::default());
        if let Some(consumed) = parser.feed_until_boundary_raw(&bytes, &mut raw).unwrap() {
            parser.feed_raw(&bytes[consumed..], &mut raw).unwrap();
        }
        assert_eq!(
            raw.0, whole.0,
            "seed {seed} iteration {i}: feed_until_boundary_raw then feed_raw differs"
        );

        // Stopping at an event boundary, then going on, changes nothing.
        let mut parser = Parser::new();
        let mut out = Outcome::default();
        if let Some(consumed) = parser.feed_until_boundary(&bytes, &mut out).unwrap() {
            parser.feed(&bytes[consumed..], &mut out).unwrap();
        }
        assert_eq!(
            out, whole.0,
            "seed {seed} iteration {i}: feed_until_boundary then feed differs"
        );
    }
    println!("parser: {n} inputs from seed {seed}, every invariant held");
}

#[test]
fn fuzz_the_machine() {
    let (n, seed) = (iterations(), seed());
    let mut rng = Rng(seed.rotate_left(17) | 1);
    let mut sink = Vec::new();
    for i in 0..n {
        let mut m = common::machine(rng.next(), rng.next());
        let mut watch = common::Watch::default();
        let mut now = 0;
        let mut trace: Vec<&str> = Vec::new();
        for _ in 0..rng.below(40) {
            let input = common::step(&mut m, &mut now, rng.next(), rng.next(), &mut sink);
            trace.push(input);
            if let Err(broken) = watch.check(&mut m, now, input) {
                panic!("seed {seed} iteration {i}: {broken} after {trace:?}");
            }
        }
        sink.clear();
    }
    println!("machine: {n} input sequences from seed {seed}, every invariant held");
}
