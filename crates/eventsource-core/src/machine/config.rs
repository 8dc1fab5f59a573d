//! How a source is set up (limits, backoff, heartbeat, credentials) and
//! what a response's head says.

use super::*;

/// How to back off between reconnections. The default is the spec's: wait the
/// reconnection time, every time, forever.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct ReconnectPolicy {
    /// Delay before the first reconnection when the server sent no `retry`.
    pub initial_delay: Millis,
    /// Upper bound for a backed-off delay (a server's `retry` is not bound).
    pub max_delay: Millis,
    /// Double the delay after each consecutive failed attempt.
    pub exponential: bool,
    /// Fraction (0..=1) of the delay to add at random, to spread clients
    /// that lost their connections together: the delay becomes
    /// `delay * (1 + jitter * r)` for a random `r` in [0, 1). Added, never
    /// taken away, so a reconnection never comes sooner than asked.
    pub jitter: f64,
    /// Give up (error, CLOSED) after this many consecutive reconnections
    /// that did not reach OPEN.
    pub max_retries: Option<u32>,
}

impl Default for ReconnectPolicy {
    fn default() -> Self {
        ReconnectPolicy {
            initial_delay: DEFAULT_RECONNECTION_TIME,
            max_delay: Millis(u64::MAX),
            exponential: false,
            jitter: 0.0,
            max_retries: None,
        }
    }
}

impl ReconnectPolicy {
    /// The spec's policy (the default).
    pub fn new() -> Self {
        ReconnectPolicy::default()
    }
    /// Set [`ReconnectPolicy::initial_delay`].
    pub fn with_initial_delay(mut self, ms: Millis) -> Self {
        self.initial_delay = ms;
        self
    }
    /// Set [`ReconnectPolicy::max_delay`].
    pub fn with_max_delay(mut self, ms: Millis) -> Self {
        self.max_delay = ms;
        self
    }
    /// Set [`ReconnectPolicy::exponential`].
    pub fn with_exponential(mut self, exponential: bool) -> Self {
        self.exponential = exponential;
        self
    }
    /// Set [`ReconnectPolicy::jitter`] (clamped to 0..=1).
    pub fn with_jitter(mut self, jitter: f64) -> Self {
        self.jitter = if jitter.is_nan() { 0.0 } else { jitter.clamp(0.0, 1.0) };
        self
    }
    /// Set [`ReconnectPolicy::max_retries`].
    pub fn with_max_retries(mut self, max: Option<u32>) -> Self {
        self.max_retries = max;
        self
    }
}

/// Everything a machine is configured with. Build it with
/// [`Config::default`] and the `with_*` setters; new fields will come with
/// defaults that keep today's behaviour.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct Config {
    /// Limits on lines and events (none by default, as the spec has none).
    pub limits: Limits,
    /// How to back off between reconnections.
    pub policy: ReconnectPolicy,
    /// Treat a connection on which nothing arrives for this long as
    /// dropped (reason [`Reason::Timeout`]), and reconnect.
    pub heartbeat_timeout: Option<Millis>,
    /// The last event ID to start from (sent on the first request).
    pub last_event_id: Option<String>,
    /// The client's own origin (`scheme://host[:port]`), where CORS
    /// applies (browsers); `None` where it does not (native clients, Node).
    pub origin: Option<String>,
    /// Queue [`Notice::BeforeReconnect`] before each reconnection.
    pub ask_before_reconnect: bool,
    /// The host holds credentials for HTTP Basic authentication (a URL's
    /// `user:password@`, which a request must not carry): a `401` with a
    /// Basic challenge is answered once, by the same request with
    /// [`Request::authorize`] set, as browsers answer it for their own
    /// EventSource; later requests then carry them from the start.
    pub basic_credentials: bool,
    /// Send those credentials on the first request already, where a
    /// challenge would not reach the host: a browser answers a same-origin
    /// `401` with its own login prompt, and hides the challenge of a
    /// cross-origin one.
    pub authorize_first: bool,
    /// The request is sent once: it has a body or a method other than
    /// GET/HEAD, and the host did not allow re-sending it. When its
    /// connection is lost, it is not made again by itself: with
    /// [`Config::ask_before_reconnect`] the host is asked first and must
    /// answer with the request to continue with ([`Machine::proceed`]);
    /// otherwise, or if it does not, the connection fails
    /// ([`Reason::Unrepeatable`]). HTML's EventSource only ever sends GET,
    /// which this leaves as the standard says. [`sends_once`] is the rule.
    pub send_once: bool,
    /// Watch the responses for signs of a buffering intermediary and warn
    /// once ([`Warning::Buffering`]; see [`crate::buffering`]). Off by
    /// default (a warning is not the standard's).
    pub diagnose_buffering: bool,
    /// Seed for the jitter's random numbers.
    pub seed: u64,
}

impl Config {
    /// The spec's behaviour.
    pub fn new() -> Self {
        Config::default()
    }
    /// Set [`Config::limits`].
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }
    /// Set [`Config::policy`].
    pub fn with_policy(mut self, policy: ReconnectPolicy) -> Self {
        self.policy = policy;
        self
    }
    /// Set [`Config::heartbeat_timeout`].
    pub fn with_heartbeat_timeout(mut self, ms: Option<Millis>) -> Self {
        self.heartbeat_timeout = ms.filter(|&ms| ms > Millis(0));
        self
    }
    /// Set [`Config::last_event_id`].
    pub fn with_last_event_id(mut self, id: Option<&str>) -> Self {
        self.last_event_id = id.map(String::from);
        self
    }
    /// Set [`Config::origin`].
    pub fn with_origin(mut self, origin: Option<&str>) -> Self {
        self.origin = origin.map(String::from);
        self
    }
    /// Set [`Config::ask_before_reconnect`].
    pub fn with_ask_before_reconnect(mut self, ask: bool) -> Self {
        self.ask_before_reconnect = ask;
        self
    }
    /// Set [`Config::basic_credentials`].
    pub fn with_basic_credentials(mut self, has: bool) -> Self {
        self.basic_credentials = has;
        self
    }
    /// Set [`Config::authorize_first`].
    pub fn with_authorize_first(mut self, first: bool) -> Self {
        self.authorize_first = first;
        self
    }
    /// Set [`Config::send_once`].
    pub fn with_send_once(mut self, once: bool) -> Self {
        self.send_once = once;
        self
    }
    /// Set [`Config::diagnose_buffering`].
    pub fn with_diagnose_buffering(mut self, diagnose: bool) -> Self {
        self.diagnose_buffering = diagnose;
        self
    }
    /// Set [`Config::seed`].
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }
}

/// What a response's head says, as far as the protocol cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Head<'a> {
    /// The HTTP status.
    pub status: u16,
    /// The whole `Content-Type` header value, if there was one.
    pub content_type: Option<&'a str>,
    /// The whole `WWW-Authenticate` header value, if there was one (see
    /// [`Config::basic_credentials`]).
    pub www_authenticate: Option<&'a str>,
    /// The whole `Content-Encoding` header value, if there was one (and the
    /// host can see it; see [`Config::diagnose_buffering`]).
    pub content_encoding: Option<&'a str>,
}

impl<'a> Head<'a> {
    /// A head with this status and Content-Type.
    pub const fn new(status: u16, content_type: Option<&'a str>) -> Head<'a> {
        Head {
            status,
            content_type,
            www_authenticate: None,
            content_encoding: None,
        }
    }

    /// With this `Content-Encoding` header value.
    pub fn with_content_encoding(mut self, value: Option<&'a str>) -> Head<'a> {
        self.content_encoding = value;
        self
    }

    /// With this `WWW-Authenticate` header value.
    pub fn with_www_authenticate(mut self, value: Option<&'a str>) -> Head<'a> {
        self.www_authenticate = value;
        self
    }

    /// Whether a challenge in `WWW-Authenticate` is for the Basic scheme
    /// (RFC 7617; challenges are comma-separated, scheme names
    /// case-insensitive).
    pub(super) fn challenges_basic(&self) -> bool {
        self.www_authenticate.is_some_and(|value| {
            value.split(',').any(|challenge| {
                let challenge = crate::mime::trim(challenge.as_bytes(), crate::mime::space_or_tab);
                challenge.len() >= 5
                    && challenge[..5].eq_ignore_ascii_case(b"basic")
                    && challenge.get(5).is_none_or(|&b| b == b' ' || b == b'\t')
            })
        })
    }
}

/// Whether a request is sent once ([`Config::send_once`]): it has a body,
/// or a method other than GET and HEAD (the methods RFC 9110 §9.2.1 calls
/// safe; another may have effects, §9.2.2), and the host did not allow
/// re-sending it (`resend`: the app says it is idempotent). Methods are
/// compared without regard to case, as Fetch normalizes them.
///
/// The one statement of the rule in Rust. The JavaScript class decides it
/// in its constructor, before any WebAssembly has loaded, so its shell
/// keeps a copy (`sendsOnce` in `src/js/options.js`), held to the same
/// table as this (`tests/sends-once.json`, read by this crate's tests and
/// by `tests/node/border.test.mjs`).
pub fn sends_once(method: &str, has_body: bool, resend: bool) -> bool {
    let safe = method.eq_ignore_ascii_case("GET") || method.eq_ignore_ascii_case("HEAD");
    !resend && (has_body || !safe)
}
