//! The JavaScript side of a source: the object the `EventSource` class hands
//! to the driver, through which the driver's decisions become DOM events.

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// Created by the JavaScript `EventSource` for each source; see
    /// `src/js/event-source.js` (`class Link`).
    #[derive(Clone, Debug)]
    pub type Link;

    /// readyState is now OPEN: dispatch `open`. `final_url` is the
    /// response's URL after redirects: the message events to come carry its
    /// origin.
    #[wasm_bindgen(method, catch)]
    pub fn open(this: &Link, final_url: &str) -> Result<(), JsValue>;

    /// readyState is now `ready_state` (0 = reconnecting, 2 = failed for
    /// good): dispatch `error`, carrying why.
    #[wasm_bindgen(method, catch)]
    pub fn error(
        this: &Link,
        ready_state: u8,
        reason: &str,
        status: u16,
        status_text: &str,
        message: &str,
    ) -> Result<(), JsValue>;

    /// Dispatch the events of one chunk (see `crate::batch` for the layout).
    /// The text crosses as its UTF-8 bytes (a view of wasm memory), which
    /// the JavaScript side decodes without validating them again.
    #[wasm_bindgen(method, catch)]
    pub fn messages(this: &Link, text: &[u8], meta: &[u32]) -> Result<(), JsValue>;

    /// The driver panicked (a bug): it released its connection and timer;
    /// go CLOSED and dispatch `error`.
    #[wasm_bindgen(method, catch)]
    pub fn panicked(this: &Link, message: &str) -> Result<(), JsValue>;
}
