//! The driver: one per source. It owns the pure [`Machine`], carries out its
//! orders with JavaScript resources, tells its notices to the front-end, and turns what the transports report
//! through the seam into machine inputs. It decides nothing itself. What the
//! application sees goes through its front-end (`FrontEnd`); a source's part
//! in a group is a value it holds (`membership`).
//!
//! Two rules keep it re-entrancy safe, since every call into JavaScript may
//! run user code that calls `close()` or constructs another source:
//!
//! 1. no `RefCell` borrow is held across a call into JavaScript;
//! 2. orders and notices are taken from the machine one at a time, so a
//!    `close()` made by a handler while one is being carried out clears the
//!    rest (the machine gives them out in one interleaving: releases, then
//!    notices, then new requests: `eventsource_core::machine`, "Orders and notices").

use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::{Cell, RefCell};

use eventsource_core::Instant;
use eventsource_core::machine::{Machine, ReadyState, Request};

use crate::batch::Batch;

mod commands;
#[cfg(feature = "shared")]
mod group;
mod members;
mod membership;
mod reports;
use crate::web::first::Prefetched;
use crate::web::front::FrontEnd;
use crate::web::resources::Resources;
use crate::web::seam::Cause;
use crate::web::settings::Settings;
use crate::web::{clock, panic, stats};
// (A trait object's methods need no import: only the base core uses it.)
#[cfg_attr(feature = "shared", allow(unused_imports))]
use membership::Membership;
use membership::{Announce, Conn, Member};

/// What the machine's outputs and the transports' reports work on.
pub(super) struct State {
    machine: Machine,
    batch: Batch,
    /// The chunk being parsed, copied once into wasm memory (reused).
    chunk: Vec<u8>,
    /// The response's final URL (after redirects), whose origin the events carry.
    final_url: String,
    /// The last response's status text, for error events.
    status_text: String,
    /// The request being prepared (waiting for the `headers` promise).
    pending: Option<Request>,
    /// The `Last-Event-ID` the current connection was made with.
    sent_id: String,
    /// This source's part in a group (`Solo` unless it shares).
    group: Member,
}

impl State {
    /// The membership, and the connection it reads and changes.
    fn membership(&mut self) -> (&mut Member, Conn<'_>) {
        let State {
            machine,
            final_url,
            status_text,
            sent_id,
            group,
            ..
        } = self;
        let conn = Conn {
            machine,
            final_url,
            sent_id,
            status_text,
        };
        (group, conn)
    }
}

/// Generic over its front-end: each front-end's calls are direct (and
/// inlined), and one build has one front-end (measured against
/// `Rc<dyn FrontEnd>`: BENCHMARKS.md).
pub(super) struct Driver<F: FrontEnd + 'static> {
    pub settings: Settings,
    pub resources: Resources<F>,
    state: RefCell<State>,
    /// Incremented for every request (and probe): reports about an older
    /// one are dropped.
    generation: Cell<u32>,
    /// The page called `window.stop()` while this request was in flight:
    /// its failure is an abort, not the network (Chromium's fetch reports
    /// both as the same TypeError).
    stopped: Cell<Option<u32>>,
    /// The first request, if the JavaScript shell made it already.
    prefetched: RefCell<Option<Prefetched>>,
    /// What the platform threw when the current request failed (the fetch
    /// `TypeError`, a body read's error, a `headers` function's exception),
    /// for the error event's `cause`; `undefined` while nothing failed.
    cause: RefCell<Cause>,
}

impl<F: FrontEnd> Drop for Driver<F> {
    fn drop(&mut self) {
        stats::DRIVERS.decrement();
    }
}

impl<F: FrontEnd> Driver<F> {
    pub(super) fn new(
        mut machine: Machine,
        settings: Settings,
        front: F,
        prefetched: Option<Prefetched>,
    ) -> Rc<Driver<F>> {
        stats::DRIVERS.increment();
        let group = membership::join(settings.shared, &mut machine);
        let comments = settings.comments;
        let driver = Rc::new(Driver {
            settings,
            resources: Resources::new(front),
            state: RefCell::new(State {
                machine,
                batch: Batch::with_comments(comments),
                chunk: Vec::new(),
                final_url: String::new(),
                status_text: String::new(),
                pending: None,
                sent_id: String::new(),
                group,
            }),
            generation: Cell::new(0),
            stopped: Cell::new(None),
            prefetched: RefCell::new(prefetched),
            cause: RefCell::new(Cause::none()),
        });
        let _entered = panic::enter(&driver.resources);
        driver.settle();
        driver
    }

    pub(super) fn ready_state(&self) -> ReadyState {
        match self.state.try_borrow() {
            Ok(state) if !self.resources.is_poisoned() => state.machine.ready_state(),
            _ => ReadyState::Closed,
        }
    }

    /// Give the machine an input (`f`), then carry out what it decided.
    pub(super) fn input(self: &Rc<Self>, f: impl FnOnce(&mut Machine, Instant)) {
        self.input_at(clock::now_ms(), f);
    }

    /// The same, at `now`.
    fn input_at(self: &Rc<Self>, now: Instant, f: impl FnOnce(&mut Machine, Instant)) {
        if self.resources.is_poisoned() {
            return;
        }
        let _entered = panic::enter(&self.resources);
        f(&mut self.state.borrow_mut().machine, now);
        self.settle();
    }

    /// `close()`: CLOSED now; every resource is released.
    pub(super) fn close(self: &Rc<Self>) {
        if let Ok(mut state) = self.state.try_borrow_mut() {
            state.group.leave();
        }
        self.input(|machine, _| machine.close());
        self.resources.release_all();
    }

    /// `reconnect()`: the machine reconnects, or, where another source of
    /// the shared group holds the connection, that source is asked to.
    pub(super) fn reconnect(self: &Rc<Self>) {
        if self.leads() {
            self.input(|machine, now| machine.reconnect(now));
        } else {
            if let Ok(mut state) = self.state.try_borrow_mut() {
                state.group.ask_leader_to_reconnect();
            }
            self.flush_posts();
        }
    }

    /// The page called `window.stop()`, which aborts every request in
    /// flight: the one this source has in flight fails as aborted.
    pub(super) fn page_stopped(&self) {
        if self.is_current(self.generation.get()) {
            self.stopped.set(Some(self.generation.get()));
        }
    }

    /// Whether `generation` is the request the machine is waiting on.
    pub(super) fn is_current(&self, generation: u32) -> bool {
        !self.resources.is_poisoned()
            && self.generation.get() == generation
            && self.state.try_borrow().is_ok_and(|s| s.machine.is_fetching())
    }

    /// Carry out the machine's orders and notices one at a time (and the
    /// group's work first), then arm the timer for when the machine next
    /// wants to be woken.
    fn settle(self: &Rc<Self>) {
        loop {
            let todo = {
                let mut state = self.state.borrow_mut();
                let (group, conn) = state.membership();
                group.poll(conn)
            };
            if let Some(todo) = todo {
                self.carry_out(todo);
                continue;
            }
            // Orders first, then notices (the machine gates both: see its
            // documentation), taken under one borrow.
            let next = {
                let machine = &mut self.state.borrow_mut().machine;
                match machine.poll_order() {
                    Some(order) => Some(Ok(order)),
                    None => machine.poll_notice().map(Err),
                }
            };
            match next {
                Some(Ok(order)) => self.execute(order),
                Some(Err(notice)) => self.notify(notice),
                None => break,
            }
        }
        self.arm_timer();
    }

    /// One platform timer, for the machine's `poll_timeout()`. A timer armed
    /// for an earlier time is kept (it fires, the machine finds nothing due,
    /// and the timer is armed again): so a heartbeat moved later by every
    /// chunk costs one timer per interval, not one per chunk.
    fn arm_timer(self: &Rc<Self>) {
        let wanted = match self.state.try_borrow() {
            Ok(state) => match (state.machine.poll_timeout(), state.group.poll_timeout()) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            },
            Err(_) => return,
        };
        match (wanted, self.resources.armed_for()) {
            (None, Some(_)) => drop(self.resources.take_timer()),
            (Some(deadline), armed) if armed.is_none_or(|at| deadline < at) => {
                let weak = Rc::downgrade(self);
                self.resources.arm(deadline, clock::now_ms(), move || {
                    if let Some(driver) = weak.upgrade() {
                        driver.timer_fired();
                    }
                });
            }
            _ => {}
        }
    }

    fn timer_fired(self: &Rc<Self>) {
        // Dropped last: this closure is the one running (wasm-bindgen defers
        // freeing it until it returns).
        let timer = self.resources.take_timer();
        // The timer fired, so its time has come, whatever the wall clock
        // says: a fake clock installed after the source was made may read
        // earlier than the time the machine started at (@sinonjs/fake-timers
        // starts at 0), and the first request is due all the same.
        let now = clock::now_ms().max(timer.as_ref().map_or(Instant(0), |armed| armed.deadline()));
        self.state.borrow_mut().group.handle_timeout(now);
        self.input_at(now, |machine, now| machine.handle_timeout(now));
        drop(timer);
    }
}
