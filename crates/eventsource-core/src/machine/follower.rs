//! Follower mode: a source that follows a shared connection another
//! source leads (see [`crate::shared`]) instead of making requests.

use super::*;

impl Machine {
    /// Follow a shared connection that another source leads (see
    /// [`crate::shared`]): release any request, make none, arm no timer;
    /// the leader's frames are applied with the `follow_*` inputs, so this
    /// machine's readyState, parser, last event ID and reconnection time
    /// are the leader's. readyState stays as it is until the leader says.
    pub fn follow(&mut self) {
        match self.phase {
            Phase::Closed => return,
            Phase::Requesting | Phase::Probing | Phase::Streaming => self.queues.orders.push(Order::Abort),
            _ => {}
        }
        self.recycling = false;
        self.recycle_wanted = false;
        self.phase = Phase::Following { streaming: false };
    }

    /// Whether this machine follows a shared connection.
    pub(super) fn is_following(&self) -> bool {
        matches!(self.phase, Phase::Following { .. })
    }

    /// Following, where this source joins the stream: the leader's last
    /// event ID and reconnection time (from a welcome or a start). The
    /// parser starts as between events, past any byte-order mark, as the
    /// leader's is there (whatever this source's was, if it left the group
    /// mid-event and came back).
    pub fn follow_adopt(&mut self, last_event_id: &str, retry: Option<Millis>) {
        if !self.is_following() {
            return;
        }
        self.parser.reset_stream();
        self.parser.set_last_event_id(last_event_id);
        self.adopted_retry = retry;
        self.followed = true;
        self.phase = Phase::Following { streaming: true };
        // The leader's stream is past its start: no BOM check. (Not by
        // feeding a blank line through a sink: that made a second copy of
        // the parser in the wasm, 8.5 KB, whose driver parses raw.)
        self.parser.skip_bom();
    }

    /// Following: the leader's connection began a new body (HTML §9.2.5:
    /// a new stream; an incomplete event of the old one is discarded).
    pub fn follow_stream(&mut self) {
        if self.is_following() {
            self.parser.reset_stream();
            self.phase = Phase::Following { streaming: true };
        }
    }

    /// Following: the leader announced the connection (readyState OPEN, an
    /// open event, which says whether this source had opened before).
    pub fn follow_open(&mut self) {
        if self.is_following() {
            self.state = ReadyState::Open;
            let reopened = core::mem::replace(&mut self.opened_before, true);
            self.queues.notices.push(Notice::Open { reopened });
        }
    }

    /// Following: bytes of the leader's body. The limits are the leader's
    /// (it fails the connection for everyone), so none is checked here.
    pub fn follow_body<S: Sink + ?Sized>(&mut self, bytes: &[u8], sink: &mut S) {
        if self.phase == (Phase::Following { streaming: true }) {
            let _ = self.parser.feed(bytes, sink);
        }
    }

    /// [`Machine::follow_body`] for a host that decodes the events itself
    /// (see [`Machine::handle_body_raw`]).
    pub fn follow_body_raw<S: RawSink + ?Sized>(&mut self, bytes: &[u8], sink: &mut S) {
        if self.phase == (Phase::Following { streaming: true }) {
            let _ = self.parser.feed_raw(bytes, sink);
        }
    }

    /// Following: the leader's connection was lost (`ready_state`
    /// CONNECTING: it is being reestablished) or failed for good (CLOSED),
    /// as the leader's policy decided; the same error event here.
    pub fn follow_error(&mut self, reason: Reason, ready_state: ReadyState) {
        if !self.is_following() {
            return;
        }
        if ready_state == ReadyState::Closed {
            self.state = ReadyState::Closed;
            self.phase = Phase::Closed;
        } else {
            self.state = ReadyState::Connecting;
            self.phase = Phase::Following { streaming: false };
        }
        self.queues.notices.push(Notice::Error { reason, ready_state });
    }

    /// The shared connection's leader went away and this source now leads:
    /// connect at once ([`RequestKind::Takeover`], or [`RequestKind::First`]
    /// for a source that never had a stream) with the last event ID it has.
    /// Where the connection was OPEN, the new one opens silently, as the
    /// source never stopped being open; if it fails, the usual rules apply.
    /// With [`Config::ask_before_reconnect`], a takeover is asked about as a
    /// reconnection is ([`Notice::BeforeReconnect`], reason
    /// [`Reason::Network`], delay 0): the host may change the request (a
    /// stream started by a POST goes on with a GET) or veto it.
    pub fn take_over(&mut self, now: Instant) {
        if !self.is_following() {
            return;
        }
        self.recycling = self.state == ReadyState::Open;
        self.attempt = 0;
        let continues = self.requested_before || core::mem::take(&mut self.followed);
        if continues && self.config.send_once && !self.config.ask_before_reconnect {
            self.fail(Reason::Unrepeatable { lost: Lost::Released });
            return;
        }
        if continues && self.config.ask_before_reconnect {
            self.taking_over = true;
            self.last_wake_check = now;
            self.phase = Phase::Waiting { deadline: now };
            if self.config.send_once {
                self.ask_once(Lost::Released, None, Millis(0), Reason::Network);
                return;
            }
            self.queues.notices.push(Notice::BeforeReconnect {
                attempt: 1,
                delay: Millis(0),
                reason: Reason::Network,
            });
            return;
        }
        let kind = if continues {
            RequestKind::Takeover
        } else {
            RequestKind::First
        };
        self.request(now, kind);
    }
}
