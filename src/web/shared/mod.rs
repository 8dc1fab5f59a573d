//! The wire format of a shared stream (the `shared` option): what the
//! sources of one group post on their `BroadcastChannel`, written and read
//! here and nowhere else. The rules (who applies what, when a new leader
//! connects, from which ID) are `eventsource_core::shared`'s; the lock and the
//! channel are held by the JavaScript class (`src/js/shared.js`), which
//! posts what the driver hands it and gives the driver what arrives.
//!
//! One message per relayed frame (a chunk of body bytes, never one per
//! event), as plain objects with short keys, since every one is
//! structured-cloned once per receiving source:
//!
//! | `t` | message | fields |
//! | --- | --- | --- |
//! | `h` | hello: a source joined | `f` (its id) |
//! | `w` | welcome, to `o` | `e`, `s` (where the stream is), `i` (last event ID), `r` (retry or -1), `y` (readyState), `u` (final URL), `v` (resumed from) |
//! | `f` | a frame | `e`, `s`, `k` (0 stream, 1 open, 2 body, 3 error), `b` (bytes), `u`, `v` (open: final URL, resumed from; error: the reason's name, the status text), `y` (error: readyState), `x`, `w` (error: the reason's number and word, `contract::reason_parts`) |
//! | `S` | a start | `e`, `a` (`[epoch, seq]` of the cut, or null), `i`, `r` |
//! | `c` | a claim | `a` (what the claimer applied, or null) |
//! | `H` | a handover | `l` (frames and starts, as above) |
//! | `R` | reconnect, to the leader (`reconnect()` on a follower) | |

use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;

use eventsource_core::Millis;
use eventsource_core::machine::{ReadyState, Reason};
use eventsource_core::shared::{Entry, Position, Start};
use js_sys::{Array, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::contract::reason_from_parts;
use crate::web::env;

/// What a leader relays, and every source of the group applies in order.
#[derive(Clone)]
pub(crate) enum Frame {
    /// A new response body began (the parser starts a new stream).
    Stream,
    /// The connection was announced: readyState OPEN, an open event.
    Open { final_url: String, resumed_from: String },
    /// Bytes of the body, exactly as the leader read them.
    Body(Rc<[u8]>),
    /// An error event, and the readyState it leaves.
    Error {
        ready_state: ReadyState,
        reason: Reason,
        status_text: String,
    },
}

/// A message, decoded.
pub(super) enum Message {
    Hello { from: u32 },
    Welcome(Welcome),
    Entry(Entry<Frame>),
    Claim { seen: Option<Position> },
    Handover(Vec<Entry<Frame>>),
    Reconnect,
}

pub(crate) struct Welcome {
    pub to: u32,
    pub at: Position,
    pub last_event_id: String,
    pub retry: Option<u64>,
    pub ready_state: u8,
    pub final_url: String,
    pub resumed_from: String,
}

mod write;
pub(super) use write::{Outgoing, Post, encode};

fn get_u32(message: &JsValue, key: &str) -> Option<u32> {
    env::field(message, key)
        .as_f64()
        .filter(|n| *n >= 0.0 && *n <= u32::MAX as f64)
        .map(|n| n as u32)
}

fn get_text(message: &JsValue, key: &str) -> String {
    env::field(message, key).as_string().unwrap_or_default()
}

fn get_retry(message: &JsValue) -> Option<u64> {
    env::field(message, "r")
        .as_f64()
        .filter(|n| *n >= 0.0)
        .map(|n| n as u64)
}

fn get_position(value: &JsValue) -> Option<Position> {
    let array = value.dyn_ref::<Array>()?;
    let epoch = array.get(0).as_f64()?;
    let seq = array.get(1).as_f64()?;
    Some(Position::new(epoch as u32, seq as u32))
}

fn entry(message: &JsValue) -> Option<Entry<Frame>> {
    let epoch = get_u32(message, "e")?;
    match get_text(message, "t").as_str() {
        "S" => Some(Entry::Start(Start {
            epoch,
            after: get_position(&env::field(message, "a")),
            last_event_id: get_text(message, "i"),
            retry: get_retry(message).map(Millis),
        })),
        "f" => {
            let at = Position::new(epoch, get_u32(message, "s")?);
            let frame = match get_u32(message, "k")? {
                0 => Frame::Stream,
                1 => Frame::Open {
                    final_url: get_text(message, "u"),
                    resumed_from: get_text(message, "v"),
                },
                2 => Frame::Body(env::field(message, "b").dyn_into::<Uint8Array>().ok()?.to_vec().into()),
                3 => Frame::Error {
                    ready_state: if get_u32(message, "y") == Some(2) {
                        ReadyState::Closed
                    } else {
                        ReadyState::Connecting
                    },
                    // A reason this build does not know (a newer version's)
                    // is a network error: the group reconnects.
                    reason: reason_from_parts(
                        &get_text(message, "u"),
                        get_u32(message, "x").unwrap_or(0),
                        &get_text(message, "w"),
                    )
                    .unwrap_or(Reason::Network),
                    status_text: get_text(message, "v"),
                },
                _ => return None,
            };
            Some(Entry::Frame(at, frame))
        }
        _ => None,
    }
}

/// Read a message another source posted; `None` for anything else (a
/// newer version's message, or someone else's use of the channel).
pub(super) fn decode(message: &JsValue) -> Option<Message> {
    if !message.is_object() {
        return None;
    }
    match get_text(message, "t").as_str() {
        "h" => Some(Message::Hello {
            from: get_u32(message, "f")?,
        }),
        "w" => Some(Message::Welcome(Welcome {
            to: get_u32(message, "o")?,
            at: Position::new(get_u32(message, "e")?, get_u32(message, "s")?),
            last_event_id: get_text(message, "i"),
            retry: get_retry(message),
            ready_state: get_u32(message, "y").unwrap_or(0) as u8,
            final_url: get_text(message, "u"),
            resumed_from: get_text(message, "v"),
        })),
        "f" | "S" => entry(message).map(Message::Entry),
        "c" => Some(Message::Claim {
            seen: get_position(&env::field(message, "a")),
        }),
        "R" => Some(Message::Reconnect),
        "H" => {
            let list = env::field(message, "l").dyn_into::<Array>().ok()?;
            Some(Message::Handover(list.iter().filter_map(|m| entry(&m)).collect()))
        }
        _ => None,
    }
}
