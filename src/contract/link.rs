//! The methods the driver calls on its JavaScript front-end (`class Link`
//! in `src/js/link.js`, one per source), declared once. On wasm32 the
//! declaration is the binding itself (each method `catch`: what the class
//! throws is its own bug or a handler's, and the driver goes on); [`METHODS`]
//! is the same list with each method's number of arguments, which the
//! generated `src/js/generated/contract.js` carries to JavaScript: a Node
//! test checks the class against it, and a browser test the double in
//! `tests/web.rs`.

macro_rules! link {
    ($($(#[doc = $doc:literal])* fn $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty;)*) => {
        /// The name of every method and its number of arguments.
        pub const METHODS: &[(&str, usize)] = &[$((stringify!($name), link!(@count $($arg)*))),*];

        #[cfg(target_arch = "wasm32")]
        mod typed {
            use wasm_bindgen::prelude::*;

            #[wasm_bindgen]
            extern "C" {
                /// Created by the JavaScript `EventSource` for each source.
                #[derive(Clone, Debug)]
                pub type Link;
                $(
                    $(#[doc = $doc])*
                    #[wasm_bindgen(method, catch)]
                    pub fn $name(this: &Link, $($arg: $ty),*) -> Result<$ret, JsValue>;
                )*
            }
        }

        #[cfg(target_arch = "wasm32")]
        pub use typed::Link;
    };
    (@count) => { 0 };
    (@count $head:ident $($tail:ident)*) => { 1 + link!(@count $($tail)*) };
}

link! {
    /// readyState is now OPEN: dispatch `open`. `final_url` is the
    /// response's URL after redirects (the message events carry its origin);
    /// `reopened` is false for the first open of the source; `last_event_id`
    /// is the `Last-Event-ID` this connection was made with ("" for none).
    fn open(final_url: &str, reopened: bool, last_event_id: &str) -> ();

    /// readyState is now `ready_state` (0: reconnecting, 2: failed for
    /// good): dispatch `error`. `reason` is one of `super::REASONS`;
    /// `status` and `detail` say more (`super::describe`): the HTTP status
    /// and its status text for "status", which limit ("line" or "event")
    /// for "limit"; `cause` is what the platform threw when the request
    /// failed (`undefined` if nothing did).
    fn error(ready_state: u8, reason: &str, status: u16, detail: &str, cause: &JsValue) -> ();

    /// Dispatch the events of one chunk (see `crate::batch` for the layout):
    /// their undecoded bytes (a view of wasm memory), decoded by JavaScript.
    fn messages(batch: &[u8]) -> ();

    /// The driver panicked (a bug): it released its connection and timer;
    /// go CLOSED and dispatch `error`.
    fn panicked(message: &str) -> ();

    /// Tell the developer, on the console and with a `warning` event
    /// (`warning` is one of `super::WARNINGS`; `sign` and the two figures
    /// say more, see `super::describe_warning`); nothing failed.
    fn warn(warning: &str, sign: &str, first: f64, second: f64, url: &str) -> ();

    /// The fetch init for a request to `url` (method, body, the user's
    /// headers and the protocol's: `Accept`, this `Last-Event-ID` if not
    /// empty, the URL's credentials if `authorize`), or a promise of it; it
    /// throws (or rejects) when the request cannot be made.
    fn request(url: &str, last_event_id: &str, authorize: bool) -> JsValue;

    /// Post `message` to the other sources of this one's group (the
    /// `shared` option; `crate::web::shared` is the format).
    fn post(message: &js_sys::Object) -> ();

    /// A reconnection is scheduled (the `beforeReconnect` option): returns
    /// `false` to veto it, `{ url, once }` when the hook answered with the
    /// request to continue with (`url`: where it and the next ones go, if
    /// the hook changed it; `once`: whether that request is sent once), or
    /// anything else when it answered nothing (see `crate::web::hooks`).
    /// (The link keeps the hook's method, body and headers for the requests
    /// it builds.)
    fn reconnecting(attempt: u32, delay_ms: f64, reason: &str, last_event_id: &str, url: &str) -> JsValue;
}

super::js_object! {
    /// What `Link.reconnecting` answers when the `beforeReconnect` hook
    /// answered with the request to continue with (`false` vetoes; anything
    /// else that is not an object is no answer).
    ReconnectAnswer, RECONNECT_ANSWER, answer;
    /// Where this request and the next ones go, if the hook changed it.
    url = "url": JsValue as "string?";
    /// Whether the request's new shape is sent once from now on.
    once = "once": bool as "boolean";
}
