//! Messages written in the wire format (see the table in `mod.rs`).

use alloc::vec::Vec;

use eventsource_core::shared::{Entry, Position, Start};
use js_sys::{Array, Object, Uint8Array};
use wasm_bindgen::prelude::*;

use super::{Frame, Welcome};
use crate::web::env;

/// A message a source posts to its group, before it is written in the
/// wire format (the front-end posts it: `FrontEnd::post`).
pub(crate) enum Outgoing<'a> {
    Hello {
        from: u32,
    },
    Welcome(&'a Welcome),
    /// A body frame straight from the bytes just read (the leader keeps no copy).
    Body(Position, &'a [u8]),
    Frame(Position, &'a Frame),
    Start(&'a Start),
    Claim {
        seen: Option<Position>,
    },
    Handover(&'a [Entry<Frame>]),
    /// Ask the leader to reconnect (`reconnect()` on a follower).
    Reconnect,
}

/// A message queued to be posted (owned: see [`Outgoing`] for the borrowed
/// form the front-end is handed).
pub(crate) enum Post {
    Hello {
        from: u32,
    },
    Welcome(Welcome),
    Frame(Position, Frame),
    Start(Start),
    Claim {
        seen: Option<Position>,
    },
    Handover(Vec<Entry<Frame>>),
    /// Ask the leader to reconnect (`reconnect()` on a follower).
    Reconnect,
}

impl Post {
    pub(crate) fn as_outgoing(&self) -> Outgoing<'_> {
        match self {
            Post::Hello { from } => Outgoing::Hello { from: *from },
            Post::Welcome(w) => Outgoing::Welcome(w),
            Post::Frame(at, f) => Outgoing::Frame(*at, f),
            Post::Start(s) => Outgoing::Start(s),
            Post::Claim { seen } => Outgoing::Claim { seen: *seen },
            Post::Handover(entries) => Outgoing::Handover(entries),
            Post::Reconnect => Outgoing::Reconnect,
        }
    }
}

/// `message` in the wire format.
pub(crate) fn encode(message: &Outgoing<'_>) -> Object {
    match *message {
        Outgoing::Hello { from } => hello(from),
        Outgoing::Welcome(w) => welcome(w),
        Outgoing::Body(at, bytes) => body(at, bytes),
        Outgoing::Frame(at, f) => frame(at, f),
        Outgoing::Start(s) => start(s),
        Outgoing::Claim { seen } => claim(seen),
        Outgoing::Handover(entries) => handover(entries),
        Outgoing::Reconnect => reconnect(),
    }
}

fn object(kind: &str) -> Object {
    let message = Object::new();
    env::set(&message, "t", &JsValue::from_str(kind));
    message
}

fn num(message: &Object, key: &str, value: f64) {
    env::set(message, key, &JsValue::from_f64(value));
}

fn text(message: &Object, key: &str, value: &str) {
    env::set(message, key, &JsValue::from_str(value));
}

fn position(at: Option<Position>) -> JsValue {
    match at {
        Some(at) => Array::of2(&JsValue::from(at.epoch), &JsValue::from(at.seq)).into(),
        None => JsValue::NULL,
    }
}

fn hello(from: u32) -> Object {
    let message = object("h");
    num(&message, "f", from.into());
    message
}

fn welcome(w: &Welcome) -> Object {
    let message = object("w");
    num(&message, "o", w.to.into());
    num(&message, "e", w.at.epoch.into());
    num(&message, "s", w.at.seq.into());
    text(&message, "i", &w.last_event_id);
    num(&message, "r", w.retry.map_or(-1.0, |r| r as f64));
    num(&message, "y", w.ready_state.into());
    text(&message, "u", &w.final_url);
    text(&message, "v", &w.resumed_from);
    message
}

/// A body frame straight from the bytes just read (the leader keeps no copy).
fn body(at: Position, bytes: &[u8]) -> Object {
    let message = object("f");
    num(&message, "e", at.epoch.into());
    num(&message, "s", at.seq.into());
    num(&message, "k", 2.0);
    env::set(&message, "b", &Uint8Array::from(bytes));
    message
}

fn frame(at: Position, frame: &Frame) -> Object {
    let message = object("f");
    num(&message, "e", at.epoch.into());
    num(&message, "s", at.seq.into());
    match frame {
        Frame::Body(bytes) => {
            num(&message, "k", 2.0);
            env::set(&message, "b", &Uint8Array::from(&bytes[..]));
        }
        Frame::Stream => num(&message, "k", 0.0),
        Frame::Open {
            final_url,
            resumed_from,
        } => {
            num(&message, "k", 1.0);
            text(&message, "u", final_url);
            text(&message, "v", resumed_from);
        }
        Frame::Error {
            ready_state,
            reason,
            status_text,
        } => {
            // Every part of the reason, so that each source reads back the
            // same one (a limit keeps its bytes): `contract::reason_parts`.
            let (name, number, word) = crate::contract::reason_parts(*reason);
            num(&message, "k", 3.0);
            num(&message, "y", *ready_state as u8 as f64);
            text(&message, "u", name);
            num(&message, "x", number.into());
            text(&message, "w", word);
            text(&message, "v", status_text);
        }
    }
    message
}

fn start(start: &Start) -> Object {
    let message = object("S");
    num(&message, "e", start.epoch.into());
    env::set(&message, "a", &position(start.after));
    text(&message, "i", &start.last_event_id);
    num(&message, "r", start.retry.map_or(-1.0, |r| r.0 as f64));
    message
}

/// Ask the group's leader to reconnect (`reconnect()` on a follower).
fn reconnect() -> Object {
    object("R")
}

fn claim(seen: Option<Position>) -> Object {
    let message = object("c");
    env::set(&message, "a", &position(seen));
    message
}

fn handover(entries: &[Entry<Frame>]) -> Object {
    let message = object("H");
    let list = Array::new();
    for entry in entries {
        list.push(&JsValue::from(match entry {
            Entry::Frame(at, f) => frame(*at, f),
            Entry::Start(s) => start(s),
        }));
    }
    env::set(&message, "l", &list);
    message
}
