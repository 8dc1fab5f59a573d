//! The border between Rust and JavaScript, checked by its values: the
//! generated modules are the ones committed, every reason, warning and sign
//! has its sentence with known placeholders, and an error frame's reason
//! reads back as itself.

use std::fs;
use std::path::Path;

use eventsource_core::machine::{Reason, Warning};
use eventsource_core::parser::ParseError;
use eventsource_wasm::contract::{self, words};

#[test]
fn the_committed_javascript_modules_are_the_generated_ones() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../src/js/generated");
    for (name, text) in contract_js::files() {
        let path = dir.join(name);
        let committed = fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == text,
            "{} is stale: src/contract changed; run `cargo run -p contract-js` (or `npm run build`) and commit it",
            path.display()
        );
    }
}

/// The `{name}`s of `sentence`.
fn placeholders(sentence: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = sentence;
    while let Some(open) = rest.find('{') {
        rest = &rest[open + 1..];
        let close = rest.find('}').expect("a closed brace");
        let name = &rest[..close];
        if name.chars().all(|c| c.is_ascii_alphanumeric()) {
            out.push(name);
        }
        rest = &rest[close + 1..];
    }
    out
}

fn assert_known(sentence: &str) {
    for name in placeholders(sentence) {
        assert!(
            words::PLACEHOLDERS.iter().any(|(known, _)| *known == name),
            "{{{name}}} is not in words::PLACEHOLDERS: {sentence}"
        );
    }
}

#[test]
fn every_reason_but_panic_has_a_sentence_and_every_limit_its_own() {
    let mut named: Vec<&str> = words::ERRORS.iter().map(|(reason, _)| reason.name()).collect();
    named.dedup();
    assert_eq!(named, Reason::NAMES, "words::ERRORS, in the order of Reason::NAMES");
    assert_eq!(contract::REASONS[..Reason::NAMES.len()], Reason::NAMES);
    assert_eq!(contract::REASONS.last(), Some(&contract::PANIC));
    let limits: Vec<String> = words::ERRORS
        .iter()
        .filter(|(reason, _)| matches!(reason, Reason::Limit(_)))
        .map(|(reason, _)| contract::describe(*reason, "").2)
        .collect();
    assert_eq!(limits, ["line", "event"]);
    for (_, sentence) in words::ERRORS {
        assert_known(sentence);
    }
}

#[test]
fn every_loss_warning_and_sign_has_its_words() {
    let losses: Vec<_> = words::LOST.iter().map(|(lost, _)| *lost).collect();
    assert_eq!(losses, contract::LOSSES);
    let signs: Vec<_> = words::SIGNS.iter().map(|(sign, _)| sign.name()).collect();
    let declared: Vec<_> = contract::BUFFERING_SIGNS.iter().map(|sign| sign.name()).collect();
    assert_eq!(signs, declared);
    let warnings: Vec<_> = words::WARNINGS.iter().map(|(name, _)| *name).collect();
    assert_eq!(warnings, contract::WARNINGS);
    // The driver's names for the core's warnings are the declared ones.
    assert_eq!(
        contract::describe_warning(Warning::LastEventIdRefused).0,
        contract::WARNINGS[0]
    );
    for sign in contract::BUFFERING_SIGNS {
        assert_eq!(
            contract::describe_warning(Warning::Buffering(sign)).0,
            contract::WARNINGS[1]
        );
    }
    for sentence in words::LOST
        .iter()
        .map(|(_, s)| *s)
        .chain(words::SIGNS.iter().map(|(_, s)| *s))
    {
        assert_known(sentence);
    }
    for (_, sentence) in words::WARNINGS {
        assert_known(sentence);
    }
}

#[test]
fn an_error_frames_reason_reads_back_as_itself_with_its_limit_and_status() {
    let mut reasons = vec![
        Reason::Network,
        Reason::Ended,
        Reason::Status(503),
        Reason::MimeType,
        Reason::Limit(ParseError::LineTooLong { limit: 4096 }),
        Reason::Limit(ParseError::EventTooLarge { limit: 1 << 20 }),
        Reason::Timeout,
        Reason::RetriesExhausted,
        Reason::Vetoed,
        Reason::Refused,
        Reason::Aborted,
        Reason::Scheme,
    ];
    reasons.extend(contract::LOSSES.map(|lost| Reason::Unrepeatable { lost }));
    for reason in reasons {
        let (name, number, word) = contract::reason_parts(reason);
        assert_eq!(contract::reason_from_parts(name, number, word), Some(reason), "{name}");
    }
    assert_eq!(contract::reason_from_parts("from-a-newer-version", 0, ""), None);
}

#[test]
fn the_inspector_words_every_ignored_line_by_its_index() {
    for (index, why) in contract::IGNORED.iter().enumerate() {
        assert_eq!(usize::from(contract::ignored_index(*why)), index);
    }
    let generated = contract_js::files()
        .into_iter()
        .find(|(name, _)| *name == "inspect.js")
        .unwrap()
        .1;
    for why in contract::IGNORED {
        assert!(generated.contains(&contract_js::string(why.reason())), "{why:?}");
    }
}

#[test]
fn javascript_strings_are_escaped() {
    assert_eq!(contract_js::string("a'b\\c\r\n\u{1}"), "'a\\'b\\\\c\\r\\n\\x01'");
}
