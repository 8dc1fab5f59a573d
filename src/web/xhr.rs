//! The XHR transport, for engines whose fetch cannot stream a body (older
//! Safari and WebViews): the same request as the fetch transport, with the
//! body read from `responseText` as it grows, reported through the seam.
//!
//! `overrideMimeType("text/plain; charset=x-user-defined")` makes every byte
//! one character (0x00–0x7F as is, 0x80–0xFF as U+F780–U+F7FF), so the bytes
//! are recovered exactly and fed to the same parser: UTF-8 is decoded there,
//! never by the XHR. Only the new part of `responseText` is read on each
//! `progress`, so the work done here is linear in the stream.
//!
//! The platform keeps the whole `responseText` for the life of the request,
//! and some engines copy it on every access; on a long stream that is memory
//! and time growing without bound. So once a response has delivered
//! [`RECYCLE_AFTER`] characters, the transport asks for the stream to be
//! recycled (see `Machine::recycle`): replaced by a fresh request at an event
//! boundary, when the stream has IDs to resume from.

use alloc::rc::Rc;
use alloc::vec::Vec;
use core::cell::RefCell;

use eventsource_core::machine::Failure;
use js_sys::JsString;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::XmlHttpRequest;

use crate::web::handles::Listener;
use crate::web::seam::{Chunk, Report, Reporter, RequestSpec};
use crate::web::{env, stats};

/// Characters of one response after which the XHR is recycled when possible.
pub(super) const RECYCLE_AFTER: u32 = 8 << 20;

/// The UTF-8 byte order mark.
const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

/// An XHR in flight; dropping it detaches its listeners, then aborts it.
pub(super) struct XhrRequest {
    xhr: XmlHttpRequest,
    listeners: Vec<Listener>,
}

impl Drop for XhrRequest {
    fn drop(&mut self) {
        // Listeners first: abort() dispatches events synchronously.
        self.listeners.clear();
        let _ = self.xhr.abort();
        stats::REQUESTS.decrement();
    }
}

/// `responseText` back to bytes. Normally the text is x-user-defined: ASCII
/// as is, bytes 0x80–0xFF as U+F780–U+F7FF. But an engine that finds a BOM
/// at the start of the body may sniff it and decode UTF-8 instead (Chromium
/// does); the first character that x-user-defined cannot produce proves it,
/// and from then on characters are turned back into their UTF-8 bytes (the
/// engine's decoder replaced invalid bytes with U+FFFD exactly as ours would).
/// Such an engine has dropped the BOM it sniffed; if that is proven at the
/// very start, the BOM is given back, so that the parser drops it once and
/// keeps a second one, as the fetch transport's bytes do.
fn bytes_of(text: &str, at_start: bool, utf8: &mut bool, out: &mut Vec<u8>) {
    out.clear();
    for (i, c) in text.chars().enumerate() {
        let code = c as u32;
        if code < 0x80 {
            out.push(code as u8);
        } else if !*utf8 && (0xF780..=0xF7FF).contains(&code) {
            out.push((code & 0xFF) as u8);
        } else {
            if !*utf8 && at_start && i == 0 {
                out.extend_from_slice(&BOM);
            }
            *utf8 = true;
            let mut buffer = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut buffer).as_bytes());
        }
    }
}

pub(super) fn start(spec: &RequestSpec<'_>, reporter: Reporter) -> Result<XhrRequest, JsValue> {
    let field = |key: &str| env::field(spec.init, key);
    let method = field("method")
        .as_string()
        .unwrap_or_else(|| alloc::string::String::from("GET"));
    let xhr = XmlHttpRequest::new()?;
    match spec.user {
        // The platform answers a 401 with them (and only then), as for its
        // own EventSource.
        Some((user, password)) => {
            xhr.open_with_async_and_user_and_password(&method, spec.url, true, Some(user), Some(password))?
        }
        None => xhr.open_with_async(&method, spec.url, true)?,
    }
    xhr.set_with_credentials(spec.with_credentials);
    // The same headers as the fetch transport's (Headers is iterable).
    if let Ok(Some(entries)) = js_sys::try_iter(&field("headers")) {
        for entry in entries.flatten() {
            let pair: js_sys::Array = entry.unchecked_into();
            if let (Some(name), Some(value)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
                xhr.set_request_header(&name, &value)?;
            }
        }
    }
    xhr.override_mime_type("text/plain; charset=x-user-defined")?;

    let reader = Rc::new(RefCell::new(Reader {
        xhr: xhr.clone(),
        reporter,
        head_sent: false,
        utf8: false,
        offset: 0,
        buffer: Vec::new(),
    }));
    let target: &web_sys::EventTarget = xhr.unchecked_ref();
    let mut listeners = Vec::with_capacity(5);
    for event in ["readystatechange", "progress", "load", "error", "abort"] {
        let reader = reader.clone();
        listeners.push(Listener::new(target, event, move |_: web_sys::Event| {
            Reader::on_event(&reader, event);
        }));
    }
    stats::REQUESTS.increment();
    let request = XhrRequest { xhr, listeners };
    // send(body): any BodyInit the fetch transport would take.
    // (Read through `env::field`: an XHR's `send` never throws on read.)
    let send = env::field(&request.xhr, "send");
    send.unchecked_ref::<js_sys::Function>()
        .call1(&request.xhr, &field("body"))?;
    Ok(request)
}

struct Reader {
    xhr: XmlHttpRequest,
    reporter: Reporter,
    head_sent: bool,
    /// The engine decoded the body as UTF-8 (see `bytes_of`).
    utf8: bool,
    /// Characters of `responseText` already fed.
    offset: u32,
    buffer: Vec<u8>,
}

impl Reader {
    fn on_event(this: &Rc<RefCell<Reader>>, kind: &str) {
        let reporter = this.borrow().reporter.clone();
        match kind {
            // Our own abort detaches the listeners first: this one is
            // someone else's (window.stop(), a navigation).
            "abort" => {
                reporter.report(Report::Failed(Failure::Aborted, JsValue::UNDEFINED));
                return;
            }
            "error" => {
                reporter.report(Report::Failed(Failure::Network, JsValue::UNDEFINED));
                return;
            }
            _ => {}
        }
        // HEADERS_RECEIVED (2) or later: report the head once.
        if !this.borrow().head_sent {
            let head = {
                let reader = this.borrow();
                if reader.xhr.ready_state() < 2 {
                    return;
                }
                let status = reader.xhr.status().unwrap_or(0);
                if status == 0 {
                    // No response at all: a network error (or CORS), which the
                    // `error` event reports.
                    return;
                }
                Report::Head {
                    status,
                    status_text: reader.xhr.status_text().unwrap_or_default(),
                    content_type: reader.xhr.get_response_header("content-type").ok().flatten(),
                    www_authenticate: reader.xhr.get_response_header("www-authenticate").ok().flatten(),
                    content_encoding: reader.xhr.get_response_header("content-encoding").ok().flatten(),
                    final_url: reader.xhr.response_url(),
                }
            };
            this.borrow_mut().head_sent = true;
            if !reporter.report(head) {
                return;
            }
        }
        // Feed what is new in responseText (LOADING or DONE).
        let new_bytes = {
            let mut reader = this.borrow_mut();
            // Undefined where reading it throws, which the check below refuses.
            let text = env::field(&reader.xhr, "responseText");
            let Some(text) = text.dyn_ref::<JsString>() else {
                return;
            };
            let length = text.length();
            if length > reader.offset {
                let fresh: alloc::string::String = text.substring(reader.offset, length).into();
                let at_start = reader.offset == 0;
                reader.offset = length;
                let Reader { buffer, utf8, .. } = &mut *reader;
                bytes_of(&fresh, at_start, utf8, buffer);
                Some(core::mem::take(&mut reader.buffer))
            } else {
                None
            }
        };
        if let Some(bytes) = new_bytes {
            // Cut over at the next event boundary in what follows.
            if this.borrow().offset >= RECYCLE_AFTER && !reporter.report(Report::Recycle) {
                return;
            }
            let keep_going = reporter.report(Report::Body(Chunk::Bytes(&bytes)));
            this.borrow_mut().buffer = bytes;
            if !keep_going {
                return;
            }
        }
        if kind == "load" {
            reporter.report(Report::End);
        }
    }
}
