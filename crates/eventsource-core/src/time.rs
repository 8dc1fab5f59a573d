//! Time, as the core counts it: instants of the host's clock and spans
//! between them, both in milliseconds, as two types so that a deadline is
//! never passed where a delay is meant (or the other way round).
//!
//! Only the arithmetic that means something exists: an instant plus a
//! span is an instant, and an instant minus an earlier one is a span (no
//! sum of two instants, no instant where a span is meant). It saturates: a clock that ran back a little gives a span of
//! zero, not a wrap-around, and a huge `retry` means "a very long time".

use core::ops::{Add, Sub};

/// A moment of the host's clock, in milliseconds from any origin: the
/// `now` every input carries, the deadline [`crate::machine::Machine::poll_timeout`]
/// gives. Any clock that does not run backwards much will do (a wall clock
/// is best: it keeps counting while a device sleeps).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Instant(pub u64);

/// A span of time in milliseconds: a delay, a timeout, a reconnection time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Millis(pub u64);

impl Add<Millis> for Instant {
    type Output = Instant;

    fn add(self, span: Millis) -> Instant {
        Instant(self.0.saturating_add(span.0))
    }
}

impl Sub for Instant {
    type Output = Millis;

    /// The time from `earlier` to `self`; zero if `earlier` is later.
    fn sub(self, earlier: Instant) -> Millis {
        Millis(self.0.saturating_sub(earlier.0))
    }
}
