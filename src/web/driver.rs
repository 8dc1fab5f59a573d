//! The driver: one per source. It owns the pure [`Machine`], carries out its
//! commands with JavaScript resources, and turns what the transports report
//! through the seam into machine inputs. It decides nothing itself.
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

use js_sys::Reflect;
use sse_core::machine::{Command, Failure, Head, Machine, ReadyState, Reason, Request, Warning};
use sse_core::parser::Sink;
use sse_core::shared::{Action, Entry, Relay, Role, Start};
use wasm_bindgen::prelude::*;

use crate::batch::Batch;
use crate::web::request::UserHeaders;
use crate::web::resources::{Active, Resources};
use crate::web::seam::{Chunk, Receiver, Report, Reporter};
use crate::web::settings::{Settings, Template};
use crate::web::shared::{self, Frame, Message, Welcome};
use crate::web::{clock, panic, probe, request, stats};

/// What the machine's commands and the transports' reports work on.
struct State {
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
    /// With the `shared` option: this source's place in its group (see
    /// `sse_core::shared`).
    relay: Option<Relay<Frame>>,
    /// Sources that joined, to be welcomed when the stream is next between
    /// events (where they can start parsing the relayed bytes).
    joiners: Vec<u32>,
    /// A welcome said the connection is open: dispatch open once adopted.
    welcomed_open: bool,
}

pub struct Driver {
    pub settings: Settings,
    pub resources: Resources,
    state: RefCell<State>,
    /// Incremented for every request (and probe): reports about an older
    /// one are dropped.
    generation: Cell<u32>,
}

impl Drop for Driver {
    fn drop(&mut self) {
        stats::DRIVERS.decrement();
    }
}

impl Driver {
    pub fn new(mut machine: Machine, settings: Settings, link: crate::web::link::Link) -> Rc<Driver> {
        stats::DRIVERS.increment();
        let relay = settings.shared.then(|| {
            machine.follow();
            Relay::new(member_id())
        });
        let driver = Rc::new(Driver {
            settings,
            resources: Resources::new(link),
            state: RefCell::new(State {
                machine,
                batch: Batch::default(),
                chunk: Vec::new(),
                final_url: String::new(),
                status_text: String::new(),
                pending: None,
                sent_id: String::new(),
                relay,
                joiners: Vec::new(),
                welcomed_open: false,
            }),
            generation: Cell::new(0),
        });
        let _entered = panic::enter(&driver.resources);
        driver.hello();
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
            if let Some(relay) = state.relay.as_mut() {
                relay.leave();
            }
        }
        self.input(|machine, _| machine.close());
        self.resources.release_all();
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
            let action = self.state.borrow_mut().relay.as_mut().and_then(Relay::poll_action);
            if let Some(action) = action {
                self.act(action);
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
            Ok(state) => {
                let relay = state.relay.as_ref().and_then(Relay::poll_timeout);
                match (state.machine.poll_timeout(), relay) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                }
            }
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
        if let Some(relay) = self.state.borrow_mut().relay.as_mut() {
            relay.handle_timeout(clock::now_ms());
        }
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

    /// Start the transport for `req`.
    fn send(self: &Rc<Self>, req: &Request, headers: &JsValue, reporter: Reporter) {
        match request::send(&self.settings, req, headers, reporter) {
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
                let Some(link) = self.resources.link() else { return };
                match request::user_headers(&self.settings, &link, &req, reporter.clone()) {
                    UserHeaders::Ready(headers) => self.send(&req, &headers, reporter),
                    UserHeaders::Pending(settle) => {
                        self.state.borrow_mut().pending = Some(req);
                        self.resources.hold(Active::Headers(settle));
                    }
                    UserHeaders::Failed => self.not_sent(),
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
                self.relay_frame(|| Frame::Open {
                    final_url: final_url.clone(),
                    resumed_from: sent_id.clone(),
                });
                if let Some(link) = self.resources.link() {
                    let _ = link.open(&final_url, reopened, &sent_id);
                }
            }
            Command::Error { reason, ready_state } => {
                let status_text = self.state.borrow().status_text.clone();
                let (name, status, detail) = shared::describe(reason, &status_text);
                // The followers hear of it first: the leader's policy decides for all.
                self.relay_frame(|| Frame::Error {
                    ready_state,
                    reason,
                    status_text: status_text.clone(),
                });
                if ready_state == ReadyState::Closed {
                    if let Some(relay) = self.state.borrow_mut().relay.as_mut() {
                        relay.leave();
                    }
                }
                if let Some(link) = self.resources.link() {
                    let _ = link.error(ready_state as u8, name, status, &detail);
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
                let name = match warning {
                    Warning::LastEventIdRefused => "last-event-id-refused",
                    _ => "unknown",
                };
                if let Some(link) = self.resources.link() {
                    let _ = link.warn(name, &url);
                }
            }
            _ => {}
        }
    }

    /// The `beforeReconnect` option, asked through the link: `false` vetoes
    /// the reconnection; `{ url, method, body, headers }` changes the
    /// requests from now on (POST once, then resume with a GET).
    fn before_reconnect(self: &Rc<Self>, attempt: u32, delay_ms: u64, reason: Reason) {
        let Some(link) = self.resources.link() else { return };
        let (id, url) = {
            let state = self.state.borrow();
            (
                String::from(state.machine.last_event_id()),
                String::from(state.machine.url()),
            )
        };
        let answer = link.reconnecting(attempt, delay_ms as f64, reason.name(), &id, &url);
        let mut state = self.state.borrow_mut();
        match answer {
            // The hook may have closed the source: the machine ignores a veto then.
            Ok(answer) if answer == JsValue::FALSE => state.machine.veto(),
            Ok(answer) if answer.is_object() => {
                let field = |key: &str| {
                    Reflect::get(&answer, &JsValue::from_str(key))
                        .ok()
                        .filter(|v| !v.is_undefined())
                };
                if let Some(url) = field("url").and_then(|u| u.as_string()) {
                    state.machine.set_url(&url);
                }
                let mut template = self.settings.template.borrow_mut();
                override_template(&mut template, field("method"), field("body"), field("headers"));
            }
            // A hook that throws (reported by the link) or returns nothing:
            // the reconnection goes on unchanged.
            _ => {}
        }
    }
}

/// Apply `beforeReconnect`'s `{ method, body, headers }`. A new method
/// without a body drops the old body when it is GET or HEAD (which cannot
/// carry one): POST once, then GET.
fn override_template(
    template: &mut Template,
    method: Option<JsValue>,
    body: Option<JsValue>,
    headers: Option<JsValue>,
) {
    if let Some(method) = method.and_then(|m| m.as_string()) {
        let bodiless = method.eq_ignore_ascii_case("GET") || method.eq_ignore_ascii_case("HEAD");
        if body.is_none() && bodiless {
            template.body = JsValue::UNDEFINED;
        }
        template.method = method;
    }
    if let Some(body) = body {
        template.body = body;
    }
    if let Some(headers) = headers {
        template.headers = Some(headers);
    }
}

impl Receiver for Driver {
    fn receive(self: Rc<Self>, generation: u32, report: Report<'_>) -> bool {
        if !self.is_current(generation) {
            return false;
        }
        let _entered = panic::enter(&self.resources);
        let now = clock::now_ms();
        match report {
            Report::Head {
                status,
                status_text,
                content_type,
                www_authenticate,
                final_url,
            } => {
                let mut state = self.state.borrow_mut();
                // Events carry the origin of the final URL, after redirects; a
                // response with no URL (made by a custom fetch, or an XHR in an
                // engine without responseURL) leaves the request's.
                state.final_url = if final_url.is_empty() {
                    String::from(state.machine.url())
                } else {
                    final_url
                };
                state.status_text = status_text;
                let head =
                    Head::new(status, content_type.as_deref()).with_www_authenticate(www_authenticate.as_deref());
                let streaming = state.machine.handle_head(now, head);
                drop(state);
                if streaming {
                    self.relay_frame(|| Frame::Stream);
                }
            }
            Report::Body(chunk) => self.feed(now, chunk),
            Report::End => self.state.borrow_mut().machine.handle_end(now),
            Report::Failed(failure) => self.state.borrow_mut().machine.handle_failure(now, failure),
            Report::Recycle => self.state.borrow_mut().machine.recycle(),
            Report::Probed(answered) => self.state.borrow_mut().machine.handle_probe(now, answered),
            Report::Headers(headers) => {
                let pending = self.state.borrow_mut().pending.take();
                if let Some(req) = pending {
                    // The same request (generation) goes on.
                    let receiver: Rc<dyn Receiver> = self.clone();
                    let reporter = Reporter::new(Rc::downgrade(&receiver), generation);
                    self.send(&req, &headers, reporter);
                }
            }
        }
        self.settle();
        self.is_current(generation)
    }
}

impl Driver {
    /// Feed a chunk of the body; the events it completes cross to
    /// JavaScript in one call. A leader relays the chunk first, as it read it.
    fn feed(self: &Rc<Self>, now: u64, chunk: Chunk<'_>) {
        #[cfg(feature = "test-hooks")]
        if self.settings.panic_on_chunk {
            panic!("panicOnChunk: a panic forced by a test");
        }
        let (batch, relayed) = {
            let mut state = self.state.borrow_mut();
            let State {
                machine,
                batch,
                chunk: buffer,
                relay,
                ..
            } = &mut *state;
            let bytes = match chunk {
                Chunk::Bytes(bytes) => bytes,
                Chunk::Js(array) => {
                    // The one copy into wasm memory, into a reused buffer.
                    let len = array.length() as usize;
                    buffer.clear();
                    buffer.reserve(len);
                    &*array.copy_to_uninit(&mut buffer.spare_capacity_mut()[..len])
                }
            };
            // `dyn Sink`: one copy of the parser code in the wasm for every
            // caller. A limit error has already queued the failure commands.
            let _ = machine.handle_body(now, bytes, batch as &mut dyn Sink);
            // A leader relays the bytes the stream took (none of a stale
            // body; only those up to a recycle's cut, as the rest comes again).
            let taken = &bytes[..machine.taken().min(bytes.len())];
            let relayed = match relay.as_mut() {
                Some(relay) if relay.is_leading() && !taken.is_empty() => Some(shared::body(relay.send(), taken)),
                _ => None,
            };
            (take_batch(batch), relayed)
        };
        if let Some(message) = relayed {
            self.post(&message);
            self.welcome_joiners();
        }
        self.dispatch(batch);
    }

    /// A follower's chunk: the leader's bytes through this source's own parser.
    fn follow_body(self: &Rc<Self>, bytes: &[u8]) {
        let batch = {
            let mut state = self.state.borrow_mut();
            let State { machine, batch, .. } = &mut *state;
            machine.follow_body(bytes, batch as &mut dyn Sink);
            take_batch(batch)
        };
        self.dispatch(batch);
    }

    fn dispatch(&self, batch: Option<Batch>) {
        if let Some(mut batch) = batch {
            if let Some(link) = self.resources.link() {
                let _ = link.messages(batch.text.as_bytes(), &batch.meta);
            }
            batch.clear();
            // Keep the buffers (and the last ID JavaScript knows) for the next chunk.
            self.state.borrow_mut().batch = batch;
        }
    }

    fn post(&self, message: &js_sys::Object) {
        if let Some(link) = self.resources.link() {
            let _ = link.post(message);
        }
    }

    /// A leader relays what its machine decided, numbered.
    fn relay_frame(&self, frame: impl FnOnce() -> Frame) {
        let message = match self.state.borrow_mut().relay.as_mut() {
            Some(relay) if relay.is_leading() => shared::frame(relay.send(), &frame()),
            _ => return,
        };
        self.post(&message);
    }

    /// Tell the group this source is here (it waits for a welcome).
    fn hello(&self) {
        let id = match &self.state.borrow().relay {
            Some(relay) if relay.role() == Role::Joining => relay.own_epoch(),
            _ => return,
        };
        self.post(&shared::hello(id));
    }

    /// Leading: welcome the sources that joined, if the stream is between
    /// events (else after a later chunk).
    fn welcome_joiners(&self) {
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
    fn act(self: &Rc<Self>, action: Action<Frame>) {
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

fn take_batch(batch: &mut Batch) -> Option<Batch> {
    if batch.is_empty() {
        None
    } else {
        Some(core::mem::take(batch))
    }
}

/// A random id for a source in its group (and the epoch it leads with).
fn member_id() -> u32 {
    (js_sys::Math::random() * 4_294_967_295.0) as u32
}
