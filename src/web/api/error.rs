//! [`BuildError`]: an option that cannot work, said so that the user can
//! act on it.

use alloc::string::String;
use core::fmt;

use wasm_bindgen::JsValue;

use super::options::{Storage, Transport};
use crate::web::env;

/// An option that cannot work, found by [`Builder::build`](super::Builder::build).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum BuildError {
    /// The URL cannot be parsed (relative URLs resolve against the realm's
    /// `location`), or its user name or password is not percent-encoded
    /// UTF-8.
    Url { url: String, why: String },
    /// A header name or value the platform refuses.
    Header { name: String, why: String },
    /// A method that is not an HTTP token, or one Fetch forbids (CONNECT,
    /// TRACE, TRACK).
    Method(String),
    /// A reconnection jitter outside 0–1.
    Jitter(f64),
    /// The transport asked for (or any) cannot run in this realm.
    Transport { transport: Transport, why: &'static str },
    /// The storage [`Builder::persist_last_event_id`](super::Builder::persist_last_event_id) names is not there.
    Storage { storage: Storage, why: String },
    /// `shared()` (without a key) with a request that cannot be compared:
    /// what it is.
    NotComparable(&'static str),
}

// Text and integers only: `{:?}` (string escaping) and an `f64`'s Display
// (float printing) would bring about 12 KB of `core::fmt` into every app
// that depends on the crate, for messages it may never show (measured:
// BENCHMARKS.md, "In a Rust app").
impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("eventsource-wasm: ")?;
        match self {
            BuildError::Url { url, why } => write!(f, "the URL \"{url}\" cannot be used: {why}"),
            BuildError::Header { name, why } => write!(f, "the header \"{name}\" cannot be sent: {why}"),
            BuildError::Method(method) => write!(
                f,
                "the method \"{method}\" cannot be sent: it must be an HTTP token other than CONNECT, TRACE or TRACK"
            ),
            BuildError::Jitter(jitter) => write!(
                f,
                "the reconnection jitter must be a fraction from 0 to 1 (0.5 adds up to half the delay), and this one is {}",
                if jitter.is_nan() {
                    "not a number"
                } else if *jitter < 0.0 {
                    "below 0"
                } else {
                    "above 1"
                }
            ),
            BuildError::Transport { transport, why } => {
                write!(f, "the {} transport cannot be used: {why}", transport.name())
            }
            BuildError::Storage { storage, why } => write!(
                f,
                "persist_last_event_id needs {}, which cannot be used here: {why}",
                storage.global_name()
            ),
            BuildError::NotComparable(what) => write!(
                f,
                "shared() shares a connection only among sources whose requests are the same (no tab may receive events fetched with another's credentials), and {what} cannot be compared; give fixed headers, or use shared_with_key(key) to promise that every source with that key may see the same events"
            ),
        }
    }
}

impl core::error::Error for BuildError {}

/// `value` as text, for a message (a JavaScript error's `message`).
pub(crate) fn describe(value: &JsValue) -> String {
    if let Some(text) = value.as_string() {
        return text;
    }
    let message = env::field(value, "message").as_string();
    let name = env::field(value, "name").as_string();
    match (name, message) {
        (Some(name), Some(message)) => alloc::format!("{name}: {message}"),
        (None, Some(message)) => message,
        _ => String::from("an exception"),
    }
}
