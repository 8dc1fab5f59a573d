//! What a source was constructed with. The JavaScript class has already
//! checked and normalized every option (so that a bad one throws in the
//! constructor, before any WebAssembly is needed); this reads the result.

use alloc::string::String;

use js_sys::{Function, Reflect};
use sse_core::machine::{Config, ReconnectPolicy};
use sse_core::parser::Limits;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// Which transport carries the requests (chosen by the JavaScript class).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Fetch,
    Xhr,
}

pub struct Settings {
    pub with_credentials: bool,
    pub transport: Transport,
    pub fetch: Option<Function>,
    /// The URL's user name and password, decoded: XHR answers a challenge
    /// with them itself, as the platform's EventSource does.
    pub user: Option<(String, String)>,
    /// The `shared` option, where this realm can share (the JavaScript
    /// class decided): one connection for the group.
    pub shared: bool,
    /// The `onComment` option: hand comment lines to JavaScript too.
    pub comments: bool,
    /// Test hook (cargo feature `test-hooks`, never in the npm build):
    /// panic when the first chunk arrives, to prove a panic stays contained.
    #[cfg(feature = "test-hooks")]
    pub panic_on_chunk: bool,
}

fn get(init: &JsValue, key: &str) -> JsValue {
    Reflect::get(init, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn number(init: &JsValue, key: &str) -> Option<u64> {
    get(init, key).as_f64().filter(|n| *n >= 0.0).map(|n| n as u64)
}

/// Read the normalized settings (see `normalize` in `src/js/options.js`)
/// into the machine's configuration and the driver's settings.
pub fn read(init: &JsValue, with_credentials: bool) -> (Config, Settings) {
    let mut policy = ReconnectPolicy::new()
        .with_exponential(get(init, "exponential").is_truthy())
        .with_jitter(get(init, "jitter").as_f64().unwrap_or(0.0))
        .with_max_retries(number(init, "maxRetries").map(|n| n.min(u64::from(u32::MAX)) as u32));
    if let Some(ms) = number(init, "initialDelay") {
        policy = policy.with_initial_delay(ms);
    }
    if let Some(ms) = number(init, "maxDelay") {
        policy = policy.with_max_delay(ms);
    }
    let limits = Limits::new()
        .with_max_line_length(number(init, "maxLineLength").map(|n| n as usize))
        .with_max_event_size(number(init, "maxEventSize").map(|n| n as usize));
    let config = Config::new()
        .with_limits(limits)
        .with_policy(policy)
        .with_heartbeat_timeout(number(init, "heartbeatTimeout"))
        .with_last_event_id(get(init, "lastEventId").as_string().as_deref())
        .with_origin(get(init, "origin").as_string().as_deref())
        .with_ask_before_reconnect(get(init, "beforeReconnect").is_truthy())
        .with_basic_credentials(
            get(init, "authorization").is_string() && get(init, "transport").as_string().as_deref() != Some("xhr"),
        )
        .with_authorize_first(get(init, "authorizeFirst").is_truthy())
        .with_send_once(get(init, "sendOnce").is_truthy())
        .with_diagnose_buffering(true)
        .with_seed((js_sys::Math::random() * 9_007_199_254_740_991.0) as u64);
    let settings = Settings {
        with_credentials,
        transport: if get(init, "transport").as_string().as_deref() == Some("xhr") {
            Transport::Xhr
        } else {
            Transport::Fetch
        },
        fetch: get(init, "fetch").dyn_into::<Function>().ok(),
        user: get(init, "username").as_string().zip(get(init, "password").as_string()),
        shared: get(init, "shared").is_truthy(),
        comments: get(init, "onComment").is_function(),
        #[cfg(feature = "test-hooks")]
        panic_on_chunk: get(init, "panicOnChunk").is_truthy(),
    };
    (config, settings)
}
