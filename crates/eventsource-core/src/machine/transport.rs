//! What the transport reports: a response's head, its body, its end, a
//! failure, a probe's answer (HTML §9.2.2 step 15, §9.2.4), and the
//! transport's own request to recycle a stream it holds too much of.

use super::*;

impl Machine {
    /// The response's head arrived. What follows comes out through the
    /// polls; [`Machine::is_streaming`] says whether the
    /// body is now to be read (the connection was announced).
    pub fn handle_head(&mut self, now: Instant, head: Head<'_>) {
        if self.phase != Phase::Requesting {
            return;
        }
        // The platform's own HTTP stack answers a Basic challenge with a
        // URL's credentials, once: so does the machine.
        if head.status == 401 && self.config.basic_credentials && !self.authorized_request && head.challenges_basic() {
            self.authorize = true;
            self.queues.orders.push(Order::Abort);
            self.request(now, RequestKind::Authenticate);
            return;
        }
        // HTML §9.2.2 step 15: a 200 whose MIME type is text/event-stream
        // announces the connection; anything else fails it.
        if head.status != 200 {
            self.fail(Reason::Status(head.status));
            return;
        }
        if !head.content_type.is_some_and(mime::is_event_stream) {
            self.fail(Reason::MimeType);
            return;
        }
        self.phase = Phase::Streaming;
        self.state = ReadyState::Open;
        self.last_activity = now;
        self.attempt = 0;
        self.parser.reset_stream();
        if !core::mem::take(&mut self.recycling) {
            let reopened = core::mem::replace(&mut self.opened_before, true);
            self.queues.notices.push(Notice::Open { reopened });
        }
        if self.watching() {
            let sign = self.watch.head(now, head.content_encoding);
            self.warn_buffering(sign);
        }
    }

    pub(super) fn watching(&self) -> bool {
        self.config.diagnose_buffering && !self.warned_buffering
    }

    pub(super) fn warn_buffering(&mut self, sign: Option<Sign>) {
        if let Some(sign) = sign {
            self.warned_buffering = true;
            self.queues.notices.push(Notice::Warn(Warning::Buffering(sign)));
        }
    }

    /// Bytes of the body. Events go to `sink`; a `retry` field updates the
    /// reconnection time. If a limit is exceeded the connection fails: the
    /// error comes out as [`Notice::Error`] with [`Reason::Limit`], like
    /// every other outcome (one output path).
    pub fn handle_body<S: Sink + ?Sized>(&mut self, now: Instant, bytes: &[u8], sink: &mut S) {
        self.body(now, bytes, &mut Decoded(sink))
    }

    /// [`Machine::handle_body`] for a host that decodes the events itself:
    /// they go to `sink` undecoded (see [`crate::parser::RawEvent`]). The
    /// `Last-Event-ID` the machine sends is the decoded last event ID all the
    /// same.
    pub fn handle_body_raw<S: RawSink + ?Sized>(&mut self, now: Instant, bytes: &[u8], sink: &mut S) {
        self.body(now, bytes, &mut Raw(sink))
    }

    pub(super) fn body<O: Output + ?Sized>(&mut self, now: Instant, bytes: &[u8], sink: &mut O) {
        self.taken = 0;
        if self.phase != Phase::Streaming {
            return;
        }
        self.last_activity = now;
        self.taken = bytes.len();
        let events_before = self.parser.dispatched();
        let result = if self.recycle_wanted {
            match self.parser.feed_inner(bytes, sink, true) {
                Ok(Some(consumed)) if !self.parser.last_event_id().is_empty() => {
                    self.taken = consumed;
                    self.cut_over(now);
                    Ok(())
                }
                Ok(Some(consumed)) => self.parser.feed_inner(&bytes[consumed..], sink, false).map(|_| ()),
                Ok(None) => Ok(()),
                Err(error) => Err(error),
            }
        } else {
            self.parser.feed_inner(bytes, sink, false).map(|_| ())
        };
        if let Err(error) = result {
            self.fail(Reason::Limit(error));
        } else if self.watching() && self.phase == Phase::Streaming {
            let events = self.parser.dispatched();
            let mid_event = !self.parser.at_event_boundary();
            let sign = self.watch.body(now, bytes.len(), events_before, events, mid_event);
            self.warn_buffering(sign);
        }
    }

    /// The body ended normally: reestablish the connection.
    pub fn handle_end(&mut self, now: Instant) {
        if self.phase == Phase::Streaming {
            self.reestablish(now, Reason::Ended);
        }
    }

    /// The request (before a response) or the body (after) failed.
    pub fn handle_failure(&mut self, now: Instant, failure: Failure) {
        match (failure, self.phase) {
            (
                _,
                Phase::Waiting { .. } | Phase::Suspended | Phase::Following { .. } | Phase::Closed | Phase::Probing,
            ) => {}
            (Failure::Aborted, _) => self.fail(Reason::Aborted),
            // A cross-origin request that got no response may have been
            // refused by CORS, which retrying cannot fix: ask first.
            (Failure::Network, Phase::Requesting) if url::is_cross_origin(self.config.origin.as_deref(), &self.url) => {
                self.phase = Phase::Probing;
                self.queues.orders.push(Order::Probe { url: self.url.clone() });
            }
            (Failure::Network | Failure::NotSent, _) => self.reestablish(now, Reason::Network),
        }
    }

    /// The answer to [`Order::Probe`]: whether the server answered a
    /// request that CORS cannot refuse. If it did, the failure was CORS:
    /// when the request carried `Last-Event-ID` (which needs a preflight
    /// from a script), it is made again at once without it, with a warning;
    /// otherwise the connection fails. If not, it was the network.
    pub fn handle_probe(&mut self, now: Instant, server_answered: bool) {
        if self.phase != Phase::Probing {
            return;
        }
        if !server_answered {
            self.reestablish(now, Reason::Network);
        } else if self.sent_id_cross_origin {
            self.omit_cross_origin_id = true;
            self.queues.orders.push(Order::Abort);
            self.queues.notices.push(Notice::Warn(Warning::LastEventIdRefused));
            self.request(now, RequestKind::WithoutLastEventId);
        } else {
            self.fail(Reason::Refused);
        }
    }

    /// The transport is holding too much of this response (XHR keeps all of
    /// `responseText`): at the next blank line that leaves the stream between
    /// events with a last event ID to resume from, replace the request with a
    /// fresh one sending that ID, without any event. The rest of that chunk
    /// is dropped: the server sends it again after the ID. A stream without
    /// IDs cannot be resumed, so it is never recycled.
    /// A request that is sent once ([`Config::send_once`]) is never
    /// recycled: that would send it again.
    pub fn recycle(&mut self) {
        if self.phase == Phase::Streaming && !self.config.send_once {
            self.recycle_wanted = true;
        }
    }

    pub(super) fn cut_over(&mut self, now: Instant) {
        self.recycle_wanted = false;
        self.recycling = true;
        self.queues.orders.push(Order::Abort);
        // Only ever at a boundary with a (non-empty) last event ID to send.
        self.request(now, RequestKind::Recycle);
    }
}
