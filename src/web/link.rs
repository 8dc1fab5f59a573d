//! The JavaScript front-end: the object the `EventSource` class hands to
//! the driver (`class Link` in `src/js/link.js`), and its [`FrontEnd`]
//! implementation, which turns the driver's values into the arguments the
//! class takes. The driver decides; the link dispatches the DOM events and
//! calls the user's hooks. The extern block's methods and their arities are
//! the Rust↔JS contract, checked against the JavaScript class and the test
//! double in `tests/web.rs` by `tests/contract.rs`.

use eventsource_core::machine::{ReadyState, Reason, Request, Warning};
use js_sys::Promise;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::batch::Batch;
use crate::web::front::{FrontEnd, Reconnect};
use crate::web::seam::{Cause, FetchInit, Init, PendingInit};

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
    /// for "limit"; `cause` is what the platform threw when the request
    /// failed (`undefined` if nothing did).
    #[wasm_bindgen(method, catch)]
    pub fn error(
        this: &Link,
        ready_state: u8,
        reason: &str,
        status: u16,
        detail: &str,
        cause: &JsValue,
    ) -> Result<(), JsValue>;

    /// Dispatch the events of one chunk (see `crate::batch` for the layout):
    /// their undecoded bytes (a view of wasm memory), decoded by JavaScript.
    #[wasm_bindgen(method, catch)]
    pub fn messages(this: &Link, batch: &[u8]) -> Result<(), JsValue>;

    /// The driver panicked (a bug): it released its connection and timer;
    /// go CLOSED and dispatch `error`.
    #[wasm_bindgen(method, catch)]
    pub fn panicked(this: &Link, message: &str) -> Result<(), JsValue>;

    /// Tell the developer, on the console and with a `warning` event
    /// (`warning` is a `eventsource_core::machine::Warning`'s name in
    /// `contract::WARNINGS`; `sign` and the two figures say more, see
    /// `contract::describe_warning`); nothing failed.
    #[wasm_bindgen(method, catch)]
    pub fn warn(this: &Link, warning: &str, sign: &str, first: f64, second: f64, url: &str) -> Result<(), JsValue>;

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
    /// `false` to veto it, `{ url, once }` when the hook answered with the
    /// request to continue with (`url`: where it and the next ones go, if
    /// the hook changed it; `once`: whether that request is sent once), or
    /// anything else when it answered nothing (see `crate::web::hooks`).
    /// (The link keeps the hook's method, body and headers for the requests
    /// it builds.)
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

    fn error(&self, ready_state: ReadyState, reason: Reason, status_text: &str, cause: &Cause) {
        let (name, status, detail) = crate::contract::describe(reason, status_text);
        let _ = Link::error(self, ready_state as u8, name, status, &detail, cause.value());
    }

    fn events(&self, batch: &Batch) {
        let _ = self.messages(&batch.bytes);
    }

    fn warn(&self, warning: Warning, url: &str) {
        let (name, sign, figures) = crate::contract::describe_warning(warning);
        let _ = Link::warn(self, name, sign, figures[0], figures[1], url);
    }

    fn panicked(&self, message: &str) {
        let _ = Link::panicked(self, message);
    }

    fn request(&self, request: &Request) -> Init {
        let id = request.last_event_id.as_deref().unwrap_or("");
        match Link::request(self, &request.url, id, request.authorize) {
            Ok(value) if value.is_instance_of::<Promise>() => Init::Later(PendingInit::new(value.unchecked_into())),
            Ok(value) => match FetchInit::from_value(value) {
                Ok(init) => Init::Ready(init),
                Err(refused) => Init::Refused(Cause::new(refused)),
            },
            Err(thrown) => Init::Refused(Cause::new(thrown)),
        }
    }

    /// The class answers `false` to veto, `{ url, once }` when the hook
    /// answered with the request to continue with, or anything else when it
    /// answered nothing (or threw, which it reported).
    fn reconnecting(&self, attempt: u32, delay_ms: u64, reason: Reason, last_event_id: &str, url: &str) -> Reconnect {
        match Link::reconnecting(self, attempt, delay_ms as f64, reason.name(), last_event_id, url) {
            Ok(answer) if answer == JsValue::FALSE => Reconnect::Veto,
            Ok(answer) if answer.is_object() => Reconnect::Continue {
                url: crate::web::env::field(&answer, "url").as_string(),
                once: crate::web::env::field(&answer, "once").as_bool(),
            },
            _ => Reconnect::Unanswered,
        }
    }

    #[cfg(feature = "shared")]
    fn post(&self, message: crate::web::shared::Outgoing<'_>) {
        let _ = Link::post(self, &crate::web::shared::encode(&message));
    }
}
