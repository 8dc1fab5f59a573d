//! The "sent once" rule against its table (`tests/sends-once.json`), which
//! `tests/node/border.test.mjs` holds the JavaScript shell's copy to.

use eventsource_core::machine::sends_once;

#[test]
fn sends_once_follows_the_table_the_javascript_shell_is_held_to() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/sends-once.json");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let table: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    let cases = table["cases"].as_array().expect("a \"cases\" array");
    assert!(cases.len() >= 10, "{path}: the table lost its rows");
    for case in cases {
        let method = case["method"].as_str().expect("method");
        let body = case["body"].as_bool().expect("body");
        let resend = case["resend"].as_bool().expect("resend");
        let once = case["once"].as_bool().expect("once");
        assert_eq!(sends_once(method, body, resend), once, "{case}");
    }
}
