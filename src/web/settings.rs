//! What a source was constructed with. The JavaScript class has already
//! checked and normalized every option (so that a bad one throws in the
//! constructor, before any WebAssembly is needed); this reads the result.

use alloc::string::String;

use eventsource_core::Millis;
use eventsource_core::machine::{Config, ReconnectPolicy};
use eventsource_core::parser::Limits;
use js_sys::Function;
use wasm_bindgen::JsValue;

pub(super) use crate::contract::settings::Init;

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

/// A count the class gave, or none.
fn count(value: JsValue) -> Option<u64> {
    value.as_f64().filter(|n| *n >= 0.0).map(|n| n as u64)
}

/// Read the normalized settings (`class Settings` in `src/js/options.js`,
/// declared in `crate::contract::settings`) into the machine's configuration
/// and the driver's settings.
pub(super) fn read(init: &Init, with_credentials: bool) -> (Config, Settings) {
    let xhr = init.transport().as_string().as_deref() == Some("xhr");
    let mut policy = ReconnectPolicy::new()
        .with_exponential(init.exponential())
        .with_jitter(init.jitter().as_f64().unwrap_or(0.0))
        .with_max_retries(count(init.max_retries()).map(|n| n.min(u64::from(u32::MAX)) as u32));
    if let Some(ms) = count(init.initial_delay()) {
        policy = policy.with_initial_delay(Millis(ms));
    }
    if let Some(ms) = count(init.max_delay()) {
        policy = policy.with_max_delay(Millis(ms));
    }
    let limits = Limits::new()
        .with_max_line_length(count(init.max_line_length()).map(|n| n as usize))
        .with_max_event_size(count(init.max_event_size()).map(|n| n as usize));
    let config = Config::new()
        .with_limits(limits)
        .with_policy(policy)
        .with_heartbeat_timeout(count(init.heartbeat_timeout()).map(Millis))
        .with_last_event_id(init.last_event_id().as_string().as_deref())
        .with_origin(init.origin().as_string().as_deref())
        .with_ask_before_reconnect(init.before_reconnect().is_function())
        .with_basic_credentials(init.authorization().is_string() && !xhr)
        .with_authorize_first(init.authorize_first())
        .with_send_once(init.send_once())
        .with_diagnose_buffering(true)
        .with_seed((js_sys::Math::random() * 9_007_199_254_740_991.0) as u64);
    let settings = Settings {
        with_credentials,
        transport: if xhr { Transport::Xhr } else { Transport::Fetch },
        fetch: init.fetch(),
        user: init.username().as_string().zip(init.password().as_string()),
        shared: init.shared(),
        comments: init.on_comment().is_function(),
        #[cfg(feature = "test-hooks")]
        panic_on_chunk: crate::web::env::field(init, "panicOnChunk").is_truthy(),
    };
    (config, settings)
}
