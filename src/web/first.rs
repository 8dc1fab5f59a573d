//! The first request, the Rust side (the JavaScript side, with the one
//! start-up path that leads here, is `src/js/first.js`): a source whose core
//! was still loading when its start-up ran had its first request made by
//! the shell, over fetch; the driver adopts it when the machine's first
//! command asks for exactly that request, and makes its own otherwise.

use alloc::string::String;

use eventsource_core::machine::{Request, RequestKind};
use wasm_bindgen::prelude::*;
use web_sys::AbortController;

use crate::web::fetch::{FetchRequest, adopt};
use crate::web::seam::Reporter;

#[wasm_bindgen]
extern "C" {
    /// `class FirstRequest` in `src/js/first.js`.
    pub type FirstRequest;

    /// The URL requested.
    #[wasm_bindgen(method, getter)]
    fn url(this: &FirstRequest) -> String;

    /// The `Last-Event-ID` sent ("" for none).
    #[wasm_bindgen(method, getter, js_name = lastEventId)]
    fn last_event_id(this: &FirstRequest) -> String;

    /// Whether the URL's credentials went with it.
    #[wasm_bindgen(method, getter)]
    fn authorize(this: &FirstRequest) -> bool;

    /// Whether the page called `window.stop()` while it was in flight.
    #[wasm_bindgen(method, getter)]
    fn stopped(this: &FirstRequest) -> bool;

    /// Its response, to come.
    #[wasm_bindgen(method, getter)]
    fn promise(this: &FirstRequest) -> js_sys::Promise;

    /// Its abort.
    #[wasm_bindgen(method, getter)]
    fn controller(this: &FirstRequest) -> AbortController;
}

/// The shell's first request, held until the driver adopts it. Dropped
/// without being adopted, it is aborted.
pub(super) struct Prefetched {
    first: Option<FirstRequest>,
}

impl Prefetched {
    pub(super) fn new(first: Option<FirstRequest>) -> Option<Prefetched> {
        first.map(|first| Prefetched { first: Some(first) })
    }

    /// Whether it is the request the machine asks for, exactly.
    pub(super) fn matches(&self, request: &Request) -> bool {
        let Some(first) = &self.first else { return false };
        request.kind == RequestKind::First
            && first.url() == request.url
            && first.last_event_id() == request.last_event_id.as_deref().unwrap_or("")
            && first.authorize() == request.authorize
    }

    /// Whether the page called `window.stop()` while it was in flight.
    pub(super) fn stopped(&self) -> bool {
        self.first.as_ref().is_some_and(FirstRequest::stopped)
    }

    /// Take it over as the request in flight.
    pub(super) fn adopt(mut self, reporter: Reporter) -> Option<FetchRequest> {
        let first = self.first.take()?;
        Some(adopt(&first.promise(), first.controller(), reporter))
    }
}

impl Drop for Prefetched {
    fn drop(&mut self) {
        if let Some(first) = &self.first {
            first.controller().abort();
        }
    }
}
