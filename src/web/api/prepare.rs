//! What [`Builder::build`](super::Builder::build) checks and makes of the
//! options: the machine's `Config`, the driver's `Settings`, the request's
//! shape, the transport, the group of a shared source.

use alloc::string::String;
use alloc::vec::Vec;

use eventsource_core::credentials::basic_authorization;
use eventsource_core::machine::Config;
use eventsource_core::parser::Limits;

use super::builder::Builder;
use super::error::BuildError;
#[cfg(feature = "shared")]
use super::options::Body;
use super::options::{BeforeReconnect, Headers, Transport, millis};
use super::request;
use crate::web::env;
use crate::web::settings::{Settings, Transport as Carrier};

/// Everything [`Builder::build`] checked, ready to start a driver.
pub(crate) struct Prepared {
    /// As given (with any credentials), for `EventSource::url`.
    pub url: String,
    /// What is requested (without them).
    pub request_url: String,
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
    pub(crate) fn check(b: Builder) -> Result<Prepared, BuildError> {
        let resolved = request::resolve_url(&b.url)?;
        let url = resolved.href;
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
        let xhr = carrier == Carrier::Xhr;
        let shape = request::Shape {
            method,
            body: b.body,
            headers: b.headers,
            resend: b.policy.resend,
            with_credentials: b.with_credentials,
            xhr,
            authorization: resolved
                .credentials
                .as_ref()
                .map(|(user, password)| basic_authorization(user, password)),
        };
        // As the JavaScript class: XHR answers a Basic challenge with them
        // itself; fetch sends them with the first request in a window (a
        // 401 to a fetch would make the browser prompt), elsewhere after a
        // challenge.
        let credentialed = resolved.credentials.is_some();
        let in_window = !env::field(&env::global(), "location").is_undefined();
        let limits = Limits::new()
            .with_max_line_length(b.max_line_length)
            .with_max_event_size(b.max_event_size);
        let config = Config::new()
            .with_limits(limits)
            .with_policy(b.policy.core())
            .with_heartbeat_timeout(b.heartbeat_timeout.map(millis))
            .with_last_event_id(last_event_id.as_deref())
            .with_origin(request::realm_origin().as_deref())
            .with_ask_before_reconnect(b.before_reconnect.is_some())
            .with_send_once(shape.sends_once())
            .with_basic_credentials(credentialed && !xhr)
            .with_authorize_first(credentialed && !xhr && in_window)
            .with_diagnose_buffering(true)
            .with_seed((js_sys::Math::random() * 9_007_199_254_740_991.0) as u64);
        let settings = Settings {
            with_credentials: b.with_credentials,
            transport: carrier,
            fetch: b.fetch,
            user: resolved.credentials.filter(|_| xhr),
            #[cfg(feature = "shared")]
            shared: member.is_some(),
            #[cfg(not(feature = "shared"))]
            shared: false,
            comments: b.comments,
            #[cfg(feature = "test-hooks")]
            panic_on_chunk: b.panic_on_chunk,
        };
        Ok(Prepared {
            url,
            request_url: resolved.request_url,
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
    let digest = GroupRequest {
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
    }
    .digest();
    let name = crate::web::identity::name(digest);
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
