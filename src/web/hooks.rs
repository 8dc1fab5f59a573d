//! What the user's hooks answer, applied. The link calls the hook (a
//! JavaScript function); this reads its answer.

use js_sys::Reflect;
use sse_core::machine::Machine;
use wasm_bindgen::JsValue;

use crate::web::settings::Template;

/// `beforeReconnect`'s answer: `false` vetoes the reconnection;
/// `{ url, method, body, headers }` changes the requests from now on (POST
/// once, then resume with a GET); anything else (nothing, or a hook that
/// threw, which the link reported) lets the reconnection go on unchanged.
/// The hook may have closed the source: the machine ignores a veto then.
pub fn apply_reconnect_answer(answer: Result<JsValue, JsValue>, machine: &mut Machine, template: &mut Template) {
    match answer {
        Ok(answer) if answer == JsValue::FALSE => machine.veto(),
        Ok(answer) if answer.is_object() => {
            let field = |key: &str| {
                Reflect::get(&answer, &JsValue::from_str(key))
                    .ok()
                    .filter(|v| !v.is_undefined())
            };
            if let Some(url) = field("url").and_then(|u| u.as_string()) {
                machine.set_url(&url);
            }
            override_template(template, field("method"), field("body"), field("headers"));
        }
        _ => {}
    }
}

/// A new method without a body drops the old body when it is GET or HEAD
/// (which cannot carry one): POST once, then GET.
fn override_template(
    template: &mut Template,
    method: Option<JsValue>,
    body: Option<JsValue>,
    headers: Option<JsValue>,
) {
    if let Some(method) = method.and_then(|m| m.as_string()) {
        let bodiless = method.eq_ignore_ascii_case("GET") || method.eq_ignore_ascii_case("HEAD");
        if body.is_none() && bodiless {
            template.body = JsValue::UNDEFINED;
        }
        template.method = method;
    }
    if let Some(body) = body {
        template.body = body;
    }
    if let Some(headers) = headers {
        template.headers = Some(headers);
    }
}
