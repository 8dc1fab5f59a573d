//! The settings the JavaScript class hands the driver for each source (its
//! options, checked and normalized by `src/js/options.js`): every field the
//! driver reads, declared once, with the `typeof` of what the class gives.
//! On wasm32 the declaration is a typed binding, one getter per field, so
//! the driver reads the object the class made without naming a property in
//! a string; [`FIELDS`] is the same list, which the generated
//! `src/js/generated/contract.js` carries to JavaScript (a test checks that
//! the class's `Settings` has each field, of its type).
//!
//! The getters' Rust types are the cheapest to cross, measured (BENCHMARKS.md,
//! "Weight"): a number, a string or a callback is a `JsValue` (read with the
//! shared `as_f64`/`as_string`/`is_function`), not an `Option<f64>` or
//! `Option<String>`, whose glue writes through a return pointer for each
//! field; a flag is a `bool` (the class always gives one, and wasm-bindgen's
//! debug glue checks it).
//!
//! (The test hook `panicOnChunk`, in test builds only, is no part of the
//! border: `crate::web::settings` reads it by name.)

super::js_object! {
    /// The normalized options of one source (`class Settings` in
    /// `src/js/options.js`).
    Init, FIELDS, typed;
    /// `reconnect.backoff: 'exponential'`.
    exponential = "exponential": bool as "boolean";
    /// `reconnect.jitter`, from 0 to 1.
    jitter = "jitter": JsValue as "number";
    /// `reconnect.maxRetries`.
    max_retries = "maxRetries": JsValue as "number?";
    /// `reconnect.initialDelay`, in milliseconds.
    initial_delay = "initialDelay": JsValue as "number?";
    /// `reconnect.maxDelay`, in milliseconds.
    max_delay = "maxDelay": JsValue as "number?";
    /// `maxLineLength`, in bytes.
    max_line_length = "maxLineLength": JsValue as "number?";
    /// `maxEventSize`, in bytes.
    max_event_size = "maxEventSize": JsValue as "number?";
    /// `heartbeatTimeout`, in milliseconds.
    heartbeat_timeout = "heartbeatTimeout": JsValue as "number?";
    /// The first request's Last-Event-ID (the `lastEventId` option, or the
    /// persisted one).
    last_event_id = "lastEventId": JsValue as "string?";
    /// The realm's origin (requests elsewhere are cross-origin).
    origin = "origin": JsValue as "string?";
    /// The `beforeReconnect` option.
    before_reconnect = "beforeReconnect": JsValue as "function?";
    /// `Basic …` for a URL with credentials.
    authorization = "authorization": JsValue as "string?";
    /// Whether the URL's credentials go with the first request.
    authorize_first = "authorizeFirst": bool as "boolean";
    /// Whether the request is sent once (a body, or a method other than GET/HEAD).
    send_once = "sendOnce": bool as "boolean";
    /// `'fetch'` or `'xhr'`.
    transport = "transport": JsValue as "string";
    /// The `fetch` option.
    fetch = "fetch": Option<js_sys::Function> as "function?";
    /// The URL's user name, decoded.
    username = "username": JsValue as "string?";
    /// The URL's password, decoded.
    password = "password": JsValue as "string?";
    /// Whether this source shares its group's connection here.
    shared = "shared": bool as "boolean";
    /// The `onComment` option.
    on_comment = "onComment": JsValue as "function?";
}
