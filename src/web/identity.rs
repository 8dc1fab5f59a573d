//! The name of a shared stream's group (the `shared` option): the name of
//! its Web Lock and its `BroadcastChannel`. Sources share a connection only
//! when their requests are the same (`eventsource_core::shared::GroupRequest`, whose
//! digest this writes in hex): two tabs signed in as different users, whose
//! `Authorization` headers differ, hold a connection each. The name is a
//! digest because any code of the origin (and the browser's developer
//! tools) can list lock names: it must not carry a URL's token or a header
//! in clear.

use alloc::string::String;
#[cfg(feature = "js")]
use alloc::vec::Vec;

#[cfg(feature = "js")]
use eventsource_core::shared::{Body, GroupRequest, Headers};
#[cfg(feature = "js")]
use js_sys::{Array, Uint8Array};
#[cfg(feature = "js")]
use wasm_bindgen::JsCast;
#[cfg(feature = "js")]
use wasm_bindgen::prelude::*;

#[cfg(feature = "js")]
use crate::web::env;

/// The group's name for the request `groupOf` in `src/js/group.js`
/// describes: `{ url, withCredentials, method, bodyKind, body, headers,
/// fetch, key }`, where `bodyKind` is undefined for no body and
/// `'unreadable'` for one that cannot be read, `headers` is a flat array of
/// names and values (null: a function decides them) and `key` is null for
/// `shared: true`. (An object, not positional arguments: measured, the
/// glue's conversions of seven arguments cost the wasm 1.6 KB more.)
#[cfg(feature = "js")]
#[wasm_bindgen(js_name = groupName)]
pub fn group_name(request: &JsValue) -> String {
    let text = |key| env::field(request, key).as_string().unwrap_or_default();
    let url = text("url");
    let method = text("method");
    let body_kind = env::field(request, "bodyKind").as_string();
    let bytes = env::field(request, "body")
        .dyn_into::<Uint8Array>()
        .map(|b| b.to_vec())
        .unwrap_or_default();
    let flat: Option<Vec<String>> = env::field(request, "headers")
        .dyn_into::<Array>()
        .ok()
        .map(|list| list.iter().map(|v| v.as_string().unwrap_or_default()).collect());
    let pairs: Vec<(&str, &str)> = flat
        .as_deref()
        .unwrap_or_default()
        .chunks_exact(2)
        .map(|pair| (pair[0].as_str(), pair[1].as_str()))
        .collect();
    let key = env::field(request, "key").as_string();
    name(
        GroupRequest {
            url: &url,
            with_credentials: env::field(request, "withCredentials").is_truthy(),
            method: &method,
            body: match body_kind.as_deref() {
                None => Body::Empty,
                Some("unreadable") => Body::Unreadable,
                Some(kind) => Body::Read { kind, bytes: &bytes },
            },
            headers: if flat.is_some() {
                Headers::Given(&pairs)
            } else {
                Headers::Decided
            },
            fetch_function: env::field(request, "fetch").is_truthy(),
            key: key.as_deref(),
        }
        .digest(),
    )
}

/// The group's name for a request's digest (`GroupRequest::digest`): the
/// same for a JavaScript source and a Rust one that make the same request
/// with the same key.
pub fn name(digest: [u8; 32]) -> String {
    let mut name = String::from("eventsource-wasm:");
    for byte in digest {
        for nibble in [byte >> 4, byte & 15] {
            name.push(char::from_digit(u32::from(nibble), 16).unwrap_or('0'));
        }
    }
    name
}
