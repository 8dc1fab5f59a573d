//! What a source was constructed with. The JavaScript class has already
//! checked and normalized every option (so that a bad one throws in the
//! constructor, before any WebAssembly is needed); this reads the result.

use alloc::string::String;

use eventsource_core::Millis;
use eventsource_core::machine::{Config, ReconnectPolicy};
use eventsource_core::parser::Limits;
use js_sys::Function;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::web::env;

/// Which transport carries the requests (chosen by the JavaScript class).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Transport {
    Fetch,
    Xhr,
}

pub(crate) struct Settings {
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

fn number(init: &JsValue, key: &str) -> Option<u64> {
    env::field(init, key).as_f64().filter(|n| *n >= 0.0).map(|n| n as u64)
}

/// Read the normalized settings (see `normalize` in `src/js/options.js`)
/// into the machine's configuration and the driver's settings.
pub(super) fn read(init: &JsValue, with_credentials: bool) -> (Config, Settings) {
    let mut policy = ReconnectPolicy::new()
        .with_exponential(env::field(init, "exponential").is_truthy())
        .with_jitter(env::field(init, "jitter").as_f64().unwrap_or(0.0))
        .with_max_retries(number(init, "maxRetries").map(|n| n.min(u64::from(u32::MAX)) as u32));
    if let Some(ms) = number(init, "initialDelay") {
        policy = policy.with_initial_delay(Millis(ms));
    }
    if let Some(ms) = number(init, "maxDelay") {
        policy = policy.with_max_delay(Millis(ms));
    }
    let limits = Limits::new()
        .with_max_line_length(number(init, "maxLineLength").map(|n| n as usize))
        .with_max_event_size(number(init, "maxEventSize").map(|n| n as usize));
    let config = Config::new()
        .with_limits(limits)
        .with_policy(policy)
        .with_heartbeat_timeout(number(init, "heartbeatTimeout").map(Millis))
        .with_last_event_id(env::field(init, "lastEventId").as_string().as_deref())
        .with_origin(env::field(init, "origin").as_string().as_deref())
        .with_ask_before_reconnect(env::field(init, "beforeReconnect").is_truthy())
        .with_basic_credentials(
            env::field(init, "authorization").is_string()
                && env::field(init, "transport").as_string().as_deref() != Some("xhr"),
        )
        .with_authorize_first(env::field(init, "authorizeFirst").is_truthy())
        .with_send_once(env::field(init, "sendOnce").is_truthy())
        .with_diagnose_buffering(true)
        .with_seed((js_sys::Math::random() * 9_007_199_254_740_991.0) as u64);
    let settings = Settings {
        with_credentials,
        transport: if env::field(init, "transport").as_string().as_deref() == Some("xhr") {
            Transport::Xhr
        } else {
            Transport::Fetch
        },
        fetch: env::field(init, "fetch").dyn_into::<Function>().ok(),
        user: env::field(init, "username")
            .as_string()
            .zip(env::field(init, "password").as_string()),
        shared: env::field(init, "shared").is_truthy(),
        comments: env::field(init, "onComment").is_function(),
        #[cfg(feature = "test-hooks")]
        panic_on_chunk: env::field(init, "panicOnChunk").is_truthy(),
    };
    (config, settings)
}
