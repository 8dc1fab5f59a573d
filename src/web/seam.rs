//! The one seam between the driver and its transports.
//!
//! A transport (fetch, XHR, the CORS probe) reports what happened to its
//! request as a [`Report`] value through the [`Reporter`] it was started
//! with. The reporter drops what a superseded request says, and the
//! receiver (the driver) checks its state and enters the panic guard once,
//! for every report alike. Transports import this module and nothing of the
//! driver, so each can be driven by a fake receiver.

use alloc::rc::{Rc, Weak};
use alloc::string::String;

use eventsource_core::machine::Failure;
use js_sys::{Function, Object, Promise, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

/// A request's fetch init, complete (method, headers, body, mode,
/// credentials, cache, redirect), as a front-end builds it (the
/// JavaScript one: `src/js/request.js`) and the transports take it. Fresh
/// for each request: the fetch transport adds its `signal`.
pub(super) struct FetchInit(Object);

impl FetchInit {
    /// `value` if it is an object; else a TypeError saying that it is not
    /// (the cause of the request's failure).
    pub(super) fn from_value(value: JsValue) -> Result<FetchInit, JsValue> {
        value
            .dyn_into::<Object>()
            .map(FetchInit)
            .map_err(|_| js_sys::TypeError::new("the request's init is not an object").into())
    }

    pub(super) fn object(&self) -> &Object {
        &self.0
    }
}

/// A promise of a [`FetchInit`] (an async `headers` option).
pub(super) struct PendingInit(Promise);

impl PendingInit {
    pub(super) fn new(promise: Promise) -> PendingInit {
        PendingInit(promise)
    }

    pub(super) fn promise(&self) -> &Promise {
        &self.0
    }
}

/// What the platform threw when a request failed (the fetch `TypeError`, a
/// body read's error, a `headers` function's exception): the error event's
/// `cause`. None is `undefined`.
#[derive(Clone)]
pub(super) struct Cause(JsValue);

impl Cause {
    pub(super) fn new(thrown: JsValue) -> Cause {
        Cause(thrown)
    }

    pub(super) fn none() -> Cause {
        Cause(JsValue::UNDEFINED)
    }

    pub(super) fn value(&self) -> &JsValue {
        &self.0
    }
}

/// What a front-end answers when asked for a request (`FrontEnd::request`).
pub(super) enum Init {
    Ready(FetchInit),
    /// Made when the promise resolves; a rejection fails the request.
    Later(PendingInit),
    /// It cannot be made (a `headers` function threw, headers the platform
    /// refuses; with what was thrown): like a failed request, retried.
    Refused(Cause),
}

/// One request, complete, as a transport makes it.
pub(super) struct RequestSpec<'a> {
    pub url: &'a str,
    pub with_credentials: bool,
    /// The init (see [`FetchInit`]).
    pub init: &'a Object,
    /// A custom fetch function (the `fetch` option).
    pub fetch: Option<&'a Function>,
    /// User name and password for the transport's own challenge handling
    /// (XHR's `open(…, user, password)`).
    pub user: Option<(&'a str, &'a str)>,
}

/// Body bytes as a transport has them: in a JavaScript array (fetch, which
/// the receiver copies into wasm memory once), or already in wasm memory.
pub(super) enum Chunk<'a> {
    /// A view the receiver copies from, and its length (asked once by the
    /// transport; the copy then asks nothing more).
    Js(&'a Uint8Array, u32),
    /// Bytes in wasm memory.
    Bytes(&'a [u8]),
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// `dst.set(src)` with `dst` a view of wasm memory: a [`Chunk::Js`]'s
    /// one copy, in one call. (js-sys's `copy_to_uninit` asks the array's
    /// length twice more, for its assertions: the transport knows it.)
    /// Here, not in the driver, which names no JavaScript type.
    #[wasm_bindgen(js_namespace = Uint8Array, js_name = "prototype.set.call")]
    pub(super) fn copy_into(dst: &mut [u8], src: &Uint8Array);
}

/// What happened to a request.
pub(super) enum Report<'a> {
    /// The response's head.
    Head {
        status: u16,
        status_text: String,
        /// The whole Content-Type header value, if any.
        content_type: Option<String>,
        /// The whole WWW-Authenticate header value, if any (and visible).
        www_authenticate: Option<String>,
        /// The whole Content-Encoding header value, if any (and visible:
        /// same-origin, or exposed by CORS), for the buffering diagnosis.
        content_encoding: Option<String>,
        /// The response's URL after redirects (empty if the platform did
        /// not say: a response made by a custom fetch, an old XHR).
        final_url: String,
    },
    /// A piece of the body.
    Body(Chunk<'a>),
    /// The body ended normally.
    End,
    /// The request or the body failed; with what the platform threw or
    /// rejected with (`undefined` where it gives nothing: XHR), which the
    /// error event carries as its `cause`.
    Failed(Failure, JsValue),
    /// The transport holds too much of this response (XHR's growing
    /// `responseText`): replace it at the next point that loses nothing.
    Recycle,
    /// The CORS probe's answer: whether the server answered.
    Probed(bool),
    /// The request's init was a promise (an async `headers` option), and
    /// it resolved: make the request with it.
    Prepared(FetchInit),
}

/// Where reports go: the driver.
pub(super) trait Receiver {
    /// Take a report about request `generation`. Returns whether that
    /// request is still wanted (false: stop reading, the request is being
    /// released).
    fn receive(self: Rc<Self>, generation: u32, report: Report<'_>) -> bool;
}

/// A transport's handle on its receiver, for one request. Holds the
/// receiver weakly: a transport never keeps a source alive.
#[derive(Clone)]
pub(super) struct Reporter {
    receiver: Weak<dyn Receiver>,
    generation: u32,
}

impl Reporter {
    /// A reporter for request `generation` of `receiver`.
    pub(super) fn new(receiver: Weak<dyn Receiver>, generation: u32) -> Reporter {
        Reporter { receiver, generation }
    }

    /// Report; returns whether the request is still wanted.
    pub(super) fn report(&self, report: Report<'_>) -> bool {
        match self.receiver.upgrade() {
            Some(receiver) => receiver.receive(self.generation, report),
            None => false,
        }
    }
}
