//! [`Builder`]: every option of the JavaScript `EventSource`, typed, checked
//! when the source is built ([`BuildError`]), so that a mistake is a value
//! at the call site rather than an error event later.

use alloc::boxed::Box;
use alloc::rc::Rc;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::time::Duration;

use eventsource_core::machine::{Config, ReconnectPolicy as CorePolicy};
use eventsource_core::parser::Limits;
use wasm_bindgen::JsValue;

use super::event::{ReconnectInfo, RequestInfo};
use super::{EventSource, request};
use crate::web::env;
use crate::web::settings::{Settings, Transport as Carrier};

/// Which transport carries the requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Transport {
    /// Streaming `fetch` (a `ReadableStream` body).
    Fetch,
    /// `XMLHttpRequest` (its growing `responseText`).
    Xhr,
}

/// A request body (for POST streams).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// Sent as a string (Fetch adds `Content-Type: text/plain;charset=UTF-8`
    /// unless a header says otherwise).
    Text(String),
    /// Sent as bytes (no `Content-Type` unless a header gives one).
    Bytes(Vec<u8>),
}

impl From<String> for Body {
    fn from(text: String) -> Body {
        Body::Text(text)
    }
}

impl From<&str> for Body {
    fn from(text: &str) -> Body {
        Body::Text(text.to_string())
    }
}

impl From<Vec<u8>> for Body {
    fn from(bytes: Vec<u8>) -> Body {
        Body::Bytes(bytes)
    }
}

/// Header names and values.
pub type HeaderList = Vec<(String, String)>;

/// What a headers function's future gives: the headers, or why they could
/// not be made (the request then fails like a network error, is retried,
/// and the error item's `cause` is this text).
pub type HeadersFuture = Pin<Box<dyn Future<Output = Result<HeaderList, String>>>>;

/// A headers function that answers at once.
pub(crate) type HeadersFn = dyn Fn(&RequestInfo) -> Result<HeaderList, String>;

/// Where a request's headers come from.
#[derive(Clone)]
pub(crate) enum Headers {
    Fixed(HeaderList),
    Sync(Rc<HeadersFn>),
    Async(Rc<dyn Fn(RequestInfo) -> HeadersFuture>),
}

/// The reconnection policy (HTML's default: a fixed delay, 3 s unless the
/// server's `retry:` says otherwise, forever). `retry:` from the server
/// still sets the delay.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReconnectPolicy {
    initial_delay: Option<Duration>,
    max_delay: Option<Duration>,
    exponential: bool,
    jitter: f64,
    max_retries: Option<u32>,
    resend: bool,
}

impl ReconnectPolicy {
    pub fn new() -> ReconnectPolicy {
        ReconnectPolicy::default()
    }

    /// Delay before the first reconnection when the server sent no `retry:`.
    pub fn initial_delay(mut self, delay: Duration) -> Self {
        self.initial_delay = Some(delay);
        self
    }

    /// Upper bound of any computed delay.
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = Some(delay);
        self
    }

    /// Double the delay after each failed attempt.
    pub fn exponential(mut self, exponential: bool) -> Self {
        self.exponential = exponential;
        self
    }

    /// Fraction (0–1) of the delay to add at random, to spread reconnecting
    /// clients (never shortens it). Outside 0–1: [`BuildError::Jitter`].
    pub fn jitter(mut self, jitter: f64) -> Self {
        self.jitter = jitter;
        self
    }

    /// Give up (an error item, CLOSED) after this many reconnections that
    /// never reached OPEN.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = Some(retries);
        self
    }

    /// Send a request with a body, or with a method other than GET/HEAD,
    /// again when its connection is lost, as a GET is (only for idempotent
    /// requests). Without it such a request is sent once
    /// ([`ErrorReason::Unrepeatable`](super::ErrorReason::Unrepeatable))
    /// unless [`Builder::before_reconnect`] answers with a request.
    pub fn resend(mut self, resend: bool) -> Self {
        self.resend = resend;
        self
    }

    fn core(&self) -> CorePolicy {
        let ms = |d: Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
        let mut policy = CorePolicy::new()
            .with_exponential(self.exponential)
            .with_jitter(self.jitter)
            .with_max_retries(self.max_retries);
        if let Some(delay) = self.initial_delay {
            policy = policy.with_initial_delay(ms(delay));
        }
        if let Some(delay) = self.max_delay {
            policy = policy.with_max_delay(ms(delay));
        }
        policy
    }
}

/// What a [`Builder::before_reconnect`] hook answers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Reconnect {
    /// Go on as planned (a request that is sent once then fails as
    /// [`ErrorReason::Unrepeatable`](super::ErrorReason::Unrepeatable)).
    #[default]
    Continue,
    /// Give up: an error item ([`ErrorReason::Vetoed`](super::ErrorReason::Vetoed)), CLOSED.
    Veto,
    /// Continue with this request, for this reconnection and the ones after
    /// it (e.g. POST once, then resume with a GET): even a request that is
    /// sent once goes on.
    With(ReconnectRequest),
}

/// The request a [`Reconnect::With`] continues with: each part left `None`
/// stays as it was.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReconnectRequest {
    /// Where it and the next ones go (resolved against the current URL).
    pub url: Option<String>,
    /// A GET or HEAD without [`ReconnectRequest::body`] drops the old body.
    pub method: Option<String>,
    /// `Some(None)` removes the body.
    pub body: Option<Option<Body>>,
    pub headers: Option<HeaderList>,
}

/// Where [`Builder::persist_last_event_id`] keeps the last event ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Storage {
    /// `sessionStorage`.
    Session,
    /// `localStorage`.
    Local,
}

impl Storage {
    pub(crate) fn global_name(self) -> &'static str {
        match self {
            Storage::Session => "sessionStorage",
            Storage::Local => "localStorage",
        }
    }
}

/// A hook asked before each reconnection.
pub(crate) type BeforeReconnect = Box<dyn FnMut(&ReconnectInfo) -> Reconnect>;

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

    /// Check every option and start the source: its first request leaves
    /// from a task, so dropping the source at once sends nothing.
    pub fn build(self) -> Result<EventSource, BuildError> {
        let prepared = Prepared::check(self)?;
        Ok(EventSource::start(prepared))
    }
}

/// Everything [`Builder::build`] checked, ready to start a driver.
pub(crate) struct Prepared {
    pub url: String,
    pub config: Config,
    pub settings: Settings,
    pub request: request::Shape,
    pub before_reconnect: Option<BeforeReconnect>,
    pub persist: Option<request::Persisted>,
    pub only: Option<Vec<String>>,
    pub pause_when_hidden: bool,
    #[cfg(feature = "shared")]
    pub member: Option<super::group::Member>,
    pub fixed_request: bool,
}

impl Prepared {
    fn check(b: Builder) -> Result<Prepared, BuildError> {
        let url = request::resolve_url(&b.url)?;
        if !(0.0..=1.0).contains(&b.policy.jitter) {
            return Err(BuildError::Jitter(b.policy.jitter));
        }
        let carrier = choose_transport(b.transport, b.fetch.is_some())?;
        if let Headers::Fixed(list) = &b.headers {
            request::check_headers(list)?;
        }
        let method = match b.method {
            Some(method) => request::check_method(method)?,
            None if b.body.is_some() => String::from("POST"),
            None => String::from("GET"),
        };
        let persist = match b.persist {
            Some((storage, key)) => Some(request::Persisted::open(storage, key, &url)?),
            None => None,
        };
        let last_event_id = b
            .last_event_id
            .or_else(|| persist.as_ref().and_then(request::Persisted::load));
        #[cfg(feature = "shared")]
        let member = match &b.shared {
            Some(key) => group_of(
                &url,
                &b.headers,
                &method,
                b.body.as_ref(),
                b.with_credentials,
                b.fetch.is_some(),
                key,
            )?,
            None => None,
        };
        let fixed_request = b.shared.as_deref() == Some("");
        let shape = request::Shape {
            method,
            body: b.body,
            headers: b.headers,
            resend: b.policy.resend,
            with_credentials: b.with_credentials,
            xhr: carrier == Carrier::Xhr,
        };
        let limits = Limits::new()
            .with_max_line_length(b.max_line_length)
            .with_max_event_size(b.max_event_size);
        let ms = |d: Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
        let config = Config::new()
            .with_limits(limits)
            .with_policy(b.policy.core())
            .with_heartbeat_timeout(b.heartbeat_timeout.map(ms))
            .with_last_event_id(last_event_id.as_deref())
            .with_origin(request::realm_origin().as_deref())
            .with_ask_before_reconnect(b.before_reconnect.is_some())
            .with_send_once(shape.sends_once())
            .with_diagnose_buffering(true)
            .with_seed((js_sys::Math::random() * 9_007_199_254_740_991.0) as u64);
        let settings = Settings {
            with_credentials: b.with_credentials,
            transport: carrier,
            fetch: b.fetch,
            user: None,
            #[cfg(feature = "shared")]
            shared: member.is_some(),
            #[cfg(not(feature = "shared"))]
            shared: false,
            comments: b.comments,
            #[cfg(feature = "test-hooks")]
            panic_on_chunk: false,
        };
        Ok(Prepared {
            url,
            config,
            settings,
            request: shape,
            before_reconnect: b.before_reconnect,
            persist,
            only: b.only,
            pause_when_hidden: b.pause_when_hidden,
            #[cfg(feature = "shared")]
            member,
            fixed_request,
        })
    }
}

/// The group a source with the `shared` option joins (`None` where this
/// realm cannot share: it then holds its own connection), named as the
/// JavaScript class names it (`src/js/group.js`), so both kinds share.
#[cfg(feature = "shared")]
fn group_of(
    url: &str,
    headers: &Headers,
    method: &str,
    body: Option<&Body>,
    with_credentials: bool,
    fetch_function: bool,
    key: &str,
) -> Result<Option<super::group::Member>, BuildError> {
    use eventsource_core::shared::{Body as GroupBody, GroupRequest, Headers as GroupHeaders};
    let pairs: Vec<(&str, &str)> = match headers {
        Headers::Fixed(list) => list.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect(),
        _ => Vec::new(),
    };
    if key.is_empty() {
        let what = match headers {
            Headers::Fixed(_) if fetch_function => Some("a fetch function (it may send anything)"),
            Headers::Fixed(_) => None,
            _ => Some("headers given by a function"),
        };
        if let Some(what) = what {
            return Err(BuildError::NotComparable(what));
        }
    }
    if !super::group::can_share() {
        return Ok(None);
    }
    let name = crate::web::identity::name(&GroupRequest {
        url,
        with_credentials,
        method,
        body: match body {
            None => GroupBody::Empty,
            Some(Body::Text(text)) => GroupBody::Read {
                kind: "text",
                bytes: text.as_bytes(),
            },
            Some(Body::Bytes(bytes)) => GroupBody::Read { kind: "bytes", bytes },
        },
        headers: match headers {
            Headers::Fixed(_) => GroupHeaders::Given(&pairs),
            _ => GroupHeaders::Decided,
        },
        fetch_function,
        key: (!key.is_empty()).then_some(key),
    });
    Ok(Some(super::group::Member {
        name,
        channel: None,
        lock: None,
    }))
}

fn choose_transport(forced: Option<Transport>, custom_fetch: bool) -> Result<Carrier, BuildError> {
    if custom_fetch {
        return match forced {
            Some(Transport::Xhr) => Err(BuildError::Transport {
                transport: Transport::Xhr,
                why: "a fetch function needs the fetch transport",
            }),
            _ => Ok(Carrier::Fetch),
        };
    }
    match forced {
        Some(Transport::Fetch) if env::can_stream_fetch() => Ok(Carrier::Fetch),
        Some(Transport::Fetch) => Err(BuildError::Transport {
            transport: Transport::Fetch,
            why: "this realm's fetch cannot stream a response body (it needs fetch, AbortController and Response.prototype.body)",
        }),
        Some(Transport::Xhr) if env::has_xhr() => Ok(Carrier::Xhr),
        Some(Transport::Xhr) => Err(BuildError::Transport {
            transport: Transport::Xhr,
            why: "this realm has no XMLHttpRequest",
        }),
        None if env::can_stream_fetch() => Ok(Carrier::Fetch),
        None if env::has_xhr() => Ok(Carrier::Xhr),
        None => Err(BuildError::Transport {
            transport: Transport::Fetch,
            why: "this realm has neither a fetch that can stream a response body nor XMLHttpRequest",
        }),
    }
}

/// An option that cannot work, found by [`Builder::build`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum BuildError {
    /// The URL cannot be parsed (relative URLs resolve against the realm's
    /// `location`), or it carries a user name or password.
    Url { url: String, why: String },
    /// A header name or value the platform refuses.
    Header { name: String, why: String },
    /// A method that is not an HTTP token, or one Fetch forbids (CONNECT,
    /// TRACE, TRACK).
    Method(String),
    /// A reconnection jitter outside 0–1.
    Jitter(f64),
    /// The transport asked for (or any) cannot run in this realm.
    Transport { transport: Transport, why: &'static str },
    /// The storage [`Builder::persist_last_event_id`] names is not there.
    Storage { storage: Storage, why: String },
    /// `shared()` (without a key) with a request that cannot be compared:
    /// what it is.
    NotComparable(&'static str),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::Url { url, why } => write!(f, "eventsource-wasm: the URL {url:?} cannot be used: {why}"),
            BuildError::Header { name, why } => {
                write!(f, "eventsource-wasm: the header {name:?} cannot be sent: {why}")
            }
            BuildError::Method(method) => write!(
                f,
                "eventsource-wasm: the method {method:?} cannot be sent: it must be an HTTP token other than CONNECT, TRACE or TRACK"
            ),
            BuildError::Jitter(jitter) => write!(
                f,
                "eventsource-wasm: the reconnection jitter must be a fraction from 0 to 1, not {jitter}"
            ),
            BuildError::Transport { transport, why } => {
                write!(f, "eventsource-wasm: the {transport:?} transport cannot be used: {why}")
            }
            BuildError::Storage { storage, why } => write!(
                f,
                "eventsource-wasm: persist_last_event_id needs {}, which cannot be used here: {why}",
                storage.global_name()
            ),
            BuildError::NotComparable(what) => write!(
                f,
                "eventsource-wasm: shared() shares a connection only among sources whose requests are the same (no tab may receive events fetched with another's credentials), and {what} cannot be compared; give fixed headers, or use shared_with_key(key) to promise that every source with that key may see the same events"
            ),
        }
    }
}

impl core::error::Error for BuildError {}

/// `value` as text, for a message (a JavaScript error's `message`).
pub(crate) fn describe(value: &JsValue) -> String {
    if let Some(text) = value.as_string() {
        return text;
    }
    let message = env::field(value, "message").as_string();
    let name = env::field(value, "name").as_string();
    match (name, message) {
        (Some(name), Some(message)) => alloc::format!("{name}: {message}"),
        (None, Some(message)) => message,
        _ => String::from("an exception"),
    }
}
