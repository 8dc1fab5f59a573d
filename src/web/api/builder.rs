//! [`Builder`]: every option of the JavaScript `EventSource`, typed, checked
//! when the source is built ([`BuildError`]), so that a mistake is a value
//! at the call site rather than an error event later.

use alloc::boxed::Box;
use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;
use core::future::Future;
use core::time::Duration;

use super::EventSource;
use super::error::BuildError;
use super::event::{ReconnectInfo, RequestInfo};
use super::options::{
    BeforeReconnect, Body, HeaderList, Headers, HeadersFuture, Reconnect, ReconnectPolicy, Storage, Transport,
};
use super::prepare::Prepared;

/// Builds an [`EventSource`]: `EventSource::builder(url)…build()`.
#[must_use = "a builder does nothing until build() is called"]
pub struct Builder {
    pub(crate) url: String,
    pub(crate) with_credentials: bool,
    pub(crate) method: Option<String>,
    pub(crate) body: Option<Body>,
    pub(crate) headers: Headers,
    pub(crate) transport: Option<Transport>,
    pub(crate) fetch: Option<js_sys::Function>,
    pub(crate) policy: ReconnectPolicy,
    pub(crate) before_reconnect: Option<BeforeReconnect>,
    pub(crate) heartbeat_timeout: Option<Duration>,
    pub(crate) last_event_id: Option<String>,
    pub(crate) persist: Option<(Storage, Option<String>)>,
    pub(crate) max_line_length: Option<usize>,
    pub(crate) max_event_size: Option<usize>,
    pub(crate) pause_when_hidden: bool,
    pub(crate) shared: Option<String>,
    pub(crate) only: Option<Vec<String>>,
    pub(crate) comments: bool,
    #[cfg(feature = "test-hooks")]
    pub(crate) panic_on_chunk: bool,
}

impl Builder {
    pub(crate) fn new(url: impl Into<String>) -> Builder {
        Builder {
            url: url.into(),
            with_credentials: false,
            method: None,
            body: None,
            headers: Headers::Fixed(Vec::new()),
            transport: None,
            fetch: None,
            policy: ReconnectPolicy::default(),
            before_reconnect: None,
            heartbeat_timeout: None,
            last_event_id: None,
            persist: None,
            max_line_length: None,
            max_event_size: None,
            pause_when_hidden: false,
            shared: None,
            only: None,
            comments: false,
            #[cfg(feature = "test-hooks")]
            panic_on_chunk: false,
        }
    }

    /// Send cookies and HTTP authentication across origins (HTML
    /// `withCredentials`: Fetch's credentials mode `include`).
    pub fn with_credentials(mut self, with: bool) -> Self {
        self.with_credentials = with;
        self
    }

    /// Add a request header (to the fixed headers; replaces a headers
    /// function). An invalid name or value: [`BuildError::Header`].
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let mut list = match self.headers {
            Headers::Fixed(list) => list,
            _ => Vec::new(),
        };
        list.push((name.into(), value.into()));
        self.headers = Headers::Fixed(list);
        self
    }

    /// Headers asked for before each connection (e.g. to send a fresh
    /// token): an error fails that request like the network would, and it
    /// is retried.
    pub fn headers_fn(mut self, f: impl Fn(&RequestInfo) -> Result<HeaderList, String> + 'static) -> Self {
        self.headers = Headers::Sync(Rc::new(f));
        self
    }

    /// Headers asked for before each connection, asynchronously (e.g. a
    /// token refreshed with a request of its own): the request leaves when
    /// the future is ready. An error fails that request like the network
    /// would, and it is retried.
    pub fn headers_with<F, Fut>(mut self, f: F) -> Self
    where
        F: Fn(RequestInfo) -> Fut + 'static,
        Fut: Future<Output = Result<HeaderList, String>> + 'static,
    {
        self.headers = Headers::Async(Rc::new(move |info| Box::pin(f(info)) as HeadersFuture));
        self
    }

    /// The request method (default GET, or POST when there is a body).
    pub fn method(mut self, method: impl Into<String>) -> Self {
        self.method = Some(method.into());
        self
    }

    /// A request body (a POST stream, unless [`Builder::method`] says otherwise).
    pub fn body(mut self, body: impl Into<Body>) -> Self {
        self.body = Some(body.into());
        self
    }

    /// Force a transport (by default streaming fetch where it works, XHR
    /// where it does not). One this realm lacks: [`BuildError::Transport`].
    pub fn transport(mut self, transport: Transport) -> Self {
        self.transport = Some(transport);
        self
    }

    /// A JavaScript fetch function to make the requests with, instead of
    /// the global `fetch` (e.g. one a test replaces).
    pub fn fetch_function(mut self, fetch: js_sys::Function) -> Self {
        self.fetch = Some(fetch);
        self
    }

    /// The reconnection policy; `retry:` from the server still wins.
    pub fn reconnect(mut self, policy: ReconnectPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// Asked before each reconnection: continue, veto it, or answer with
    /// the request to continue with.
    pub fn before_reconnect(mut self, hook: impl FnMut(&ReconnectInfo) -> Reconnect + 'static) -> Self {
        self.before_reconnect = Some(Box::new(hook));
        self
    }

    /// Treat the connection as lost when nothing (not even a comment)
    /// arrives for this long.
    pub fn heartbeat_timeout(mut self, timeout: Duration) -> Self {
        self.heartbeat_timeout = Some(timeout);
        self
    }

    /// The last event ID to start from (sent as `Last-Event-ID` on the
    /// first request).
    pub fn last_event_id(mut self, id: impl Into<String>) -> Self {
        self.last_event_id = Some(id.into());
        self
    }

    /// Keep the last event ID in `storage` (under `key`, or one made of the
    /// URL), once per chunk, and start from it when a source for the same
    /// URL is built again (after a reload). [`Builder::last_event_id`] wins.
    pub fn persist_last_event_id(mut self, storage: Storage, key: Option<String>) -> Self {
        self.persist = Some((storage, key));
        self
    }

    /// Fail the connection when a line is longer than this many bytes.
    pub fn max_line_length(mut self, bytes: usize) -> Self {
        self.max_line_length = Some(bytes);
        self
    }

    /// Fail the connection when an event's data is larger than this many bytes.
    pub fn max_event_size(mut self, bytes: usize) -> Self {
        self.max_event_size = Some(bytes);
        self
    }

    /// Release the connection while the page is hidden, and reconnect (with
    /// `Last-Event-ID`) when it is visible again.
    pub fn pause_when_hidden(mut self, pause: bool) -> Self {
        self.pause_when_hidden = pause;
        self
    }

    /// One connection for every source of this browser profile and origin
    /// (tabs, frames, workers; JavaScript `EventSource`s of this package
    /// too) that makes the same request — URL, credentials mode, method,
    /// body, headers — and also asks to share without a key: one leads
    /// (holds the group's Web Lock and the connection), the others receive
    /// its events. So that no source receives events fetched with another's
    /// credentials, a request that cannot be compared (headers from a
    /// function, a fetch function) is refused ([`BuildError::NotComparable`]),
    /// and a [`Builder::before_reconnect`] answer that changes the request
    /// is not applied. Where Web Locks or BroadcastChannel are missing, the
    /// source holds its own connection.
    #[cfg(feature = "shared")]
    pub fn shared(mut self) -> Self {
        self.shared = Some(String::new());
        self
    }

    /// As [`Builder::shared`], among the sources that give the same `key`:
    /// your promise that each of them may see the same events, so headers
    /// from a function, a fetch function and a hook's request are allowed
    /// (what cannot be compared is left out of the group's identity).
    #[cfg(feature = "shared")]
    pub fn shared_with_key(mut self, key: impl Into<String>) -> Self {
        self.shared = Some(key.into());
        self
    }

    /// Yield only the messages of these event types (open, error, warning
    /// and comment items still come). The others are dropped before they
    /// are decoded.
    pub fn only<I, S>(mut self, types: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.only = Some(types.into_iter().map(Into::into).collect());
        self
    }

    /// Yield comment lines too ([`Event::Comment`](super::Event::Comment)).
    pub fn comments(mut self, comments: bool) -> Self {
        self.comments = comments;
        self
    }

    /// Test hook (cargo feature `test-hooks`, never in a release): the
    /// engine panics when the first chunk arrives, to prove that a panic
    /// ends only this source, as an error item.
    #[doc(hidden)]
    #[cfg(feature = "test-hooks")]
    pub fn panic_on_chunk(mut self) -> Self {
        self.panic_on_chunk = true;
        self
    }

    /// Check every option and start the source: its first request leaves
    /// from a task, so dropping the source at once sends nothing.
    pub fn build(self) -> Result<EventSource, BuildError> {
        let prepared = Prepared::check(self)?;
        Ok(EventSource::start(prepared))
    }
}
