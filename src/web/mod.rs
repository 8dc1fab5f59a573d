//! The web layer (wasm32 only): the exports the JavaScript `EventSource` is
//! built on. No protocol logic lives here: the driver turns JavaScript
//! callbacks into inputs of the pure machine and its commands into calls.

mod driver;
mod env;
mod fetch;
mod handles;
mod inspect;
mod link;

use std::rc::Rc;

use wasm_bindgen::prelude::*;

use crate::machine::Config;
use driver::{Driver, Settings};
pub use inspect::inspect_stream;
pub use link::Link;

/// The Rust half of one `EventSource`.
#[wasm_bindgen]
pub struct Source {
    driver: Rc<Driver>,
}

fn syntax_error(message: &str) -> JsValue {
    web_sys::DomException::new_with_message_and_name(message, "SyntaxError")
        .map(JsValue::from)
        .unwrap_or_else(|_| js_sys::SyntaxError::new(message).into())
}

/// HTML §9.2.2 step 3: parse `url` relative to the realm's base URL; failure
/// is a "SyntaxError" DOMException.
fn resolve_url(url: &str) -> Result<String, JsValue> {
    let base = env::base_url();
    let parsed = match &base {
        Some(base) => web_sys::Url::new_with_base(url, base),
        None => web_sys::Url::new(url),
    };
    match parsed {
        Ok(parsed) => Ok(parsed.href()),
        Err(_) if base.is_none() => Err(syntax_error(&format!(
            "Failed to construct 'EventSource': the URL '{url}' is invalid or relative, and there is no document or location to resolve it against; pass an absolute URL."
        ))),
        Err(_) => Err(syntax_error(&format!(
            "Failed to construct 'EventSource': the URL '{url}' is invalid."
        ))),
    }
}

fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| std::panic::set_hook(Box::new(console_error_panic_hook::hook)));
}

#[wasm_bindgen]
impl Source {
    /// Start a source. The first request starts from a task (a 0 ms timer),
    /// so `close()` in the same task means no request is ever made.
    #[wasm_bindgen(constructor)]
    pub fn new(
        url: &str,
        with_credentials: bool,
        link: Link,
        _options: &JsValue,
    ) -> Result<Source, JsValue> {
        install_panic_hook();
        let url = resolve_url(url)?;
        let settings = Settings {
            url,
            with_credentials,
            config: Config::default(),
        };
        Ok(Source {
            driver: Driver::new(settings, link),
        })
    }

    /// The resolved URL, serialized.
    #[wasm_bindgen(getter)]
    pub fn url(&self) -> String {
        self.driver.url().to_owned()
    }

    /// 0 CONNECTING, 1 OPEN, 2 CLOSED.
    #[wasm_bindgen(getter, js_name = readyState)]
    pub fn ready_state(&self) -> u8 {
        self.driver.ready_state() as u8
    }

    /// `close()`: CLOSED at once; nothing is dispatched afterwards.
    pub fn close(&self) {
        self.driver.close();
    }
}

impl Drop for Source {
    fn drop(&mut self) {
        // A source freed without close() (the object was collected) must not
        // keep a connection or a timer alive.
        self.driver.close();
    }
}

/// Whether this realm can receive server-sent events: it has a native
/// `EventSource`, or this package's fetch transport can run here.
#[wasm_bindgen(js_name = supportsSSE)]
pub fn supports_sse() -> bool {
    env::has_native_event_source() || env::can_stream_fetch()
}

/// Which transport the polyfill would use here: "fetch", or "" if none.
#[wasm_bindgen(js_name = transport)]
pub fn transport() -> String {
    if env::can_stream_fetch() {
        "fetch".to_owned()
    } else {
        String::new()
    }
}
