//! The `shared` option: this source's part in its group (one connection
//! for every source of a URL in the browser profile). The decisions are the
//! core's (`sse_core::shared::Relay`); this carries them out through the
//! link (the JavaScript class holds the Web Lock and the BroadcastChannel)
//! and feeds the leader's frames to this source's own machine.

use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;

use sse_core::machine::ReadyState;
use sse_core::shared::{Action, Entry, Relay, Role, Start};
use wasm_bindgen::prelude::*;

use super::Driver;
use crate::web::shared::{self, Frame, Message, Welcome};
use crate::web::{clock, panic};

impl Driver {
    pub(super) fn post(&self, message: &js_sys::Object) {
        if let Some(link) = self.resources.link() {
            let _ = link.post(message);
        }
    }

    /// A leader relays what its machine decided, numbered.
    pub(super) fn relay_frame(&self, frame: impl FnOnce() -> Frame) {
        let message = match self.state.borrow_mut().relay.as_mut() {
            Some(relay) if relay.is_leading() => shared::frame(relay.send(), &frame()),
            _ => return,
        };
        self.post(&message);
    }

    /// Tell the group this source is here (it waits for a welcome).
    pub(super) fn hello(&self) {
        let id = match &self.state.borrow().relay {
            Some(relay) if relay.role() == Role::Joining => relay.own_epoch(),
            _ => return,
        };
        self.post(&shared::hello(id));
    }

    /// Leading: welcome the sources that joined, if the stream is between
    /// events (else after a later chunk).
    pub(super) fn welcome_joiners(&self) {
        let welcomes: Vec<Welcome> = {
            let mut state = self.state.borrow_mut();
            let between = !state.machine.is_streaming() || state.machine.parser().at_event_boundary();
            if state.joiners.is_empty() || !between {
                return;
            }
            let Some(at) = state.relay.as_ref().and_then(Relay::position) else {
                return;
            };
            let joiners = core::mem::take(&mut state.joiners);
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
            self.post(&shared::welcome(welcome));
        }
    }

    /// Carry out what the relay decided.
    pub(super) fn act(self: &Rc<Self>, action: Action<Frame>) {
        match action {
            Action::Apply(frame) => self.apply(frame),
            Action::Adopt { last_event_id, retry } => {
                self.state.borrow_mut().machine.follow_adopt(&last_event_id, retry);
            }
            Action::Claim { seen } => self.post(&shared::claim(seen)),
            Action::Handover(entries) => self.post(&shared::handover(&entries)),
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
                self.post(&shared::start(&start));
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
    pub fn relayed(self: &Rc<Self>, message: &JsValue) {
        let Some(message) = shared::decode(message) else { return };
        if self.resources.is_poisoned() {
            return;
        }
        let _entered = panic::enter(&self.resources);
        {
            let mut state = self.state.borrow_mut();
            let state = &mut *state;
            let Some(relay) = state.relay.as_mut() else { return };
            match message {
                Message::Hello { from } => {
                    if relay.is_leading() {
                        state.joiners.push(from);
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
                        state.welcomed_open = true;
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
        let open = core::mem::take(&mut self.state.borrow_mut().welcomed_open);
        if open {
            self.state.borrow_mut().machine.follow_open();
            self.settle();
        }
    }

    /// The lock was granted: claim, then lead.
    pub fn granted(self: &Rc<Self>) {
        if let Some(relay) = self.state.borrow_mut().relay.as_mut() {
            relay.granted(clock::now_ms());
        }
        self.input(|_, _| {});
    }

    /// The page is going away or into the back/forward cache: leave the
    /// group (the lock is released by the JavaScript class) and release
    /// what the machine holds, without any event.
    pub fn leave_group(self: &Rc<Self>) {
        if let Some(relay) = self.state.borrow_mut().relay.as_mut() {
            relay.leave();
        }
        self.state.borrow_mut().joiners.clear();
        self.input(|machine, _| machine.suspend());
    }

    /// Back from the back/forward cache: join the group again, as a newcomer.
    pub fn rejoin(self: &Rc<Self>) {
        {
            let mut state = self.state.borrow_mut();
            if state.relay.is_none() || state.machine.ready_state() == ReadyState::Closed {
                return;
            }
            state.relay = Some(Relay::new(member_id()));
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
            .is_ok_and(|state| state.relay.as_ref().is_none_or(Relay::is_leading))
    }
}

/// A random id for a source in its group (and the epoch it leads with).
pub(super) fn member_id() -> u32 {
    (js_sys::Math::random() * 4_294_967_295.0) as u32
}
