//! What the front-end's hooks answer, applied. The front-end calls the hook
//! and keeps what concerns the request's shape; the machine hears what
//! concerns the protocol.

use eventsource_core::machine::Machine;

use crate::web::front::Reconnect;

/// `beforeReconnect`'s answer: a veto; the request to continue with (a
/// `url` sends it and the ones after it there; `once` says whether the
/// request, as the hook left it, is sent once), so even a request that is
/// sent once goes on; or no answer (nothing, or a hook that threw, which
/// the front-end reported), which lets a repeatable request go on unchanged
/// and fails one that is sent once (the machine decides). The hook may have
/// closed the source: the machine ignores the answer then.
pub fn apply_reconnect_answer(answer: Reconnect, machine: &mut Machine) {
    match answer {
        Reconnect::Veto => machine.veto(),
        Reconnect::Continue { url, once } => {
            if let Some(url) = url {
                machine.set_url(&url);
            }
            if let Some(once) = once {
                machine.set_send_once(once);
            }
            machine.proceed();
        }
        Reconnect::Unanswered => {}
    }
}
