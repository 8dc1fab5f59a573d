//! The reconnection policy's values, as `before_reconnect` sees them: an
//! exponential backoff up to its maximum, jitter within its bounds, and a
//! jitter outside 0–1 refused at build time.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use eventsource_wasm::{BuildError, ErrorReason, EventSource, ReadyState, Reconnect, ReconnectInfo, ReconnectPolicy};
use wasm_bindgen_test::*;

use crate::api_support::*;

/// Nothing listens on port 9 (discard) of the loopback address: every
/// attempt fails at once, never reaching OPEN, so the backoff grows.
const UNREACHABLE: &str = "http://127.0.0.1:9/sse";

/// Follows a source on `policy` to the unreachable server, vetoing the
/// sixth reconnection; returns what the hook was told, and the time taken.
async fn delays_seen(policy: ReconnectPolicy) -> (Vec<ReconnectInfo>, f64) {
    let seen = Rc::new(RefCell::new(Vec::new()));
    let hook = seen.clone();
    let started = js_sys::Date::now();
    let mut source = EventSource::builder(UNREACHABLE)
        .reconnect(policy)
        .before_reconnect(move |info| {
            hook.borrow_mut().push(info.clone());
            if info.attempt < 6 {
                Reconnect::Continue
            } else {
                Reconnect::Veto
            }
        })
        .build()
        .unwrap();
    for attempt in 1..=6 {
        let error = next_error(&mut source, &format!("failure {attempt}")).await;
        crate::failures::says(&error);
        assert_eq!(
            (error.reason, error.ready_state),
            (ErrorReason::Network, ReadyState::Connecting),
            "failure {attempt}"
        );
    }
    let veto = next_error(&mut source, "the veto").await;
    crate::failures::says(&veto);
    assert_eq!(
        (veto.reason, veto.ready_state),
        (ErrorReason::Vetoed, ReadyState::Closed)
    );
    ends_within(&mut source, 100).await.unwrap();
    let elapsed = js_sys::Date::now() - started;
    let seen = seen.borrow().clone();
    (seen, elapsed)
}

#[wasm_bindgen_test]
async fn an_exponential_backoff_doubles_from_the_initial_delay_up_to_the_maximum() {
    let policy = ReconnectPolicy::new()
        .initial_delay(Duration::from_millis(20))
        .max_delay(Duration::from_millis(100))
        .exponential(true);
    let (seen, elapsed) = delays_seen(policy).await;
    let delays: Vec<u128> = seen.iter().map(|info| info.delay.as_millis()).collect();
    assert_eq!(delays, [20, 40, 80, 100, 100, 100]);
    let attempts: Vec<u32> = seen.iter().map(|info| info.attempt).collect();
    assert_eq!(attempts, [1, 2, 3, 4, 5, 6]);
    assert!(seen.iter().all(|info| info.reason == ErrorReason::Network), "{seen:?}");
    // The five reconnections made were each waited for.
    assert!(elapsed >= 340.0, "the delays were waited: {elapsed} ms");
}

#[wasm_bindgen_test]
async fn a_fixed_delay_stays_the_same() {
    let policy = ReconnectPolicy::new()
        .initial_delay(Duration::from_millis(30))
        .max_delay(Duration::from_millis(100));
    let (seen, _) = delays_seen(policy).await;
    let delays: Vec<u128> = seen.iter().map(|info| info.delay.as_millis()).collect();
    assert_eq!(delays, [30; 6]);
}

#[wasm_bindgen_test]
async fn jitter_adds_up_to_its_fraction_of_each_delay_and_never_shortens_it() {
    let policy = ReconnectPolicy::new()
        .initial_delay(Duration::from_millis(20))
        .max_delay(Duration::from_millis(100))
        .exponential(true)
        .jitter(0.5);
    let (seen, _) = delays_seen(policy).await;
    let delays: Vec<u128> = seen.iter().map(|info| info.delay.as_millis()).collect();
    for (delay, base) in delays.iter().zip([20u128, 40, 80, 100, 100, 100]) {
        assert!(
            (base..=base * 3 / 2).contains(delay),
            "{delay} ms is not within [{base}, {}]: {delays:?}",
            base * 3 / 2
        );
    }
    assert!(
        delays.iter().zip([20u128, 40, 80, 100, 100, 100]).any(|(d, b)| *d != b),
        "jitter 0.5 moved none of six delays: {delays:?}"
    );
}

#[wasm_bindgen_test]
fn a_jitter_outside_0_to_1_is_a_build_error() {
    for jitter in [-0.1, 1.01, f64::NAN, f64::INFINITY] {
        let error = EventSource::builder(UNREACHABLE)
            .reconnect(ReconnectPolicy::new().jitter(jitter))
            .build()
            .unwrap_err();
        assert!(
            matches!(error, BuildError::Jitter(j) if j.to_bits() == jitter.to_bits()),
            "{jitter}: {error:?}"
        );
        assert!(error.to_string().contains("from 0 to 1"), "{error}");
    }
    for jitter in [0.0, 1.0] {
        let source = EventSource::builder(UNREACHABLE)
            .reconnect(ReconnectPolicy::new().jitter(jitter))
            .build();
        assert!(source.is_ok(), "{jitter} is a fraction from 0 to 1");
    }
}
