//! What the host asks: `close()`, a reconnection on request, pausing and
//! resuming, the network's state, and its answers to the reconnection
//! question ([`Notice::BeforeReconnect`]).

use super::*;

impl Machine {
    /// The host is paused (the page is hidden or entering the back/forward
    /// cache): release the connection or the wait without any event;
    /// readyState is CONNECTING until [`Machine::resume`].
    pub fn suspend(&mut self) {
        match self.phase {
            Phase::Requesting | Phase::Probing | Phase::Streaming => self.queues.orders.push(Order::Abort),
            Phase::Waiting { .. } | Phase::Following { .. } => {}
            Phase::Suspended | Phase::Closed => return,
        }
        self.phase = Phase::Suspended;
        self.state = ReadyState::Connecting;
        self.recycling = false;
        self.recycle_wanted = false;
    }

    /// Back from [`Machine::suspend`]: reconnect at once, with the last event ID.
    ///
    /// A request that is sent once ([`Config::send_once`]) is not made again
    /// by itself: the host is asked as before a reconnection (with no delay),
    /// or the connection fails.
    pub fn resume(&mut self, now: Instant) {
        if self.phase != Phase::Suspended {
            return;
        }
        if self.config.send_once && self.requested_before {
            if !self.config.ask_before_reconnect {
                self.fail(Reason::Unrepeatable { lost: Lost::Released });
                return;
            }
            self.last_wake_check = now;
            self.phase = Phase::Waiting { deadline: now };
            self.ask_once(Lost::Released, None, Millis(0), Reason::Network);
            return;
        }
        self.request(now, RequestKind::Resume);
    }

    /// The platform reports the network gone (`false`) or back (`true`).
    /// While it is gone no attempt is made (HTML §9.2.4 allows waiting "for
    /// the operating system to announce that the network connection is
    /// available again") and none counts against
    /// [`ReconnectPolicy::max_retries`]; when it is back, a waiting source
    /// reconnects at once if the reconnection time has passed since the
    /// connection was lost (a backoff is for a busy server, not a lost
    /// network), or when it has.
    pub fn set_online(&mut self, now: Instant, online: bool) {
        let was_offline = core::mem::replace(&mut self.offline, !online);
        if !online || !was_offline {
            return;
        }
        if let Phase::Waiting { deadline } = self.phase {
            self.last_wake_check = now;
            self.phase = Phase::Waiting {
                deadline: deadline.min(self.last_activity + self.reconnection_time()),
            };
            self.handle_timeout(now);
        }
    }

    /// A reconnection on request (not in HTML; a `reconnect()` method, for
    /// an app whose credentials changed or a user who pressed "reconnect"):
    /// drop the request in flight, or the wait for the next one, and make a
    /// new request at once ([`RequestKind::Requested`]) with the last event
    /// ID, as HTML §9.2.4 "reestablish the connection" would, without its
    /// delay and without an error event (nothing failed). readyState is
    /// CONNECTING until the response opens (an open event, a reopen if the
    /// source was open before). The host asked for it, so even a request
    /// that is sent once ([`Config::send_once`]) is made, and it counts
    /// against no retry limit. Nothing happens on a CLOSED source, a
    /// suspended one ([`Machine::resume`] reconnects it) or a follower (the
    /// leader of its shared connection reconnects).
    pub fn reconnect(&mut self, now: Instant) {
        match self.phase {
            Phase::Closed | Phase::Suspended | Phase::Following { .. } => return,
            Phase::Requesting | Phase::Probing | Phase::Streaming => self.queues.orders.push(Order::Abort),
            Phase::Waiting { .. } => {}
        }
        self.unanswered = None;
        self.recycle_wanted = false;
        let kind = if core::mem::take(&mut self.taking_over) {
            RequestKind::Takeover
        } else if self.requested_before {
            self.recycling = false;
            RequestKind::Requested
        } else {
            RequestKind::First
        };
        self.state = ReadyState::Connecting;
        self.request(now, kind);
    }

    /// Change where the next requests go (a host's `beforeReconnect` hook).
    pub fn set_url(&mut self, url: &str) {
        if self.url != url {
            self.url.clear();
            self.url.push_str(url);
        }
    }

    /// Veto the reconnection now waiting (after [`Notice::BeforeReconnect`]):
    /// fail the connection (error, CLOSED).
    pub fn veto(&mut self) {
        let waiting = matches!(self.phase, Phase::Waiting { .. });
        if waiting && (self.state == ReadyState::Connecting || self.taking_over) {
            self.taking_over = false;
            self.fail(Reason::Vetoed);
        }
    }

    /// The host answered [`Notice::BeforeReconnect`] with the request to
    /// continue with: a request that is sent once ([`Config::send_once`])
    /// may be made this time (the error event of the loss follows now).
    /// Does nothing otherwise.
    pub fn proceed(&mut self) {
        if let Some((_, Some(reason))) = self.unanswered.take() {
            self.queues.notices.push(Notice::Error {
                reason,
                ready_state: ReadyState::Connecting,
            });
        }
    }

    /// The request's shape changed (the host's hook answered with another
    /// method or body): whether it is sent once from now on (see
    /// [`Config::send_once`]).
    pub fn set_send_once(&mut self, once: bool) {
        self.config.send_once = once;
    }

    /// `close()`: CLOSED at once, whatever the state; release what is held and
    /// never queue anything again.
    pub fn close(&mut self) {
        if self.phase == Phase::Closed {
            // Already closed (or failed): what is queued is releases only.
            self.state = ReadyState::Closed;
            return;
        }
        self.queues.clear();
        self.unanswered = None;
        if self.is_fetching() {
            self.queues.orders.push(Order::Abort);
        }
        self.state = ReadyState::Closed;
        self.phase = Phase::Closed;
    }
}
