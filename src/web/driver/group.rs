//! The `shared` option: this source's part in its group (one connection
//! for every source of a URL in the browser profile). The decisions are the
//! core's (`sse_core::shared::Relay`); this carries them out through the
//! link (the JavaScript class holds the Web Lock and the BroadcastChannel)
//! and feeds the leader's frames to this source's own machine.

use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;

use sse_core::machine::{Machine, ReadyState, Reason};
use sse_core::shared::{Action, Entry, Position, Relay, Role, Start};

use super::Driver;
use crate::web::front::FrontEnd;
use crate::web::shared::{Frame, Message, Outgoing, Welcome};
use crate::web::{clock, env, panic};

/// This source's place in its group (see `sse_core::shared`), with the
/// `shared` option; `relay` is `None` without it.
#[derive(Default)]
pub(super) struct Group {
    relay: Option<Relay<Frame>>,
    /// Sources that joined, to be welcomed when the stream is next between
    /// events (where they can start parsing the relayed bytes).
    joiners: Vec<u32>,
    /// A welcome said the connection is open: dispatch open once adopted.
    welcomed_open: bool,
}

impl Group {
    /// A source with the `shared` option follows (makes no request) until
    /// its group says it leads.
    pub(super) fn new(shared: bool, machine: &mut Machine) -> Group {
        let relay = shared.then(|| {
            machine.follow();
            Relay::new(member_id())
        });
        Group {
            relay,
            ..Group::default()
        }
    }

    pub(super) fn leave(&mut self) {
        if let Some(relay) = self.relay.as_mut() {
            relay.leave();
        }
    }

    pub(super) fn poll_timeout(&self) -> Option<u64> {
        self.relay.as_ref().and_then(Relay::poll_timeout)
    }

    pub(super) fn handle_timeout(&mut self, now: u64) {
        if let Some(relay) = self.relay.as_mut() {
            relay.handle_timeout(now);
        }
    }

    /// A leader relays the bytes its stream took: where they go in the
    /// group's order (posted by `Driver::relay_chunk` once the state is no
    /// longer borrowed).
    pub(super) fn relay_body(&mut self, taken: &[u8]) -> Option<Position> {
        match self.relay.as_mut() {
            Some(relay) if relay.is_leading() && !taken.is_empty() => Some(relay.send()),
            _ => None,
        }
    }
}

impl<F: FrontEnd> Driver<F> {
    /// Carry out one thing the relay decided, if there is one.
    pub(super) fn group_step(self: &Rc<Self>) -> bool {
        let action = self
            .state
            .borrow_mut()
            .group
            .relay
            .as_mut()
            .and_then(Relay::poll_action);
        match action {
            Some(action) => {
                self.act(action);
                true
            }
            None => false,
        }
    }

    /// A leader tells its group the connection opened.
    pub(super) fn relay_open(&self, final_url: &str, resumed_from: &str) {
        self.relay_frame(|| Frame::Open {
            final_url: String::from(final_url),
            resumed_from: String::from(resumed_from),
        });
    }

    /// A leader tells its group of an error (its policy decides for all);
    /// after a failure for good, the source leaves the group.
    pub(super) fn relay_error(&self, ready_state: ReadyState, reason: Reason, status_text: &str) {
        self.relay_frame(|| Frame::Error {
            ready_state,
            reason,
            status_text: String::from(status_text),
        });
        if ready_state == ReadyState::Closed {
            self.state.borrow_mut().group.leave();
        }
    }

    /// A leader tells its group a new stream started.
    pub(super) fn relay_stream(&self) {
        self.relay_frame(|| Frame::Stream);
    }

    fn post(&self, message: Outgoing<'_>) {
        if let Some(front) = self.resources.front() {
            front.post(message);
        }
    }

    /// A leader relays the bytes its stream took (`at` from `Group::relay_body`),
    /// then welcomes who joined if the stream is now between events.
    pub(super) fn relay_chunk(&self, at: Position, taken: &[u8]) {
        self.post(Outgoing::Body(at, taken));
        self.welcome_joiners();
    }

    /// A leader relays what its machine decided, numbered.
    fn relay_frame(&self, frame: impl FnOnce() -> Frame) {
        let at = match self.state.borrow_mut().group.relay.as_mut() {
            Some(relay) if relay.is_leading() => relay.send(),
            _ => return,
        };
        self.post(Outgoing::Frame(at, &frame()));
    }

    /// Tell the group this source is here (it waits for a welcome).
    pub(super) fn hello(&self) {
        let id = match &self.state.borrow().group.relay {
            Some(relay) if relay.role() == Role::Joining => relay.own_epoch(),
            _ => return,
        };
        self.post(Outgoing::Hello { from: id });
    }

    /// Leading: welcome the sources that joined, if the stream is between
    /// events (else after a later chunk).
    pub(super) fn welcome_joiners(&self) {
        let welcomes: Vec<Welcome> = {
            let mut state = self.state.borrow_mut();
            let between = !state.machine.is_streaming() || state.machine.parser().at_event_boundary();
            if state.group.joiners.is_empty() || !between {
                return;
            }
            let Some(at) = state.group.relay.as_ref().and_then(Relay::position) else {
                return;
            };
            let joiners = core::mem::take(&mut state.group.joiners);
            joiners
                .into_iter()
                .map(|to| Welcome {
                    to,
                    at,
                    last_event_id: String::from(state.machine.last_event_id()),
                    retry: state.machine.retry(),
                    ready_state: state.machine.ready_state() as u8,
                    final_url: state.final_url.clone(),
                    resumed_from: state.sent_id.clone(),
                })
                .collect()
        };
        for welcome in &welcomes {
            self.post(Outgoing::Welcome(welcome));
        }
    }

    /// Carry out what the relay decided.
    fn act(self: &Rc<Self>, action: Action<Frame>) {
        match action {
            Action::Apply(frame) => self.apply(frame),
            Action::Adopt { last_event_id, retry } => {
                self.state.borrow_mut().machine.follow_adopt(&last_event_id, retry);
            }
            Action::Claim { seen } => self.post(Outgoing::Claim { seen }),
            Action::Handover(entries) => self.post(Outgoing::Handover(&entries)),
            Action::Lead { epoch, after } => {
                let start = {
                    let state = self.state.borrow();
                    Start {
                        epoch,
                        after,
                        last_event_id: String::from(state.machine.last_event_id()),
                        retry: state.machine.retry(),
                    }
                };
                self.post(Outgoing::Start(&start));
                self.state.borrow_mut().machine.take_over(clock::now_ms());
                // Those who said hello while no one led are welcomed now.
                self.welcome_joiners();
            }
        }
    }

    /// A follower applies the leader's frame to its own machine.
    fn apply(self: &Rc<Self>, frame: Frame) {
        match frame {
            Frame::Stream => self.state.borrow_mut().machine.follow_stream(),
            Frame::Open {
                final_url,
                resumed_from,
            } => {
                let mut state = self.state.borrow_mut();
                state.final_url = final_url;
                state.sent_id = resumed_from;
                state.machine.follow_open();
            }
            Frame::Body(bytes) => self.follow_body(&bytes),
            Frame::Error {
                ready_state,
                reason,
                status_text,
            } => {
                let mut state = self.state.borrow_mut();
                state.status_text = status_text;
                state.machine.follow_error(reason, ready_state);
            }
        }
    }

    /// A message from another source of the group.
    pub fn relayed(self: &Rc<Self>, message: Message) {
        if self.resources.is_poisoned() {
            return;
        }
        let _entered = panic::enter(&self.resources);
        {
            let mut state = self.state.borrow_mut();
            let state = &mut *state;
            let Some(relay) = state.group.relay.as_mut() else {
                return;
            };
            match message {
                Message::Hello { from } => {
                    if relay.is_leading() {
                        state.group.joiners.push(from);
                    }
                }
                Message::Welcome(welcome) => {
                    if welcome.to != relay.own_epoch() || relay.role() != Role::Joining {
                        return;
                    }
                    relay.welcome(welcome.at, &welcome.last_event_id, welcome.retry);
                    if welcome.ready_state == ReadyState::Open as u8 {
                        state.final_url = welcome.final_url;
                        state.sent_id = welcome.resumed_from;
                        state.group.welcomed_open = true;
                    }
                }
                Message::Entry(Entry::Frame(at, frame)) => relay.frame(at, frame),
                Message::Entry(Entry::Start(start)) => relay.start(start),
                Message::Claim { seen } => relay.claimed(seen),
                Message::Handover(entries) => relay.handover(entries),
            }
        }
        self.welcome_joiners();
        self.settle();
        // A welcome into an open connection: the open event, after the adopt.
        let open = core::mem::take(&mut self.state.borrow_mut().group.welcomed_open);
        if open {
            self.state.borrow_mut().machine.follow_open();
            self.settle();
        }
    }

    /// The lock was granted: claim, then lead.
    pub fn granted(self: &Rc<Self>) {
        if let Some(relay) = self.state.borrow_mut().group.relay.as_mut() {
            relay.granted(clock::now_ms());
        }
        self.input(|_, _| {});
    }

    /// The page is going away or into the back/forward cache: leave the
    /// group (the lock is released by the JavaScript class) and release
    /// what the machine holds, without any event.
    pub fn leave_group(self: &Rc<Self>) {
        if let Some(relay) = self.state.borrow_mut().group.relay.as_mut() {
            relay.leave();
        }
        self.state.borrow_mut().group.joiners.clear();
        self.input(|machine, _| machine.suspend());
    }

    /// Back from the back/forward cache: join the group again, as a newcomer.
    pub fn rejoin(self: &Rc<Self>) {
        {
            let mut state = self.state.borrow_mut();
            if state.group.relay.is_none() || state.machine.ready_state() == ReadyState::Closed {
                return;
            }
            state.group.relay = Some(Relay::new(member_id()));
            state.machine.follow();
        }
        let _entered = panic::enter(&self.resources);
        self.hello();
        self.settle();
    }

    /// Whether this source leads its group (or has none).
    pub fn leads(&self) -> bool {
        self.state
            .try_borrow()
            .is_ok_and(|state| state.group.relay.as_ref().is_none_or(Relay::is_leading))
    }
}

/// A random id for a source in its group (and the epoch it leads with).
fn member_id() -> u32 {
    (env::random() * 4_294_967_295.0) as u32
}
