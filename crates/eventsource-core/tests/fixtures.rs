//! The fixture table: every `tests/fixtures/NAME.sse` is parsed and compared
//! with `NAME.json` (written by hand from the spec by `generate.py`).
//!
//! Each stream is parsed whole, split in two at every offset, and byte by
//! byte; all must give the same events, last event ID and reconnection time.
//! For the few fixtures over 64 KiB, "every offset" would be quadratic, so
//! those are split at every offset within 4 KiB of either end and at 4096
//! evenly spaced offsets in between.
//!
//! The raw face ([`Parser::feed_raw`]) is checked the same way: its events,
//! each part decoded with `String::from_utf8_lossy` (the WHATWG decoder with
//! replacement), must be exactly the decoded face's.
//!
//! Each fixture is six tests (`NAME::whole`, `NAME::every_split`,
//! `NAME::byte_by_byte` and the same three as `NAME::raw_…`), listed by name
//! in the output.

// Native only: the fixtures are read from disk (the wasm build of this test
// target is an empty program, so `wasm-pack test` can build every target).
#[cfg(not(target_arch = "wasm32"))]
mod common;

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::fs;
    use std::path::{Path, PathBuf};

    use eventsource_core::parser::Parser;
    use libtest_mimic::{Arguments, Failed, Trial};
    use serde_json::Value;

    // The sinks are the other tests' (tests/common): the decoded face's
    // events, and the raw face's decoded as a browser's `TextDecoder` would.
    use super::common::{self, DecodedByHost};

    /// What a whole parse must give: the events, then the last event ID and
    /// reconnection time it leaves.
    #[derive(Debug, Default, PartialEq)]
    struct Outcome {
        events: Vec<(String, String, String)>,
        last_event_id: String,
        retry: Option<u64>,
    }

    #[derive(Clone, Copy, Debug)]
    enum Face {
        Decoded,
        Raw,
    }

    fn parse(face: Face, chunks: &[&[u8]]) -> Outcome {
        let mut parser = Parser::new();
        let mut sink = DecodedByHost(common::Outcome::default());
        for chunk in chunks {
            match face {
                Face::Decoded => parser.feed(chunk, &mut sink.0),
                Face::Raw => parser.feed_raw(chunk, &mut sink),
            }
            .expect("no limits are set, so feeding cannot fail");
        }
        Outcome {
            events: sink.0.events,
            last_event_id: parser.last_event_id().to_owned(),
            retry: parser.retry(),
        }
    }

    fn expected(json: &Value) -> Outcome {
        let text = |v: &Value, k: &str| {
            v[k].as_str()
                .unwrap_or_else(|| panic!("{k} must be a string"))
                .to_owned()
        };
        Outcome {
            events: json["events"]
                .as_array()
                .expect("events must be an array")
                .iter()
                .map(|e| (text(e, "type"), text(e, "data"), text(e, "lastEventId")))
                .collect(),
            last_event_id: text(json, "lastEventId"),
            retry: json["retry"].as_u64(),
        }
    }

    fn split_offsets(len: usize) -> Vec<usize> {
        const SMALL: usize = 64 * 1024;
        if len <= SMALL {
            return (0..=len).collect();
        }
        let mut offsets: Vec<usize> = (0..4096).chain(len - 4096..=len).collect();
        offsets.extend((0..4096).map(|i| i * len / 4096));
        offsets.sort_unstable();
        offsets.dedup();
        offsets
    }

    fn fixtures() -> Vec<PathBuf> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let mut paths: Vec<PathBuf> = fs::read_dir(&dir)
            .expect("tests/fixtures exists")
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "sse"))
            .collect();
        paths.sort();
        paths
    }

    struct Fixture {
        name: String,
        description: String,
        bytes: Vec<u8>,
        want: Outcome,
    }

    impl Fixture {
        fn load(path: &Path) -> Fixture {
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            let bytes = fs::read(path).unwrap();
            let json: Value = serde_json::from_slice(&fs::read(path.with_extension("json")).unwrap())
                .unwrap_or_else(|e| panic!("{name}.json: {e}"));
            Fixture {
                description: json["description"].as_str().unwrap_or("").to_owned(),
                want: expected(&json),
                name,
                bytes,
            }
        }

        fn check(&self, how: &str, got: Outcome) -> Result<(), Failed> {
            if got == self.want {
                return Ok(());
            }
            Err(format!(
                "{} ({how}) — {}\n  got  {:?}\n  want {:?}",
                self.name,
                self.description,
                abbreviate(&got),
                abbreviate(&self.want)
            )
            .into())
        }
    }

    /// Long fixtures would print megabytes on failure: shorten each string.
    fn abbreviate(o: &Outcome) -> String {
        let short = |s: &str| {
            if s.len() > 80 {
                format!("{}…({} bytes)", s.chars().take(80).collect::<String>(), s.len())
            } else {
                s.to_owned()
            }
        };
        let events: Vec<_> = o
            .events
            .iter()
            .take(5)
            .map(|(t, d, i)| (t.clone(), short(d), short(i)))
            .collect();
        format!(
            "{} events {events:?}, lastEventId {:?}, retry {:?}",
            o.events.len(),
            short(&o.last_event_id),
            o.retry
        )
    }

    pub fn main() {
        let args = Arguments::from_args();
        let paths = fixtures();
        let mut trials = vec![Trial::test("there_are_at_least_forty_fixtures", {
            let n = paths.len();
            move || {
                if n >= 40 {
                    Ok(())
                } else {
                    Err(format!("only {n} fixtures").into())
                }
            }
        })];
        for path in paths {
            let fixture = std::sync::Arc::new(Fixture::load(&path));
            for (face, prefix) in [(Face::Decoded, ""), (Face::Raw, "raw_")] {
                let f = fixture.clone();
                trials.push(Trial::test(format!("{}::{prefix}whole", fixture.name), move || {
                    f.check("whole", parse(face, &[&f.bytes]))
                }));
                let f = fixture.clone();
                trials.push(Trial::test(
                    format!("{}::{prefix}every_split", fixture.name),
                    move || {
                        for at in split_offsets(f.bytes.len()) {
                            let (a, b) = f.bytes.split_at(at);
                            f.check(&format!("{face:?}, split at byte {at}"), parse(face, &[a, b]))?;
                        }
                        Ok(())
                    },
                ));
                let f = fixture.clone();
                trials.push(Trial::test(format!("{}::{prefix}byte_by_byte", f.name), move || {
                    let chunks: Vec<&[u8]> = f.bytes.chunks(1).collect();
                    f.check(&format!("{face:?}, byte by byte"), parse(face, &chunks))
                }));
            }
        }
        libtest_mimic::run(&args, trials).exit();
    }
}

fn main() {
    #[cfg(not(target_arch = "wasm32"))]
    native::main();
}
