//! Making the request the machine asked for: its init (built by the
//! front-end: `FrontEnd::request`), at once or when a promise of it
//! resolves, then the transport.

use sse_core::machine::{Failure, Request};

use crate::web::front::FrontEnd;
use crate::web::guard::{Settle, on_settle};
use crate::web::resources::Active;
use crate::web::seam::{FetchInit, Init, Report, Reporter, RequestSpec};
use crate::web::settings::{Settings, Transport};
use crate::web::{fetch, xhr};

/// A request's init: at hand, on its way (a promise, whose value is
/// reported as [`Report::Prepared`]), or it could not be made.
pub enum Prepared {
    Ready(FetchInit),
    Pending(Settle),
    Failed,
}

/// Ask the front-end for `request`'s init.
pub fn prepare(front: &impl FrontEnd, request: &Request, reporter: Reporter) -> Prepared {
    match front.request(request) {
        Init::Ready(init) => Prepared::Ready(init),
        Init::Later(pending) => Prepared::Pending(on_settle(pending.promise(), move |resolved| {
            reporter.report(match resolved.ok().and_then(FetchInit::from_value) {
                Some(init) => Report::Prepared(init),
                // A headers promise that rejects (or gives no init): like a
                // failed request, retried.
                None => Report::Failed(Failure::NotSent),
            });
        })),
        // A headers function that throws, headers the platform refuses.
        Init::Refused => Prepared::Failed,
    }
}

/// Start the transport. `None` if the request cannot be made (a body
/// `fetch()` or `send()` throws on): the caller reports a failure.
pub fn send(settings: &Settings, url: &str, init: &FetchInit, reporter: Reporter) -> Option<Active> {
    let spec = RequestSpec {
        url,
        with_credentials: settings.with_credentials,
        init: init.object(),
        fetch: settings.fetch.as_ref(),
        user: settings.user.as_ref().map(|(u, p)| (u.as_str(), p.as_str())),
    };
    match settings.transport {
        Transport::Fetch => fetch::start(&spec, reporter).map(Active::Fetch).ok(),
        Transport::Xhr => xhr::start(&spec, reporter).map(Active::Xhr).ok(),
    }
}
