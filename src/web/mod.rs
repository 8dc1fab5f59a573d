//! The web layer (wasm32 only): the exports the JavaScript `EventSource` is
//! built on. No protocol logic lives here: the driver turns JavaScript
//! callbacks into inputs of the pure machine and its commands into calls.

mod driver;
mod env;
mod fetch;
mod handles;
mod inspect;
mod link;
pub mod panic;

use alloc::borrow::ToOwned;
use alloc::rc::Rc;
use alloc::string::String;

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

#[wasm_bindgen]
impl Source {
    /// Start a source for `url`, already parsed and serialized by the caller
    /// (the JavaScript class does that with the platform's URL parser, as the
    /// constructor must throw before anything else happens). The first
    /// request starts from a task (a 0 ms timer), so `close()` in the same
    /// task means no request is ever made.
    #[wasm_bindgen(constructor)]
    pub fn new(url: String, with_credentials: bool, link: Link, _options: &JsValue) -> Source {
        panic::install();
        let settings = Settings {
            url,
            with_credentials,
            config: Config::default(),
        };
        Source {
            driver: Driver::new(settings, link),
        }
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
