//! The group's identity: which sources share one connection (the same
//! request: URL, method, headers, body, credentials), as a digest that
//! names the group without carrying the request in clear.

use super::*;

/// A request's body, as far as a group's identity can know it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body<'a> {
    /// No body.
    Empty,
    /// A body read whole before the request: `kind` names what sort of value
    /// it was (the host's words, such as `text`, `params`, `bytes`; it
    /// decides the `Content-Type` Fetch adds, so two bodies of the same
    /// bytes but different kinds are different requests) and `bytes` its
    /// content.
    Read {
        /// What sort of value it was.
        kind: &'a str,
        /// Its content.
        bytes: &'a [u8],
    },
    /// A body that cannot be read without consuming it or waiting (a
    /// stream, a blob, a form with files): it cannot be compared.
    Unreadable,
}

/// A request's headers, as far as a group's identity can know them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Headers<'a> {
    /// Given as a value: names and values, in any order and case.
    Given(&'a [(&'a str, &'a str)]),
    /// Decided by code at each request (a function): they cannot be
    /// compared.
    Decided,
}

/// What decides whether two sources may share one connection: the request
/// each would make, and the key the caller gave.
///
/// Sources may share only when their requests would be the same, since
/// every source of a group receives what the leader's request brought
/// (another principal's events, if the requests carried different
/// credentials). [`GroupRequest::digest`] is equal for two requests exactly
/// when they are the same request as Fetch would send it: the URL,
/// the credentials mode, the method (Fetch upper-cases the standard ones),
/// the body and its kind, and the headers (names in any case and order;
/// values trimmed, and a name given twice combined in order, as Fetch's
/// `Headers` does), and the key.
///
/// Parts that code decides ([`Headers::Decided`], [`Body::Unreadable`], a
/// `fetch` function) cannot be compared: a host must not let sources share
/// on such a request unless the caller gave a key, its promise that every
/// source with that key may see the same events. Their digest then covers
/// the fact that they are decided, not what is decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupRequest<'a> {
    /// The URL, serialized by the URL Standard (with its user name and
    /// password, if any: they are credentials).
    pub url: &'a str,
    /// `withCredentials` (the credentials mode).
    pub with_credentials: bool,
    /// The method.
    pub method: &'a str,
    /// The body.
    pub body: Body<'a>,
    /// The headers the caller gave (not those the source adds itself:
    /// `Accept`, `Last-Event-ID`).
    pub headers: Headers<'a>,
    /// Whether a `fetch` function of the caller's carries the request (it
    /// may change anything about it).
    pub fetch_function: bool,
    /// The caller's key (`None`: the caller asked to share with no key).
    pub key: Option<&'a str>,
}

/// A header value without leading and trailing HTTP whitespace (Fetch:
/// "normalize" a byte sequence: tab, LF, CR, space).
fn trim_http_whitespace(mut value: &[u8]) -> &[u8] {
    while let [b'\t' | b'\n' | b'\r' | b' ', rest @ ..] = value {
        value = rest;
    }
    while let [rest @ .., b'\t' | b'\n' | b'\r' | b' '] = value {
        value = rest;
    }
    value
}

/// Fetch normalizes these methods' case (Fetch §2.2.1 "normalize a method").
const NORMALIZED_METHODS: [&str; 6] = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];

impl GroupRequest<'_> {
    /// The SHA-256 digest of the request's canonical form: the same for
    /// two requests exactly when they are the same request (see
    /// [`GroupRequest`]), and revealing nothing of the URL or the headers,
    /// so that it can name the group's lock and channel, which other code
    /// of the origin (and the browser's developer tools) can list.
    pub fn digest(&self) -> [u8; 32] {
        hmac_sha256::Hash::hash(&self.canonical())
    }

    /// The request written as bytes that two requests share exactly when
    /// they are the same request. Every field is written with its length
    /// (or after a tag), so no two different requests write the same bytes.
    fn canonical(&self) -> Vec<u8> {
        fn field(out: &mut Vec<u8>, bytes: &[u8]) {
            out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
            out.extend_from_slice(bytes);
        }

        let mut out = Vec::new();
        field(&mut out, b"eventsource-wasm group 1");
        field(&mut out, self.url.as_bytes());
        out.push(u8::from(self.with_credentials));
        let method = NORMALIZED_METHODS.iter().find(|m| m.eq_ignore_ascii_case(self.method));
        field(&mut out, method.unwrap_or(&self.method).as_bytes());
        match self.body {
            Body::Empty => out.push(0),
            Body::Read { kind, bytes } => {
                out.push(1);
                field(&mut out, kind.as_bytes());
                field(&mut out, bytes);
            }
            Body::Unreadable => out.push(2),
        }
        match self.headers {
            Headers::Given(given) => {
                out.push(0);
                // Fetch's header list: names are case-insensitive, and the
                // values of one name are combined, in order, with ", ".
                // A stable sort by the lower-cased name keeps that order:
                // an insertion sort, since a request has a few headers and
                // the standard library's stable sort is 5 KB of wasm.
                let mut list: Vec<(&[u8], &[u8])> = given
                    .iter()
                    .map(|(name, value)| (name.as_bytes(), trim_http_whitespace(value.as_bytes())))
                    .collect();
                let lower = |name: &[u8]| name.iter().map(u8::to_ascii_lowercase).collect::<Vec<u8>>();
                for i in 1..list.len() {
                    let mut j = i;
                    while j > 0 && lower(list[j - 1].0) > lower(list[j].0) {
                        list.swap(j - 1, j);
                        j -= 1;
                    }
                }
                let mut rest = &list[..];
                while let [(name, _), ..] = rest {
                    let run = rest
                        .iter()
                        .take_while(|(other, _)| other.eq_ignore_ascii_case(name))
                        .count();
                    let (values, after) = rest.split_at(run);
                    out.push(1);
                    field(&mut out, &lower(name));
                    let mut combined = Vec::new();
                    for (i, (_, value)) in values.iter().enumerate() {
                        if i > 0 {
                            combined.extend_from_slice(b", ");
                        }
                        combined.extend_from_slice(value);
                    }
                    field(&mut out, &combined);
                    rest = after;
                }
                out.push(0);
            }
            Headers::Decided => out.push(1),
        }
        out.push(u8::from(self.fetch_function));
        match self.key {
            None => out.push(0),
            Some(key) => {
                out.push(1);
                field(&mut out, key.as_bytes());
            }
        }
        out
    }
}
