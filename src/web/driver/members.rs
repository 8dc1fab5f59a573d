//! What the driver does for its membership (`membership`): it asks the
//! membership, carries out what it queued (posts through the front-end,
//! the leader's bytes through this source's parser) with no borrow held,
//! and takes the page's group events (lock granted, a message, leaving,
//! rejoining).

use alloc::rc::Rc;

use eventsource_core::shared::Position;

use super::Driver;
// (A trait object's methods need no import: only the base core uses it.)
#[cfg_attr(feature = "shared", allow(unused_imports))]
use super::membership::Membership;
use super::membership::{Announce, Todo};
use crate::web::front::FrontEnd;
#[cfg(feature = "shared")]
use crate::web::shared::{Message, Outgoing};
use crate::web::{clock, panic};

impl<F: FrontEnd> Driver<F> {
    /// Carry out one thing the membership queued.
    pub(super) fn carry_out(self: &Rc<Self>, todo: Todo) {
        match todo {
            #[cfg(feature = "shared")]
            Todo::Post(post) => self.post(post.as_outgoing()),
            #[cfg(feature = "shared")]
            Todo::Follow(bytes) => self.follow_body(&bytes),
        }
    }

    #[cfg(feature = "shared")]
    fn post(&self, message: Outgoing<'_>) {
        if let Some(front) = self.resources.front() {
            front.post(message);
        }
    }

    /// Post what the membership queued, now (before the front-end runs
    /// application code, so the group hears first).
    pub(super) fn flush_posts(self: &Rc<Self>) {
        loop {
            let todo = self.state.borrow_mut().group.poll_post();
            match todo {
                Some(todo) => self.carry_out(todo),
                None => break,
            }
        }
    }

    /// A leader tells its group what its machine did (the followers hear of
    /// it first: the leader's policy decides for all).
    pub(super) fn announce(self: &Rc<Self>, what: Announce<'_>) {
        self.state.borrow_mut().group.announce(what);
        self.flush_posts();
    }

    /// A leader relays the bytes its stream took (`at` from
    /// `Membership::relay_body`), then the welcomes it queued.
    pub(super) fn relay_chunk(self: &Rc<Self>, at: Position, taken: &[u8]) {
        #[cfg(feature = "shared")]
        self.post(Outgoing::Body(at, taken));
        #[cfg(not(feature = "shared"))]
        let _ = (at, taken);
        self.flush_posts();
    }

    /// A message from another source of the group.
    #[cfg(feature = "shared")]
    pub fn relayed(self: &Rc<Self>, message: Message) {
        if self.resources.is_poisoned() {
            return;
        }
        let _entered = panic::enter(&self.resources);
        {
            let mut state = self.state.borrow_mut();
            let (group, conn) = state.membership();
            group.receive(message, conn);
        }
        self.settle();
    }

    /// The lock was granted: claim, then lead.
    pub fn granted(self: &Rc<Self>) {
        if let Ok(mut state) = self.state.try_borrow_mut() {
            state.group.granted(clock::now_ms());
        }
        self.input(|_, _| {});
    }

    /// The page is going away or into the back/forward cache: leave the
    /// group (the lock is released by the JavaScript class) and release
    /// what the machine holds, without any event.
    pub fn leave_group(self: &Rc<Self>) {
        if let Ok(mut state) = self.state.try_borrow_mut() {
            state.group.leave();
        }
        self.input(|machine, _| machine.suspend());
    }

    /// Back from the back/forward cache: join the group again, as a newcomer.
    pub fn rejoin(self: &Rc<Self>) {
        if self.resources.is_poisoned() {
            return;
        }
        let _entered = panic::enter(&self.resources);
        {
            let mut state = self.state.borrow_mut();
            let state = &mut *state;
            state.group.rejoin(&mut state.machine);
        }
        self.settle();
    }

    /// Whether this source holds the connection (always, unless it shares
    /// and follows another).
    pub fn leads(&self) -> bool {
        self.state.try_borrow().is_ok_and(|state| state.group.leads())
    }
}
