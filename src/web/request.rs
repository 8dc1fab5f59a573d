//! Making the request the machine asked for: its init (built by the
//! front-end: `FrontEnd::request`), at once or when a promise of it
//! resolves, then the transport.

use eventsource_core::machine::{Failure, Request};

use crate::web::front::FrontEnd;
use crate::web::guard::{Settle, on_settle};
use crate::web::resources::Active;
use crate::web::seam::{Cause, FetchInit, Init, Report, Reporter, RequestSpec};
use crate::web::settings::{Settings, Transport};
use crate::web::{fetch, xhr};

/// A request's init: at hand, on its way (a promise, whose value is
/// reported as [`Report::Prepared`]), or it could not be made.
pub enum Prepared {
    Ready(FetchInit),
    Pending(Settle),
    /// With what the front-end threw.
    Failed(Cause),
}

/// Ask the front-end for `request`'s init.
pub fn prepare(front: &impl FrontEnd, request: &Request, reporter: Reporter) -> Prepared {
    match front.request(request) {
        Init::Ready(init) => Prepared::Ready(init),
        Init::Later(pending) => Prepared::Pending(on_settle(pending.promise(), move |resolved| {
            // A headers promise that rejects (or gives no init): like a
            // failed request, retried.
            reporter.report(match resolved {
                Ok(init) => match FetchInit::from_value(init) {
                    Ok(init) => Report::Prepared(init),
                    Err(refused) => Report::Failed(Failure::NotSent, refused),
                },
                Err(reason) => Report::Failed(Failure::NotSent, reason),
            });
        })),
        // A headers function that throws, headers the platform refuses.
        Init::Refused(thrown) => Prepared::Failed(thrown),
    }
}

/// Start the transport. An error (what `fetch()` or `send()` threw, for
/// an init it refuses) if the request cannot be made: the caller reports a
/// failure.
pub fn send(settings: &Settings, url: &str, init: &FetchInit, reporter: Reporter) -> Result<Active, Cause> {
    let spec = RequestSpec {
        url,
        with_credentials: settings.with_credentials,
        init: init.object(),
        fetch: settings.fetch.as_ref(),
        user: settings.user.as_ref().map(|(u, p)| (u.as_str(), p.as_str())),
    };
    match settings.transport {
        Transport::Fetch => fetch::start(&spec, reporter).map(Active::Fetch),
        Transport::Xhr => xhr::start(&spec, reporter).map(Active::Xhr),
    }
    .map_err(Cause::new)
}
