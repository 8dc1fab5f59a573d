//! Making the request the machine asked for: the user's headers (fixed, or
//! asked for now, maybe as a promise), then the protocol's own (HTML
//! §9.2.2: `Accept`, `Last-Event-ID` exactly as the machine says), then the
//! transport.

use alloc::string::String;

use js_sys::Promise;
use sse_core::machine::{Failure, Request};
use sse_core::url;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::Headers;

use crate::web::guard::{Settle, on_settle};
use crate::web::link::Link;
use crate::web::resources::Active;
use crate::web::seam::{Report, Reporter, RequestSpec};
use crate::web::settings::{Settings, Transport};
use crate::web::{fetch, xhr};

/// Header values are byte strings: a value is sent as the code units of a
/// string in which each char stands for one byte. The last event ID is sent
/// as UTF-8 bytes, as browsers do, so each of its UTF-8 bytes becomes a char.
fn byte_string(text: &str) -> String {
    text.bytes().map(char::from).collect()
}

/// The user's headers for `request`: at hand, or on their way (a promise,
/// whose value is reported as [`Report::Headers`]), or the hook threw.
pub enum UserHeaders {
    Ready(JsValue),
    Pending(Settle),
    Failed,
}

/// Ask for the user's headers: fixed by `beforeReconnect`, else the
/// `headers` option (through the link, which calls a function option now).
pub fn user_headers(settings: &Settings, link: &Link, request: &Request, reporter: Reporter) -> UserHeaders {
    let fixed = settings.template.borrow().headers.clone();
    let value = match fixed {
        Some(headers) => Ok(headers),
        None => link.headers(&request.url, request.last_event_id.as_deref().unwrap_or("")),
    };
    match value {
        Ok(value) if value.is_instance_of::<Promise>() => {
            UserHeaders::Pending(on_settle(value.unchecked_ref::<Promise>(), move |resolved| {
                reporter.report(match resolved {
                    Ok(headers) => Report::Headers(headers),
                    // A headers promise that rejects: like a failed request, retried.
                    Err(_) => Report::Failed(Failure::NotSent),
                });
            }))
        }
        Ok(value) => UserHeaders::Ready(value),
        // A headers function that throws: like a failed request, retried.
        Err(_) => UserHeaders::Failed,
    }
}

/// Complete the headers and start the transport. `None` if the request
/// cannot be made (headers the platform refuses, a body `fetch()` or
/// `send()` throws on): the caller reports a failure.
pub fn send(settings: &Settings, request: &Request, user_headers: &JsValue, reporter: Reporter) -> Option<Active> {
    let headers = if user_headers.is_undefined() || user_headers.is_null() {
        Headers::new()
    } else {
        // Any HeadersInit (object, Headers, pairs): the JS constructor takes them all.
        Headers::new_with_record_from_str_to_str(user_headers.unchecked_ref())
    }
    .ok()?;
    // HTML §9.2.2: Accept: text/event-stream (a user's Accept stands), and
    // Last-Event-ID exactly as the machine decided (sent as UTF-8 bytes).
    if !headers.has("accept").unwrap_or(false) {
        let _ = headers.set("Accept", "text/event-stream");
    }
    if let (true, Some(authorization)) = (request.authorize, &settings.authorization) {
        let _ = headers.set("Authorization", authorization);
    }
    match &request.last_event_id {
        Some(id) => {
            let _ = headers.set("Last-Event-ID", &byte_string(id));
        }
        None => {
            let _ = headers.delete("Last-Event-ID");
        }
    }
    if settings.transport == Transport::Xhr && !url::is_cross_origin(settings.origin.as_deref(), &request.url) {
        // Fetch's cache mode no-store adds these; XHR has no cache mode, so
        // without them the HTTP cache may answer a second source with the
        // first one's response. Same-origin only: across origins they would
        // need a CORS preflight (README, "How it differs").
        for name in ["Cache-Control", "Pragma"] {
            if !headers.has(name).unwrap_or(false) {
                let _ = headers.set(name, "no-cache");
            }
        }
    }
    let template = settings.template.borrow();
    let spec = RequestSpec {
        url: &request.url,
        with_credentials: settings.with_credentials,
        headers: &headers,
        method: &template.method,
        body: &template.body,
        fetch: settings.fetch.as_ref(),
        user: settings.user.as_ref().map(|(u, p)| (u.as_str(), p.as_str())),
    };
    match settings.transport {
        Transport::Fetch => fetch::start(&spec, reporter).map(Active::Fetch).ok(),
        Transport::Xhr => xhr::start(&spec, reporter).map(Active::Xhr).ok(),
    }
}
