//! The machine's outputs carried out: its orders (requests, made through
//! the front-end's init or the shell's first request adopted; aborts;
//! probes) and its notices, which the application is told through the
//! front-end.

use alloc::rc::Rc;
use alloc::string::String;

use eventsource_core::machine::{Failure, Notice, Order, ReadyState, Reason};

use super::Driver;
use super::membership::Announce;
use crate::web::front::FrontEnd;
use crate::web::request::Prepared;
use crate::web::resources::Active;
use crate::web::seam::{Cause, FetchInit, Receiver, Reporter};
use crate::web::{clock, hooks, probe, request};

impl<F: FrontEnd> Driver<F> {
    /// A reporter for a new request (or probe): what older ones report
    /// from now on is dropped.
    pub(super) fn reporter(self: &Rc<Self>) -> Reporter {
        let generation = self.generation.get().wrapping_add(1);
        self.generation.set(generation);
        let receiver: Rc<dyn Receiver> = self.clone();
        Reporter::new(Rc::downgrade(&receiver), generation)
    }

    /// Start the transport for a request to `url`.
    pub(super) fn send(self: &Rc<Self>, url: &str, init: &FetchInit, reporter: Reporter) {
        match request::send(&self.settings, url, init, reporter) {
            Ok(active) => self.resources.hold(active),
            Err(thrown) => self.not_sent(thrown),
        }
    }

    /// A request failed, `cause` being what the platform threw: kept for
    /// the error event the machine may decide on.
    pub(super) fn failed_with(&self, cause: Cause) {
        self.cause.replace(cause);
    }

    /// The request could not be made: the machine hears of it like of a
    /// failed request (its outputs follow in the same pump).
    fn not_sent(&self, cause: Cause) {
        self.failed_with(cause);
        self.state
            .borrow_mut()
            .machine
            .handle_failure(clock::now_ms(), Failure::NotSent);
    }

    /// An order to the transport.
    pub(super) fn execute(self: &Rc<Self>, order: Order) {
        match order {
            Order::Fetch(req) => {
                let reporter = self.reporter();
                // A new request: what made an earlier one fail is no cause of
                // what happens to this one.
                self.cause.replace(Cause::none());
                self.state.borrow_mut().sent_id = req.last_event_id.clone().unwrap_or_default();
                // The shell's first request, if it is this one; any other is dropped (aborted).
                let first = self.prefetched.borrow_mut().take();
                if let Some(first) = first.filter(|first| first.matches(&req)) {
                    if first.stopped() {
                        self.stopped.set(Some(self.generation.get()));
                    }
                    match first.adopt(reporter) {
                        Some(request) => self.resources.hold(Active::Fetch(request)),
                        None => self.not_sent(Cause::none()),
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
                    Prepared::Failed(thrown) => self.not_sent(thrown),
                }
            }
            Order::Abort => self.resources.release_request(),
            Order::Probe { url } => {
                let reporter = self.reporter();
                let generation = self.generation.get();
                if let Some(probe) = probe::start(&url, self.settings.with_credentials, reporter) {
                    // (It may have answered at once, and the machine moved on.)
                    if self.is_current(generation) {
                        self.resources.hold(Active::Probe(probe));
                    }
                }
            }
        }
    }

    /// A notice for the application, told through the front-end.
    pub(super) fn notify(self: &Rc<Self>, notice: Notice) {
        match notice {
            Notice::Open { reopened } => {
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
            Notice::Error { reason, ready_state } => {
                let status_text = self.state.borrow().status_text.clone();
                // The followers hear of it first: the leader's policy decides for all.
                self.announce(Announce::Error {
                    ready_state,
                    reason,
                    status_text: &status_text,
                });
                // Taken: it is the cause of this error event only.
                let cause = self.cause.replace(Cause::none());
                if let Some(front) = self.resources.front() {
                    front.error(ready_state, reason, &status_text, &cause);
                }
                if ready_state == ReadyState::Closed {
                    self.resources.release_all();
                }
            }
            // The front-end's question takes the delay in milliseconds.
            Notice::BeforeReconnect { attempt, delay, reason } => self.before_reconnect(attempt, delay.0, reason),
            Notice::Warn(warning) => {
                let url = String::from(self.state.borrow().machine.url());
                if let Some(front) = self.resources.front() {
                    front.warn(warning, &url);
                }
            }
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
