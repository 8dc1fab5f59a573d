//! What the user's hooks answer, applied. The link calls the hook (a
//! JavaScript function) and keeps what concerns the request's shape; the
//! machine hears what concerns the protocol.

use js_sys::Reflect;
use sse_core::machine::Machine;
use wasm_bindgen::JsValue;

/// `beforeReconnect`'s answer, as the link gives it: `false` vetoes the
/// reconnection; `{ url, once }` means the hook answered with the request
/// to continue with (a `url` sends it and the ones after it there; `once`
/// says whether the request, as the hook left it, is sent once), so even a
/// request that is sent once goes on; anything else (nothing, or a hook that
/// threw, which the link reported) lets a repeatable request go on
/// unchanged, and fails one that is sent once (the machine decides). The
/// hook may have closed the source: the machine ignores the answer then.
pub fn apply_reconnect_answer(answer: Result<JsValue, JsValue>, machine: &mut Machine) {
    match answer {
        Ok(answer) if answer == JsValue::FALSE => machine.veto(),
        Ok(answer) if answer.is_object() => {
            let get = |key: &str| Reflect::get(&answer, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED);
            if let Some(url) = get("url").as_string() {
                machine.set_url(&url);
            }
            if let Some(once) = get("once").as_bool() {
                machine.set_send_once(once);
            }
            machine.proceed();
        }
        _ => {}
    }
}
