//! The JavaScript front-end: the object the `EventSource` class hands to
//! the driver (`class Link` in `src/js/link.js`), and its [`FrontEnd`]
//! implementation, which turns the driver's values into the arguments the
//! class takes. The driver decides; the link dispatches the DOM events and
//! calls the user's hooks. The extern block's methods and their arities are
//! the Rust↔JS contract, checked against the JavaScript class and the test
//! double in `tests/web.rs` by `tests/contract.rs`.

use js_sys::Promise;
use sse_core::machine::{ReadyState, Reason, Request, Warning};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::batch::Batch;
use crate::web::front::{FrontEnd, Reconnect};
use crate::web::seam::{FetchInit, Init, PendingInit};

#[wasm_bindgen]
extern "C" {
    /// Created by the JavaScript `EventSource` for each source.
    #[derive(Clone, Debug)]
    pub type Link;

    /// readyState is now OPEN: dispatch `open`. `final_url` is the
    /// response's URL after redirects (the message events carry its origin);
    /// `reopened` is false for the first open of the source; `last_event_id`
    /// is the `Last-Event-ID` this connection was made with ("" for none).
    #[wasm_bindgen(method, catch)]
    pub fn open(this: &Link, final_url: &str, reopened: bool, last_event_id: &str) -> Result<(), JsValue>;

    /// readyState is now `ready_state` (0: reconnecting, 2: failed for
    /// good): dispatch `error`. `reason` is one of the names in
    /// `contract::REASONS`; `status` and `detail` say more: the HTTP status
    /// and its status text for "status", which limit ("line" or "event")
    /// for "limit".
    #[wasm_bindgen(method, catch)]
    pub fn error(this: &Link, ready_state: u8, reason: &str, status: u16, detail: &str) -> Result<(), JsValue>;

    /// Dispatch the events of one chunk (see `crate::batch` for the layout):
    /// their undecoded bytes (a view of wasm memory), decoded by JavaScript.
    #[wasm_bindgen(method, catch)]
    pub fn messages(this: &Link, batch: &[u8]) -> Result<(), JsValue>;

    /// The driver panicked (a bug): it released its connection and timer;
    /// go CLOSED and dispatch `error`.
    #[wasm_bindgen(method, catch)]
    pub fn panicked(this: &Link, message: &str) -> Result<(), JsValue>;

    /// Tell the developer (`warning` is a `sse_core::machine::Warning`'s
    /// name in `contract::WARNINGS`); nothing failed.
    #[wasm_bindgen(method, catch)]
    pub fn warn(this: &Link, warning: &str, url: &str) -> Result<(), JsValue>;

    /// The fetch init for a request to `url` (method, body, the user's
    /// headers and the protocol's: `Accept`, this `Last-Event-ID` if not
    /// empty, the URL's credentials if `authorize`), or a promise of it; it
    /// throws (or rejects) when the request cannot be made.
    #[wasm_bindgen(method, catch)]
    pub fn request(this: &Link, url: &str, last_event_id: &str, authorize: bool) -> Result<JsValue, JsValue>;

    /// Post `message` to the other sources of this one's group (the
    /// `shared` option; `crate::web::shared` is the format).
    #[wasm_bindgen(method, catch)]
    pub fn post(this: &Link, message: &js_sys::Object) -> Result<(), JsValue>;

    /// A reconnection is scheduled (the `beforeReconnect` option): returns
    /// `false` to veto it, a URL (string) to send it and the next ones
    /// there, or anything else to go on. (The link keeps the hook's method,
    /// body and headers for the requests it builds.)
    #[wasm_bindgen(method, catch)]
    pub fn reconnecting(
        this: &Link,
        attempt: u32,
        delay_ms: f64,
        reason: &str,
        last_event_id: &str,
        url: &str,
    ) -> Result<JsValue, JsValue>;
}

/// What a call into the class throws is its own bug or a handler's, which
/// the class reported where it could (`shell.report`); the driver goes on.
impl FrontEnd for Link {
    fn open(&self, final_url: &str, reopened: bool, resumed_from: &str) {
        let _ = Link::open(self, final_url, reopened, resumed_from);
    }

    fn error(&self, ready_state: ReadyState, reason: Reason, status_text: &str) {
        let (name, status, detail) = crate::contract::describe(reason, status_text);
        let _ = Link::error(self, ready_state as u8, name, status, &detail);
    }

    fn events(&self, batch: &Batch) {
        let _ = self.messages(&batch.bytes);
    }

    fn warn(&self, warning: Warning, url: &str) {
        let name = match warning {
            Warning::LastEventIdRefused => "last-event-id-refused",
            _ => "unknown",
        };
        let _ = Link::warn(self, name, url);
    }

    fn panicked(&self, message: &str) {
        let _ = Link::panicked(self, message);
    }

    fn request(&self, request: &Request) -> Init {
        let id = request.last_event_id.as_deref().unwrap_or("");
        match Link::request(self, &request.url, id, request.authorize) {
            Ok(value) if value.is_instance_of::<Promise>() => Init::Later(PendingInit::new(value.unchecked_into())),
            Ok(value) => FetchInit::from_value(value).map_or(Init::Refused, Init::Ready),
            Err(_) => Init::Refused,
        }
    }

    /// The class answers `false` to veto, a URL (string) to go there, or
    /// anything else (nothing; a hook that threw, which it reported) to go on.
    fn reconnecting(&self, attempt: u32, delay_ms: u64, reason: Reason, last_event_id: &str, url: &str) -> Reconnect {
        match Link::reconnecting(self, attempt, delay_ms as f64, reason.name(), last_event_id, url) {
            Ok(answer) if answer == JsValue::FALSE => Reconnect::Veto,
            Ok(answer) => answer.as_string().map_or(Reconnect::Proceed, Reconnect::To),
            Err(_) => Reconnect::Proceed,
        }
    }

    #[cfg(feature = "shared")]
    fn post(&self, message: crate::web::shared::Outgoing<'_>) {
        let _ = Link::post(self, &crate::web::shared::encode(&message));
    }
}
