//! The border between the engine (driver, machine, transports) and a
//! front-end: everything the driver tells the object the application holds,
//! or asks it, goes through [`FrontEnd`]. The JavaScript `EventSource` is one
//! implementation (`link.rs`, over the `Link` object of
//! `src/js/link.js`); a Rust front-end is another file implementing the same
//! trait. The driver is generic over its front-end (`Driver<F>`), so the
//! calls are direct and inlined: measured against `Rc<dyn FrontEnd>`, the
//! trait object cost 2.9 KB of wasm (its methods out of line, and an `Rc`'s
//! counting at every call site) for no speed measured (BENCHMARKS.md); a
//! build holds one front-end anyway.
//!
//! Nothing here is JavaScript-shaped: the values are the core's
//! (`ReadyState`, `Reason`, `Warning`, `Request`), the events of a chunk are
//! the batch (its bytes go to JavaScript as one view of wasm memory; a Rust
//! front-end reads them with `Batch::events`, neither copies), and a request
//! comes back as the transport's [`Init`].

use alloc::string::String;

use eventsource_core::machine::{ReadyState, Reason, Request, Warning};

use crate::batch::Batch;
use crate::web::seam::{Cause, Init};
#[cfg(feature = "shared")]
use crate::web::shared::Outgoing;

/// What the driver tells and asks the object the application holds. Each
/// call may run application code (a listener, a hook) that closes this
/// source or makes another: the driver holds no borrow across one, and so
/// clones the front-end (a handle: cheap) for each call.
pub trait FrontEnd: Clone + 'static {
    /// readyState is now OPEN: dispatch `open`. `final_url` is the
    /// response's URL after redirects (the events carry its origin);
    /// `reopened` is false for the first open of the source; `resumed_from`
    /// is the `Last-Event-ID` this connection was made with ("" for none).
    fn open(&self, final_url: &str, reopened: bool, resumed_from: &str);

    /// readyState is now `ready_state` (CONNECTING: it will reconnect;
    /// CLOSED: failed for good): dispatch `error` for `reason`.
    /// `status_text` is the last response's, for `Reason::Status`; `cause`
    /// what the platform threw when the request failed, if it did.
    fn error(&self, ready_state: ReadyState, reason: Reason, status_text: &str, cause: &Cause);

    /// Dispatch the events one chunk completed, in order (see
    /// `crate::batch`), unless a handler closes the source on the way.
    fn events(&self, batch: &Batch);

    /// Tell the developer (on the console and with a `warning` event);
    /// nothing failed. `url` is the source's.
    fn warn(&self, warning: Warning, url: &str);

    /// The driver panicked (a bug): it released its connection and timer
    /// and is never entered again. Go CLOSED and dispatch `error`.
    fn panicked(&self, message: &str);

    /// The request the machine asked for, built as this front-end's
    /// options say (method, body, headers, credentials) with the
    /// protocol's parts: `Accept`, `request.last_event_id`, the URL's
    /// credentials if `request.authorize`.
    fn request(&self, request: &Request) -> Init;

    /// A reconnection is scheduled (the `beforeReconnect` option): go on,
    /// go elsewhere, or veto it. `last_event_id` and `url` are the ones it
    /// would be made with.
    fn reconnecting(&self, attempt: u32, delay_ms: u64, reason: Reason, last_event_id: &str, url: &str) -> Reconnect;

    /// Post `message` to the other sources of this one's group (the
    /// `shared` option).
    #[cfg(feature = "shared")]
    fn post(&self, message: Outgoing<'_>);
}

/// The answer to [`FrontEnd::reconnecting`].
#[derive(Debug, PartialEq, Eq)]
pub enum Reconnect {
    /// The hook answered with the request to continue with: at `url` if it
    /// changed it (and the reconnections after it), sent once or not as
    /// `once` says if the hook changed that.
    Continue { url: Option<String>, once: Option<bool> },
    /// No answer (nothing, or a hook that failed: the front-end reported
    /// that): a repeatable request goes on, one sent once fails.
    Unanswered,
    /// Do not reconnect: the source fails for good.
    Veto,
}
