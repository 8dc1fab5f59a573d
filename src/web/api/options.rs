//! The values the [`Builder`](super::Builder)'s options take: the
//! transport, the body, headers, the reconnection policy and what a
//! `before_reconnect` hook answers, the storage of the last event ID.

use alloc::boxed::Box;
use alloc::rc::Rc;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::future::Future;
use core::pin::Pin;
use core::time::Duration;

use eventsource_core::Millis;
use eventsource_core::machine::ReconnectPolicy as CorePolicy;

use super::event::{ReconnectInfo, RequestInfo};

/// Which transport carries the requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Transport {
    /// Streaming `fetch` (a `ReadableStream` body).
    Fetch,
    /// `XMLHttpRequest` (its growing `responseText`).
    Xhr,
}

impl Transport {
    /// Its name in messages (the JavaScript option's value).
    pub(crate) fn name(self) -> &'static str {
        match self {
            Transport::Fetch => "fetch",
            Transport::Xhr => "xhr",
        }
    }
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
    pub(crate) jitter: f64,
    max_retries: Option<u32>,
    pub(crate) resend: bool,
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
    /// clients (never shortens it). Outside 0–1: [`BuildError::Jitter`](super::BuildError::Jitter).
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
    /// unless [`Builder::before_reconnect`](super::Builder::before_reconnect) answers with a request.
    pub fn resend(mut self, resend: bool) -> Self {
        self.resend = resend;
        self
    }

    pub(crate) fn core(&self) -> CorePolicy {
        let mut policy = CorePolicy::new()
            .with_exponential(self.exponential)
            .with_jitter(self.jitter)
            .with_max_retries(self.max_retries);
        if let Some(delay) = self.initial_delay {
            policy = policy.with_initial_delay(millis(delay));
        }
        if let Some(delay) = self.max_delay {
            policy = policy.with_max_delay(millis(delay));
        }
        policy
    }
}

/// What a [`Builder::before_reconnect`](super::Builder::before_reconnect) hook answers.
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

/// Where [`Builder::persist_last_event_id`](super::Builder::persist_last_event_id) keeps the last event ID.
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

/// The core's span for a `Duration` (milliseconds; one longer than `u64`
/// milliseconds hold is as long as the core can wait).
pub(super) fn millis(d: Duration) -> Millis {
    Millis(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}
