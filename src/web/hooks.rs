//! What the user's hooks answer, applied. The link calls the hook (a
//! JavaScript function) and keeps what concerns the request's shape; the
//! machine hears what concerns the protocol.

use sse_core::machine::Machine;
use wasm_bindgen::JsValue;

/// `beforeReconnect`'s answer: `false` vetoes the reconnection; a URL sends
/// it (and the ones after it) there; anything else (nothing, or a hook
/// that threw, which the link reported) lets it go on unchanged. The hook
/// may have closed the source: the machine ignores a veto then.
pub fn apply_reconnect_answer(answer: Result<JsValue, JsValue>, machine: &mut Machine) {
    match answer {
        Ok(answer) if answer == JsValue::FALSE => machine.veto(),
        Ok(answer) => {
            if let Some(url) = answer.as_string() {
                machine.set_url(&url);
            }
        }
        Err(_) => {}
    }
}
