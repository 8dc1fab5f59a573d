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
    /// With what the link threw.
    Failed(JsValue),
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
                    Err(reason) => Report::Failed(Failure::NotSent, reason),
                });
            }))
        }
        Ok(value) => Prepared::Ready(value),
        // A headers function that throws, headers the platform refuses.
        Err(thrown) => Prepared::Failed(thrown),
    }
}

/// Start the transport. An error (what `fetch()` or `send()` threw, for
/// an init it refuses) if the request cannot be made: the caller reports a
/// failure.
pub fn send(settings: &Settings, url: &str, init: &JsValue, reporter: Reporter) -> Result<Active, JsValue> {
    let init = init
        .dyn_ref::<Object>()
        .ok_or_else(|| JsValue::from(js_sys::TypeError::new("the request's init is not an object")))?;
    let spec = RequestSpec {
        url,
        with_credentials: settings.with_credentials,
        init,
        fetch: settings.fetch.as_ref(),
        user: settings.user.as_ref().map(|(u, p)| (u.as_str(), p.as_str())),
    };
    match settings.transport {
        Transport::Fetch => fetch::start(&spec, reporter).map(Active::Fetch),
        Transport::Xhr => xhr::start(&spec, reporter).map(Active::Xhr),
    }
}
