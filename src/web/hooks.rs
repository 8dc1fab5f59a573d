//! What the front-end's hooks answer, applied. The front-end calls the hook
//! and keeps what concerns the request's shape; the machine hears what
//! concerns the protocol.

use sse_core::machine::Machine;

use crate::web::front::Reconnect;

/// `beforeReconnect`'s answer: a veto, a URL for this reconnection and the
/// ones after it, or go on. The hook may have closed the source: the
/// machine ignores a veto then.
pub fn apply_reconnect_answer(answer: Reconnect, machine: &mut Machine) {
    match answer {
        Reconnect::Veto => machine.veto(),
        Reconnect::To(url) => machine.set_url(&url),
        Reconnect::Proceed => {}
    }
}
