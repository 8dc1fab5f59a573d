//! The request a shared source's group is named after (`describeRequest`
//! in `src/js/group.js` makes it; `crate::web::identity` digests it into the
//! group's name, `eventsource_core::shared::GroupRequest`). An object rather than
//! positional arguments: measured, the glue's conversions of seven
//! arguments cost the wasm 1.6 KB more.

super::js_object! {
    /// A shared source's request, as its group's identity sees it.
    DescribedRequest, GROUP_REQUEST, typed;
    /// The URL requested.
    url = "url": JsValue as "string";
    /// The `withCredentials` attribute.
    with_credentials = "withCredentials": bool as "boolean";
    /// The request's method.
    method = "method": JsValue as "string";
    /// The body's kind (`eventsource_core::shared::Body`): undefined for none,
    /// `'unreadable'` for one that cannot be read before it is sent.
    body_kind = "bodyKind": JsValue as "string?";
    /// The body's bytes (a `Uint8Array`), where it has a kind but
    /// `'unreadable'`.
    body = "body": JsValue as "object?";
    /// The headers option as a flat array of names and values, or null
    /// where a function decides them.
    headers = "headers": JsValue as "object";
    /// Whether a `fetch` option is given.
    fetch = "fetch": bool as "boolean";
    /// The `shared` option's key (undefined for `shared: true`).
    key = "key": JsValue as "string?";
}
