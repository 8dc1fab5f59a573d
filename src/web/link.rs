//! The JavaScript front-end: the object the `EventSource` class hands to
//! the driver (`class Link` in `src/js/link.js`), and its [`FrontEnd`]
//! implementation, which turns the driver's values into the arguments the
//! class takes. The driver decides; the link dispatches the DOM events and
//! calls the user's hooks. The class's methods are declared, and bound, in
//! `crate::contract::link`.

use eventsource_core::machine::{ReadyState, Reason, Request, Warning};
use js_sys::Promise;
use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;

use crate::batch::Batch;
use crate::web::front::{FrontEnd, Reconnect};
use crate::web::seam::{Cause, FetchInit, Init, PendingInit};

pub use crate::contract::link::Link;
use crate::contract::link::ReconnectAnswer;

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
            Ok(answer) if answer.is_object() => {
                let answer: &ReconnectAnswer = answer.unchecked_ref();
                Reconnect::Continue {
                    url: answer.url().as_string(),
                    once: Some(answer.once()),
                }
            }
            _ => Reconnect::Unanswered,
        }
    }

    #[cfg(feature = "shared")]
    fn post(&self, message: crate::web::shared::Outgoing<'_>) {
        let _ = Link::post(self, &crate::web::shared::encode(&message));
    }
}
