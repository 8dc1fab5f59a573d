//! HTML §9.2.4's two ends of a connection, "reestablish the connection"
//! and "fail the connection", with the reconnection delay (backoff, jitter)
//! and the question a request that is sent once asks first.

use super::*;

impl Machine {
    /// Ask the host ([`Notice::BeforeReconnect`]) whether a request that is
    /// sent once goes on; [`Machine::poll_notice`] fails the connection if
    /// it did not answer with a request. The error event of the loss waits
    /// for the answer, so a source that is not continued dispatches one
    /// error only.
    pub(super) fn ask_once(&mut self, lost: Lost, error: Option<Reason>, delay: Millis, reason: Reason) {
        self.unanswered = Some((lost, error));
        self.queues.notices.push(Notice::BeforeReconnect {
            attempt: self.attempt.saturating_add(1),
            delay,
            reason,
        });
    }

    /// HTML §9.2.4 "fail the connection": CLOSED and one error event; no
    /// reconnection ever.
    pub(super) fn fail(&mut self, reason: Reason) {
        self.recycling = false;
        self.recycle_wanted = false;
        self.unanswered = None;
        if self.is_fetching() {
            self.queues.orders.push(Order::Abort);
        }
        self.state = ReadyState::Closed;
        self.phase = Phase::Closed;
        self.queues.notices.push(Notice::Error {
            reason,
            ready_state: ReadyState::Closed,
        });
    }

    /// HTML §9.2.4 "reestablish the connection": CONNECTING, an error event,
    /// then a request after the reconnection time (and any backoff).
    pub(super) fn reestablish(&mut self, now: Instant, reason: Reason) {
        self.recycling = false;
        self.recycle_wanted = false;
        // Attempts count when they are made, so none is counted while the
        // network is gone.
        if let Some(max) = self.config.policy.max_retries {
            if self.attempt >= max {
                self.fail(Reason::RetriesExhausted);
                return;
            }
        }
        // A request that is sent once is not made again by itself: without
        // a hook to ask, the connection fails now (one error event).
        if self.config.send_once && !self.config.ask_before_reconnect {
            self.fail(Reason::Unrepeatable { lost: Lost::of(reason) });
            return;
        }
        if self.is_fetching() {
            self.queues.orders.push(Order::Abort);
        }
        self.state = ReadyState::Connecting;
        let random = self.next_random();
        let delay = self.reconnect_delay(random);
        self.last_activity = now;
        self.last_wake_check = now;
        self.phase = Phase::Waiting { deadline: now + delay };
        if self.config.send_once {
            // Asked before the error event: see `ask_once`.
            self.ask_once(Lost::of(reason), Some(reason), delay, reason);
            return;
        }
        self.queues.notices.push(Notice::Error {
            reason,
            ready_state: ReadyState::Connecting,
        });
        if self.config.ask_before_reconnect {
            self.queues.notices.push(Notice::BeforeReconnect {
                attempt: self.attempt.saturating_add(1),
                delay,
                reason,
            });
        }
    }

    /// The delay before the next reconnection, given `random` in [0, 1) for
    /// jitter. With the default policy this is exactly the reconnection time.
    pub(super) fn reconnect_delay(&self, random: f64) -> Millis {
        let policy = &self.config.policy;
        let mut delay = self.reconnection_time().0 as f64;
        // A server's `retry` always wins over the client's backoff.
        if self.retry().is_none() {
            if policy.exponential {
                delay *= (1u64 << self.attempt.min(62)) as f64;
            }
            delay = delay.min(policy.max_delay.0 as f64);
        }
        if policy.jitter > 0.0 {
            delay *= 1.0 + policy.jitter.clamp(0.0, 1.0) * random.clamp(0.0, 1.0);
        }
        // `as` saturates: a huge `retry` means "a very long time".
        Millis(delay as u64)
    }

    /// xorshift64*: enough randomness for jitter, deterministic for a seed.
    pub(super) fn next_random(&mut self) -> f64 {
        let mut x = self.rng;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.rng = x;
        (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
}
