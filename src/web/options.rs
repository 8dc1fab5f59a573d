//! The second constructor argument: `withCredentials` (read by the JS class,
//! as WebIDL converts it) and this package's opt-in options, each checked
//! here with an error that says what is wrong. With none of them set, the
//! source behaves exactly as the spec says.

use alloc::string::String;

use js_sys::{Function, Reflect};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::machine::{MAX_TIMER_DELAY, ReconnectPolicy};
use crate::parser::Limits;

/// `headers`: fixed, or asked for before every connection.
pub enum HeadersOption {
    /// A plain object, a `Headers` or an array of pairs.
    Fixed(JsValue),
    /// Called before every connection; returns one of the above or a promise of one.
    Function(Function),
}

pub struct Options {
    pub transport: Option<String>,
    pub headers: Option<HeadersOption>,
    pub method: Option<String>,
    pub body: JsValue,
    pub fetch: Option<Function>,
    pub before_reconnect: Option<Function>,
    pub heartbeat_timeout: Option<u64>,
    pub last_event_id: Option<String>,
    pub limits: Limits,
    pub policy: ReconnectPolicy,
    /// Test hook: panic inside the driver when the first chunk arrives, to
    /// prove a panic stays contained. Not for production use.
    pub panic_on_chunk: bool,
}

pub(super) fn type_error(message: &str) -> JsValue {
    js_sys::TypeError::new(message).into()
}

fn error(option: &str, expected: &str) -> JsValue {
    let mut message = String::from("eventsource-wasm: the ");
    message.push_str(option);
    message.push_str(" option must be ");
    message.push_str(expected);
    type_error(&message)
}

fn get(target: &JsValue, key: &str) -> Option<JsValue> {
    if !target.is_object() {
        return None;
    }
    Reflect::get(target, &JsValue::from_str(key))
        .ok()
        .filter(|v| !v.is_undefined())
}

fn string(target: &JsValue, key: &str) -> Result<Option<String>, JsValue> {
    match get(target, key) {
        None => Ok(None),
        Some(v) => v.as_string().map(Some).ok_or_else(|| error(key, "a string")),
    }
}

fn function(target: &JsValue, key: &str) -> Result<Option<Function>, JsValue> {
    match get(target, key) {
        None => Ok(None),
        Some(v) => v.dyn_into::<Function>().map(Some).map_err(|_| error(key, "a function")),
    }
}

/// A non-negative whole number of milliseconds (or bytes), capped.
fn count(target: &JsValue, key: &str, cap: u64) -> Result<Option<u64>, JsValue> {
    match get(target, key) {
        None => Ok(None),
        Some(v) => match v.as_f64() {
            Some(n) if n >= 0.0 && n.is_finite() => Ok(Some((n as u64).min(cap))),
            _ => Err(error(key, "a non-negative number")),
        },
    }
}

fn reconnect_policy(value: &JsValue) -> Result<ReconnectPolicy, JsValue> {
    let mut policy = ReconnectPolicy::default();
    if !value.is_object() {
        return Err(error("reconnect", "an object"));
    }
    if let Some(ms) = count(value, "initialDelay", MAX_TIMER_DELAY)? {
        policy.initial_delay = ms;
    }
    if let Some(ms) = count(value, "maxDelay", MAX_TIMER_DELAY)? {
        policy.max_delay = ms;
    }
    match string(value, "backoff")?.as_deref() {
        None | Some("none") => {}
        Some("exponential") => policy.exponential = true,
        Some(_) => return Err(error("reconnect.backoff", "'exponential' or 'none'")),
    }
    if let Some(v) = get(value, "jitter") {
        match v.as_f64() {
            Some(j) if (0.0..=1.0).contains(&j) => policy.jitter = j,
            _ => return Err(error("reconnect.jitter", "a number from 0 to 1")),
        }
    }
    if let Some(n) = count(value, "maxRetries", u64::from(u32::MAX))? {
        policy.max_retries = Some(n as u32);
    }
    Ok(policy)
}

/// Read and check every option of `init` (which may be undefined).
pub fn parse(init: &JsValue) -> Result<Options, JsValue> {
    let headers = match get(init, "headers") {
        None => None,
        Some(v) if v.is_function() => Some(HeadersOption::Function(v.unchecked_into())),
        Some(v) if v.is_object() => Some(HeadersOption::Fixed(v)),
        Some(_) => {
            return Err(error(
                "headers",
                "an object, a Headers, an array of pairs, or a function returning one",
            ));
        }
    };
    let limits = Limits {
        max_line_length: count(init, "maxLineLength", u64::MAX)?.map(|n| n as usize),
        max_event_size: count(init, "maxEventSize", u64::MAX)?.map(|n| n as usize),
    };
    let policy = match get(init, "reconnect") {
        None => ReconnectPolicy::default(),
        Some(v) => reconnect_policy(&v)?,
    };
    let heartbeat_timeout = count(init, "heartbeatTimeout", MAX_TIMER_DELAY)?;
    if heartbeat_timeout == Some(0) {
        return Err(error("heartbeatTimeout", "a positive number of milliseconds"));
    }
    Ok(Options {
        transport: string(init, "transport")?,
        headers,
        method: string(init, "method")?,
        body: get(init, "body").unwrap_or(JsValue::UNDEFINED),
        fetch: function(init, "fetch")?,
        before_reconnect: function(init, "beforeReconnect")?,
        heartbeat_timeout,
        last_event_id: string(init, "lastEventId")?,
        limits,
        policy,
        panic_on_chunk: get(init, "__testPanicOnChunk").is_some_and(|v| v.is_truthy()),
    })
}
