//! The web layer (wasm32 only): the exports the JavaScript `EventSource` is
//! built on. No protocol logic lives here: the driver turns JavaScript
//! callbacks into inputs of the pure machine and its commands into calls.

mod driver;
mod env;
mod fetch;
mod guard;
mod handles;
mod inspect;
mod link;
mod options;
pub mod panic;
mod probe;
pub mod stats;
mod xhr;

use alloc::borrow::ToOwned;
use alloc::rc::Rc;
use alloc::string::String;
use core::cell::RefCell;

use wasm_bindgen::prelude::*;

use driver::{Driver, Settings, Transport};
pub use inspect::inspect_stream;
pub use link::Link;
use options::type_error;

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
    pub fn new(url: String, with_credentials: bool, link: Link, init: &JsValue) -> Result<Source, JsValue> {
        panic::install();
        let options = options::parse(init)?;
        if options.fetch.is_some() && options.transport.as_deref() == Some("xhr") {
            return Err(type_error(
                "eventsource-wasm: the fetch option needs the fetch transport, not 'xhr'",
            ));
        }
        // A custom fetch function is used whatever the platform offers.
        let transport = if options.fetch.is_some() {
            Transport::Fetch
        } else {
            choose_transport(options.transport.as_deref())?
        };
        let settings = Settings {
            url: RefCell::new(url),
            with_credentials,
            transport,
            options,
        };
        Ok(Source {
            driver: Driver::new(settings, link),
        })
    }

    /// Release the connection while the page is hidden or in the
    /// back/forward cache (readyState CONNECTING, no event).
    pub fn suspend(&self) {
        self.driver.suspend();
    }

    /// Reconnect at once after `suspend`, with Last-Event-ID.
    pub fn resume(&self) {
        self.driver.resume();
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

/// Streaming fetch where it works, XHR where it does not; `forced` ("fetch"
/// or "xhr", from the `transport` option) insists on one.
fn choose_transport(forced: Option<&str>) -> Result<Transport, JsValue> {
    match forced {
        Some("fetch") if env::can_stream_fetch() => Ok(Transport::Fetch),
        Some("fetch") => Err(type_error(
            "eventsource-wasm: transport 'fetch' was asked for, but this runtime's fetch cannot stream a response body (that needs fetch, AbortController and Response.prototype.body)",
        )),
        Some("xhr") if env::has_xhr() => Ok(Transport::Xhr),
        Some("xhr") => Err(type_error(
            "eventsource-wasm: transport 'xhr' was asked for, but this runtime has no XMLHttpRequest",
        )),
        Some(_) => Err(type_error(
            "eventsource-wasm: the transport option must be 'fetch' or 'xhr'",
        )),
        None if env::can_stream_fetch() => Ok(Transport::Fetch),
        None if env::has_xhr() => Ok(Transport::Xhr),
        None => Err(type_error(
            "eventsource-wasm: this runtime can receive server-sent events neither with a streaming fetch (fetch, AbortController and Response.prototype.body) nor with XMLHttpRequest",
        )),
    }
}

/// Whether this realm can receive server-sent events: it has a native
/// `EventSource`, or one of this package's transports can run here.
#[wasm_bindgen(js_name = supportsSSE)]
pub fn supports_sse() -> bool {
    env::has_native_event_source() || env::can_stream_fetch() || env::has_xhr()
}

/// Which transport the polyfill uses here by default: "fetch", "xhr", or ""
/// if neither can run.
#[wasm_bindgen(js_name = transport)]
pub fn transport() -> String {
    match choose_transport(None) {
        Ok(Transport::Fetch) => "fetch".to_owned(),
        Ok(Transport::Xhr) => "xhr".to_owned(),
        Err(_) => String::new(),
    }
}
