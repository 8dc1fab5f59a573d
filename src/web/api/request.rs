//! The request of a Rust source, written down as a fetch init (as
//! `src/js/request.js` does for the JavaScript class): what is sent — the
//! `Last-Event-ID`, the credentials mode — is the machine's decision
//! (`Request`), this only writes it. Also the checks [`Builder::build`]
//! makes of the URL, headers and method, and the persisted last event ID.
//!
//! [`Builder::build`]: super::Builder::build

use alloc::string::String;
use alloc::vec::Vec;

use js_sys::{Function, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

use eventsource_core::credentials::percent_decode;
use eventsource_core::machine::sends_once;

use super::error::{BuildError, describe};
use super::event::RequestInfo;
use super::options::{Body, HeaderList, Headers, Storage};
use crate::web::env;

/// The request's shape, which a `before_reconnect` answer may change.
pub(crate) struct Shape {
    pub method: String,
    pub body: Option<Body>,
    pub headers: Headers,
    /// `ReconnectPolicy::resend`.
    pub resend: bool,
    pub with_credentials: bool,
    /// XHR carries it (no cache mode: see `init`).
    pub xhr: bool,
    /// `Basic …` of the URL's credentials, sent when the machine says so
    /// (`Request::authorize`).
    pub authorization: Option<String>,
}

impl Shape {
    /// Whether it is sent once (`Config::send_once`): the core's rule,
    /// `eventsource_core::machine::sends_once`.
    pub(crate) fn sends_once(&self) -> bool {
        sends_once(&self.method, self.body.is_some(), self.resend)
    }

    /// The fetch init for `url`, with these user headers: `Accept:
    /// text/event-stream` unless the user gave one, `Last-Event-ID` only as
    /// the machine decided (HTML §9.2.2 step 6 and §9.2.4), the
    /// credentials mode of `withCredentials` (§9.2.2 step 8), `no-store`
    /// (step 9), the URL's credentials where the machine asks for them.
    pub(crate) fn init(
        &self,
        url: &str,
        last_event_id: &str,
        authorize: bool,
        user: &HeaderList,
    ) -> Result<Object, JsValue> {
        let headers = web_sys::Headers::new()?;
        for (name, value) in user {
            headers.append(name, value)?;
        }
        if !headers.has("accept")? {
            headers.set("Accept", "text/event-stream")?;
        }
        if last_event_id.is_empty() {
            headers.delete("Last-Event-ID")?;
        } else {
            headers.set("Last-Event-ID", &byte_string(last_event_id))?;
        }
        if let (true, Some(basic)) = (authorize, &self.authorization) {
            headers.set("Authorization", basic)?;
        }
        // XHR has no cache mode: without these the HTTP cache may answer a
        // second source with the first one's response (same origin only:
        // across origins they would need a preflight).
        if self.xhr && same_origin(url) {
            for name in ["Cache-Control", "Pragma"] {
                if !headers.has(name)? {
                    headers.set(name, "no-cache")?;
                }
            }
        }
        let init = Object::new();
        env::set(&init, "method", &JsValue::from_str(&self.method));
        env::set(&init, "headers", &headers);
        env::set(&init, "mode", &JsValue::from_str("cors"));
        env::set(
            &init,
            "credentials",
            &JsValue::from_str(env::credentials(self.with_credentials)),
        );
        env::set(&init, "redirect", &JsValue::from_str("follow"));
        if !self.xhr {
            env::set(&init, "cache", &JsValue::from_str("no-store"));
        }
        match &self.body {
            Some(Body::Text(text)) => env::set(&init, "body", &JsValue::from_str(text)),
            Some(Body::Bytes(bytes)) => env::set(&init, "body", &Uint8Array::from(bytes.as_slice())),
            None => {}
        }
        Ok(init)
    }

    /// The user's headers for a request, if they are at hand now.
    pub(crate) fn user_headers(&self, info: &RequestInfo) -> Option<Result<HeaderList, String>> {
        match &self.headers {
            Headers::Fixed(list) => Some(Ok(list.clone())),
            Headers::Sync(f) => Some(f(info)),
            Headers::Async(_) => None,
        }
    }
}

/// Header values are byte strings: the last event ID goes as its UTF-8
/// bytes, one character per byte.
fn byte_string(text: &str) -> String {
    text.bytes().map(char::from).collect()
}

/// `location.origin` of this realm (a window or a worker), if it has one.
pub(crate) fn realm_origin() -> Option<String> {
    env::field(&env::field(&env::global(), "location"), "origin").as_string()
}

fn same_origin(url: &str) -> bool {
    match (realm_origin(), web_sys::Url::new(url)) {
        (Some(origin), Ok(parsed)) => parsed.origin() == origin,
        (None, _) => true,
        _ => false,
    }
}

/// The origin of `url` (a response's final URL), for message events.
pub(crate) fn origin_of(url: &str) -> String {
    web_sys::Url::new(url).map(|u| u.origin()).unwrap_or_default()
}

/// A URL as [`resolve_url`] makes it.
pub(crate) struct Resolved {
    /// Parsed and serialized, as given (`EventSource::url`).
    pub href: String,
    /// What is requested: without the user name and password.
    pub request_url: String,
    /// The user name and password, percent-decoded, if it had them.
    pub credentials: Option<(String, String)>,
}

/// `url` parsed and serialized by the platform's URL parser, relative to
/// the realm's `location` (HTML §9.2.2 steps 3–5 "encoding-parse a URL").
/// Fetch refuses a URL with credentials: they are split off (as
/// `src/js/credentials.js` does) and decoded as `decodeURIComponent` would.
pub(crate) fn resolve_url(url: &str) -> Result<Resolved, BuildError> {
    let base = env::field(&env::field(&env::global(), "location"), "href").as_string();
    let parsed = match &base {
        Some(base) => web_sys::Url::new_with_base(url, base),
        None => web_sys::Url::new(url),
    };
    let parsed = parsed.map_err(|thrown| BuildError::Url {
        url: String::from(url),
        why: describe(&thrown),
    })?;
    let href = parsed.href();
    let (user, password) = (parsed.username(), parsed.password());
    if user.is_empty() && password.is_empty() {
        return Ok(Resolved {
            request_url: href.clone(),
            href,
            credentials: None,
        });
    }
    let decode = |part: &str, which: &str| {
        percent_decode(part).map_err(|error| BuildError::Url {
            url: String::from(url),
            why: alloc::format!("its {which} cannot be decoded: {error}"),
        })
    };
    let credentials = (decode(&user, "user name")?, decode(&password, "password")?);
    parsed.set_username("");
    parsed.set_password("");
    Ok(Resolved {
        href,
        request_url: parsed.href(),
        credentials: Some(credentials),
    })
}

/// Each header as the platform takes it, or which one it refuses and why.
pub(crate) fn check_headers(list: &HeaderList) -> Result<(), BuildError> {
    let headers = web_sys::Headers::new().map_err(|thrown| BuildError::Header {
        name: String::new(),
        why: describe(&thrown),
    })?;
    for (name, value) in list {
        headers.append(name, value).map_err(|thrown| BuildError::Header {
            name: name.clone(),
            why: describe(&thrown),
        })?;
    }
    Ok(())
}

/// An HTTP token (RFC 9110 §5.6.2) that Fetch does not forbid.
pub(crate) fn check_method(method: String) -> Result<String, BuildError> {
    let token = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
    let forbidden = ["CONNECT", "TRACE", "TRACK"]
        .iter()
        .any(|f| method.eq_ignore_ascii_case(f));
    if method.is_empty() || !method.bytes().all(token) || forbidden {
        return Err(BuildError::Method(method));
    }
    Ok(method)
}

/// The `persist_last_event_id` option: the storage and the key.
pub(crate) struct Persisted {
    storage: JsValue,
    key: String,
    saved: Option<String>,
}

impl Persisted {
    pub(crate) fn open(storage: Storage, key: Option<String>, url: &str) -> Result<Persisted, BuildError> {
        // A sandboxed document's storage throws when read.
        let value = Reflect::get(&env::global(), &JsValue::from_str(storage.global_name())).map_err(|thrown| {
            BuildError::Storage {
                storage,
                why: describe(&thrown),
            }
        })?;
        if !env::field(&value, "getItem").is_function() {
            return Err(BuildError::Storage {
                storage,
                why: String::from("this realm does not offer it"),
            });
        }
        let key = key.unwrap_or_else(|| alloc::format!("eventsource-wasm:lastEventId:{url}"));
        Ok(Persisted {
            storage: value,
            key,
            saved: None,
        })
    }

    fn call(&self, method: &str, args: &[&str]) -> Option<JsValue> {
        let f = env::field(&self.storage, method).dyn_into::<Function>().ok()?;
        let args: Vec<JsValue> = args.iter().map(|a| JsValue::from_str(a)).collect();
        f.apply(&self.storage, &args.into_iter().collect()).ok()
    }

    /// The ID kept by an earlier source for this key.
    pub(crate) fn load(&self) -> Option<String> {
        self.call("getItem", &[&self.key]).and_then(|v| v.as_string())
    }

    /// Keep `id` (a full or refused storage: the stream goes on without it).
    pub(crate) fn save(&mut self, id: &str) {
        if self.saved.as_deref() != Some(id) {
            self.call("setItem", &[&self.key, id]);
            self.saved = Some(String::from(id));
        }
    }
}
