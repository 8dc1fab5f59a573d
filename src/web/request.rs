//! Making the request the machine asked for: its init (written by the
//! link: `src/js/request.js`), at once or when a promise of it resolves,
//! then the transport.

use js_sys::{Object, Promise};
use sse_core::machine::{Failure, Request};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::web::guard::{Settle, on_settle};
use crate::web::link::Link;
use crate::web::resources::Active;
use crate::web::seam::{Report, Reporter, RequestSpec};
use crate::web::settings::{Settings, Transport};
use crate::web::{fetch, xhr};

/// A request's init: at hand, on its way (a promise, whose value is
/// reported as [`Report::Prepared`]), or it could not be made.
pub enum Prepared {
    Ready(JsValue),
    Pending(Settle),
    Failed,
}

/// Ask the link for `request`'s init.
pub fn prepare(link: &Link, request: &Request, reporter: Reporter) -> Prepared {
    let id = request.last_event_id.as_deref().unwrap_or("");
    match link.request(&request.url, id, request.authorize) {
        Ok(value) if value.is_instance_of::<Promise>() => {
            Prepared::Pending(on_settle(value.unchecked_ref::<Promise>(), move |resolved| {
                reporter.report(match resolved {
                    Ok(init) => Report::Prepared(init),
                    // A headers promise that rejects: like a failed request, retried.
                    Err(_) => Report::Failed(Failure::NotSent),
                });
            }))
        }
        Ok(value) => Prepared::Ready(value),
        // A headers function that throws, headers the platform refuses.
        Err(_) => Prepared::Failed,
    }
}

/// Start the transport. `None` if the request cannot be made (a body
/// `fetch()` or `send()` throws on): the caller reports a failure.
pub fn send(settings: &Settings, url: &str, init: &JsValue, reporter: Reporter) -> Option<Active> {
    let init = init.dyn_ref::<Object>()?;
    let spec = RequestSpec {
        url,
        with_credentials: settings.with_credentials,
        init,
        fetch: settings.fetch.as_ref(),
        user: settings.user.as_ref().map(|(u, p)| (u.as_str(), p.as_str())),
    };
    match settings.transport {
        Transport::Fetch => fetch::start(&spec, reporter).map(Active::Fetch).ok(),
        Transport::Xhr => xhr::start(&spec, reporter).map(Active::Xhr).ok(),
    }
}
