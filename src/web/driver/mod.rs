//! The driver: one per source. It owns the pure [`Machine`], carries out its
//! commands with JavaScript resources, and turns what the transports report
//! through the seam into machine inputs. It decides nothing itself. What the
//! application sees goes through its front-end (`FrontEnd`); a source's part
//! in a group is a value it holds (`membership`).
//!
//! Two rules keep it re-entrancy safe, since every call into JavaScript may
//! run user code that calls `close()` or constructs another source:
//!
//! 1. no `RefCell` borrow is held across a call into JavaScript;
//! 2. commands are taken from the machine one at a time, so a `close()` made
//!    by a handler while one command is being carried out clears the rest.

use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::{Cell, RefCell};

use sse_core::machine::{Command, Failure, Machine, ReadyState, Reason, Request};

use crate::batch::Batch;

#[cfg(feature = "shared")]
mod group;
mod members;
mod membership;
mod reports;
use crate::web::fetch::Prefetched;
use crate::web::front::FrontEnd;
use crate::web::request::Prepared;
use crate::web::resources::{Active, Resources};
use crate::web::seam::{FetchInit, Receiver, Reporter};
use crate::web::settings::Settings;
use crate::web::{clock, hooks, panic, probe, request, stats};
// (A trait object's methods need no import: only the base core uses it.)
#[cfg_attr(feature = "shared", allow(unused_imports))]
use membership::Membership;
use membership::{Announce, Conn, Member};

/// What the machine's commands and the transports' reports work on.
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
pub struct Driver<F: FrontEnd + 'static> {
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
}

impl<F: FrontEnd> Drop for Driver<F> {
    fn drop(&mut self) {
        stats::DRIVERS.decrement();
    }
}

impl<F: FrontEnd> Driver<F> {
    pub fn new(mut machine: Machine, settings: Settings, front: F, prefetched: Option<Prefetched>) -> Rc<Driver<F>> {
        stats::DRIVERS.increment();
        let group = membership::join(settings.shared, &mut machine);
        let driver = Rc::new(Driver {
            settings,
            resources: Resources::new(front),
            state: RefCell::new(State {
                machine,
                batch: Batch::default(),
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
        });
        let _entered = panic::enter(&driver.resources);
        driver.settle();
        driver
    }

    pub fn ready_state(&self) -> ReadyState {
        match self.state.try_borrow() {
            Ok(state) if !self.resources.is_poisoned() => state.machine.ready_state(),
            _ => ReadyState::Closed,
        }
    }

    /// Give the machine an input (`f`), then carry out what it decided.
    pub fn input(self: &Rc<Self>, f: impl FnOnce(&mut Machine, u64)) {
        if self.resources.is_poisoned() {
            return;
        }
        let _entered = panic::enter(&self.resources);
        f(&mut self.state.borrow_mut().machine, clock::now_ms());
        self.settle();
    }

    /// `close()`: CLOSED now; every resource is released.
    pub fn close(self: &Rc<Self>) {
        if let Ok(mut state) = self.state.try_borrow_mut() {
            state.group.leave();
        }
        self.input(|machine, _| machine.close());
        self.resources.release_all();
    }

    /// The page called `window.stop()`, which aborts every request in
    /// flight: the one this source has in flight fails as aborted.
    pub fn page_stopped(&self) {
        if self.is_current(self.generation.get()) {
            self.stopped.set(Some(self.generation.get()));
        }
    }

    /// Whether `generation` is the request the machine is waiting on.
    pub fn is_current(&self, generation: u32) -> bool {
        !self.resources.is_poisoned()
            && self.generation.get() == generation
            && self.state.try_borrow().is_ok_and(|s| s.machine.is_fetching())
    }

    /// Carry out the machine's commands one at a time, then arm the timer
    /// for when the machine next wants to be woken.
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
            let command = self.state.borrow_mut().machine.poll_command();
            match command {
                Some(command) => self.execute(command),
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
        self.state.borrow_mut().group.handle_timeout(clock::now_ms());
        self.input(|machine, now| machine.handle_timeout(now));
        drop(timer);
    }

    /// A reporter for a new request (or probe): what older ones report
    /// from now on is dropped.
    fn reporter(self: &Rc<Self>) -> Reporter {
        let generation = self.generation.get().wrapping_add(1);
        self.generation.set(generation);
        let receiver: Rc<dyn Receiver> = self.clone();
        Reporter::new(Rc::downgrade(&receiver), generation)
    }

    /// Start the transport for a request to `url`.
    fn send(self: &Rc<Self>, url: &str, init: &FetchInit, reporter: Reporter) {
        match request::send(&self.settings, url, init, reporter) {
            Some(active) => self.resources.hold(active),
            None => self.not_sent(),
        }
    }

    /// The request could not be made: the machine hears of it like of a
    /// failed request (its commands follow in the same pump).
    fn not_sent(&self) {
        self.state
            .borrow_mut()
            .machine
            .handle_failure(clock::now_ms(), Failure::NotSent);
    }

    fn execute(self: &Rc<Self>, command: Command) {
        match command {
            Command::Fetch(req) => {
                let reporter = self.reporter();
                self.state.borrow_mut().sent_id = req.last_event_id.clone().unwrap_or_default();
                // The shell's first request, if it is this one; any other is dropped (aborted).
                let first = self.prefetched.borrow_mut().take();
                if let Some(first) = first.filter(|first| first.matches(&req)) {
                    if first.stopped() {
                        self.stopped.set(Some(self.generation.get()));
                    }
                    match first.adopt(reporter) {
                        Some(request) => self.resources.hold(Active::Fetch(request)),
                        None => self.not_sent(),
                    }
                    return;
                }
                let Some(front) = self.resources.front() else { return };
                match request::prepare(&front, &req, reporter.clone()) {
                    Prepared::Ready(init) => self.send(&req.url, &init, reporter),
                    Prepared::Pending(settle) => {
                        self.state.borrow_mut().pending = Some(req);
                        self.resources.hold(Active::Headers(settle));
                    }
                    Prepared::Failed => self.not_sent(),
                }
            }
            Command::Abort => self.resources.release_request(),
            Command::Probe { url } => {
                let reporter = self.reporter();
                let generation = self.generation.get();
                if let Some(probe) = probe::start(&url, self.settings.with_credentials, reporter) {
                    // (It may have answered at once, and the machine moved on.)
                    if self.is_current(generation) {
                        self.resources.hold(Active::Probe(probe));
                    }
                }
            }
            Command::Open { reopened } => {
                let (final_url, sent_id) = {
                    let state = self.state.borrow();
                    (state.final_url.clone(), state.sent_id.clone())
                };
                self.announce(Announce::Open {
                    final_url: &final_url,
                    resumed_from: &sent_id,
                });
                if let Some(front) = self.resources.front() {
                    front.open(&final_url, reopened, &sent_id);
                }
            }
            Command::Error { reason, ready_state } => {
                let status_text = self.state.borrow().status_text.clone();
                // The followers hear of it first: the leader's policy decides for all.
                self.announce(Announce::Error {
                    ready_state,
                    reason,
                    status_text: &status_text,
                });
                if let Some(front) = self.resources.front() {
                    front.error(ready_state, reason, &status_text);
                }
                if ready_state == ReadyState::Closed {
                    self.resources.release_all();
                }
            }
            Command::BeforeReconnect {
                attempt,
                delay_ms,
                reason,
            } => self.before_reconnect(attempt, delay_ms, reason),
            Command::Warn(warning) => {
                let url = String::from(self.state.borrow().machine.url());
                if let Some(front) = self.resources.front() {
                    front.warn(warning, &url);
                }
            }
            _ => {}
        }
    }

    /// The `beforeReconnect` option, asked through the front-end (see `hooks`).
    fn before_reconnect(self: &Rc<Self>, attempt: u32, delay_ms: u64, reason: Reason) {
        let Some(front) = self.resources.front() else { return };
        let (id, url) = {
            let state = self.state.borrow();
            (
                String::from(state.machine.last_event_id()),
                String::from(state.machine.url()),
            )
        };
        let answer = front.reconnecting(attempt, delay_ms, reason, &id, &url);
        hooks::apply_reconnect_answer(answer, &mut self.state.borrow_mut().machine);
    }
}
