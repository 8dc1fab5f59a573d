//! The driver: one per source. It owns the pure [`Machine`], carries out its
//! commands with JavaScript resources (timers, a request), and turns what
//! those resources report back into machine inputs.
//!
//! Two rules keep it re-entrancy safe, since every call into JavaScript may
//! run user code that calls `close()` or constructs another source:
//!
//! 1. no `RefCell` borrow is held across a call into JavaScript;
//! 2. commands are taken from the machine one at a time, so a `close()` made
//!    by a handler while one command is being carried out clears the rest.
//!
//! Every JavaScript resource is an RAII value ([`Timeout`], [`ActiveRequest`])
//! in a cell of its own, so that dropping it releases the resource and the
//! panic path can release it even while the machine's cell is borrowed.

use alloc::rc::{Rc, Weak};
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::{Cell, RefCell};

use js_sys::{Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::Headers;

use crate::batch::Batch;
use crate::machine::{Command, Machine, ReadyState, Reason};
use crate::parser::Sink;
use crate::web::guard::{Settle, on_settle};
use crate::web::handles::Timeout;
use crate::web::link::Link;
use crate::web::options::{HeadersOption, Options};
use crate::web::{env, fetch, panic, stats, xhr};

/// Which transport carries the requests.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Fetch,
    Xhr,
}

/// What a source was constructed with.
pub struct Settings {
    /// The URL requests go to (`beforeReconnect` may change it).
    pub url: RefCell<String>,
    pub with_credentials: bool,
    pub transport: Transport,
    pub options: Options,
}

/// One request, as the transports make it.
pub struct RequestSpec<'a> {
    pub url: &'a str,
    pub with_credentials: bool,
    /// Complete: Accept, Last-Event-ID and the user's headers.
    pub headers: &'a Headers,
    pub method: &'a str,
    pub body: &'a JsValue,
    /// A custom fetch function (the `fetch` option).
    pub fetch: Option<&'a Function>,
}

/// A request in flight; dropping it aborts it (the value is held only for
/// its `Drop`).
#[allow(dead_code)]
pub enum ActiveRequest {
    Fetch(fetch::FetchRequest),
    Xhr(xhr::XhrRequest),
}

struct State {
    machine: Machine,
    batch: Batch,
    /// The chunk being parsed, copied once into wasm memory (reused).
    chunk: Vec<u8>,
    /// The response's final URL (after redirects), whose origin the events carry.
    final_url: String,
    /// Incremented for every request, so that callbacks of an aborted or
    /// superseded request are recognised and ignored.
    generation: u32,
    /// When a byte last arrived (or the request started), for the heartbeat.
    last_activity: f64,
    /// Why the connection last went down, for `beforeReconnect`.
    last_reason: &'static str,
    /// The last response's status text, for error events.
    status_text: String,
}

pub struct Driver {
    settings: Settings,
    link: RefCell<Option<Link>>,
    state: RefCell<State>,
    timer: RefCell<Option<Timeout>>,
    heartbeat: RefCell<Option<Timeout>>,
    request: RefCell<Option<ActiveRequest>>,
    /// The promise callback the request waits on: its `headers` promise, its
    /// response, its next body read or its CORS probe (one at a time).
    /// Dropped with the request, which cancels it.
    awaiting: RefCell<Option<Settle>>,
    /// Set when code of this driver panicked: it is never entered again.
    poisoned: Cell<bool>,
    /// The request in flight carries Last-Event-ID across origins.
    sent_id_cross_origin: Cell<bool>,
    /// A cross-origin server refused the CORS preflight that a script's
    /// Last-Event-ID needs: requests go on without it.
    omit_last_event_id: Cell<bool>,
}

impl Drop for Driver {
    fn drop(&mut self) {
        stats::DRIVERS.decrement();
    }
}

impl Driver {
    pub fn new(settings: Settings, link: Link) -> Rc<Driver> {
        let o = &settings.options;
        let mut machine = Machine::new(crate::machine::Config {
            limits: o.limits,
            policy: o.policy,
            seed: (js_sys::Math::random() * 9_007_199_254_740_991.0) as u64,
        });
        if let Some(id) = &o.last_event_id {
            machine.set_last_event_id(id);
        }
        stats::DRIVERS.increment();
        let driver = Rc::new(Driver {
            state: RefCell::new(State {
                machine,
                batch: Batch::default(),
                chunk: Vec::new(),
                final_url: String::new(),
                generation: 0,
                last_activity: 0.0,
                last_reason: "",
                status_text: String::new(),
            }),
            settings,
            link: RefCell::new(Some(link)),
            timer: RefCell::new(None),
            heartbeat: RefCell::new(None),
            request: RefCell::new(None),
            awaiting: RefCell::new(None),
            poisoned: Cell::new(false),
            sent_id_cross_origin: Cell::new(false),
            omit_last_event_id: Cell::new(false),
        });
        let _entered = panic::enter(&driver);
        driver.pump();
        driver
    }

    pub fn ready_state(&self) -> ReadyState {
        match self.state.try_borrow() {
            Ok(state) if !self.poisoned.get() => state.machine.ready_state(),
            _ => ReadyState::Closed,
        }
    }

    /// `close()`: CLOSED now; the timers and the request are released.
    pub fn close(self: &Rc<Self>) {
        if self.poisoned.get() {
            return;
        }
        let _entered = panic::enter(self);
        self.state.borrow_mut().machine.close();
        self.pump();
        self.release();
    }

    /// The page is hidden or entering the back/forward cache.
    pub fn suspend(self: &Rc<Self>) {
        if self.poisoned.get() {
            return;
        }
        let _entered = panic::enter(self);
        // The machine aborts a request (and so its heartbeat) or cancels a timer.
        self.state.borrow_mut().machine.suspend();
        self.pump();
    }

    /// The page is back: reconnect at once.
    pub fn resume(self: &Rc<Self>) {
        if self.poisoned.get() {
            return;
        }
        let _entered = panic::enter(self);
        self.state.borrow_mut().machine.resume();
        self.pump();
    }

    /// Drop every JavaScript resource, including the link to the object (so
    /// a closed source can be garbage collected).
    fn release(&self) {
        drop(self.timer.borrow_mut().take());
        self.drop_request();
        drop(self.link.borrow_mut().take());
    }

    /// Abort the request in flight, cancel the callback it waits on, and
    /// disarm its heartbeat.
    fn drop_request(&self) {
        drop(self.request.borrow_mut().take());
        drop(self.awaiting.borrow_mut().take());
        drop(self.heartbeat.borrow_mut().take());
    }

    /// Hold `settle`, the callback request `generation` now waits on (the
    /// one it replaces has run or no longer matters); dropped at once if
    /// that request is no longer current.
    pub fn wait_on(&self, generation: u32, settle: Settle) {
        if self.is_current(generation) {
            let old = self.awaiting.replace(Some(settle));
            drop(old);
        }
    }

    /// The panic path: this driver's code panicked. Release what can be
    /// released without touching the (possibly borrowed) machine, and tell
    /// the JavaScript object.
    pub fn poison(&self, message: &str) {
        self.poisoned.set(true);
        for timer in [&self.timer, &self.heartbeat] {
            if let Ok(mut timer) = timer.try_borrow_mut() {
                drop(timer.take());
            }
        }
        if let Ok(mut request) = self.request.try_borrow_mut() {
            drop(request.take());
        }
        if let Ok(mut awaiting) = self.awaiting.try_borrow_mut() {
            drop(awaiting.take());
        }
        if let Ok(mut link) = self.link.try_borrow_mut() {
            if let Some(link) = link.take() {
                let _ = link.panicked(message);
            }
        }
    }

    fn link(&self) -> Option<Link> {
        self.link.borrow().clone()
    }

    /// Carry out the machine's commands, one at a time.
    fn pump(self: &Rc<Self>) {
        loop {
            let command = self.state.borrow_mut().machine.poll_command();
            match command {
                Some(command) => self.execute(command),
                None => break,
            }
        }
    }

    fn execute(self: &Rc<Self>, command: Command) {
        match command {
            Command::Wait { delay_ms } => {
                // No request is in flight while waiting: release the one that
                // just ended (its handle, its listeners) and its heartbeat.
                self.drop_request();
                let attempt = self.state.borrow().machine.attempt();
                if attempt > 0 && !self.before_reconnect(attempt, delay_ms) {
                    return;
                }
                let weak = Rc::downgrade(self);
                let timer = Timeout::new(delay_ms, move || {
                    if let Some(driver) = weak.upgrade() {
                        driver.timer_fired();
                    }
                });
                let old = self.timer.borrow_mut().replace(timer);
                drop(old);
            }
            Command::CancelTimer => {
                let timer = self.timer.borrow_mut().take();
                drop(timer);
            }
            Command::Fetch { last_event_id } => self.start_request(last_event_id),
            Command::Abort => self.drop_request(),
            Command::DispatchOpen => {
                let final_url = self.state.borrow().final_url.clone();
                if let Some(link) = self.link() {
                    let _ = link.open(&final_url);
                }
            }
            Command::DispatchError { reason } => {
                let ready_state = self.ready_state();
                self.state.borrow_mut().last_reason = reason.name();
                let (status, status_text) = match reason {
                    Reason::Status(status) => (status, self.state.borrow().status_text.clone()),
                    _ => (0, String::new()),
                };
                if let Some(link) = self.link() {
                    let _ = link.error(
                        ready_state as u8,
                        reason.name(),
                        status,
                        &status_text,
                        &reason.message(),
                    );
                }
                if ready_state == ReadyState::Closed {
                    self.release();
                }
            }
        }
    }

    /// The `beforeReconnect` option: asked before each reconnection, it may
    /// veto it (`false`) or change the URL and headers for it. Returns
    /// whether to go on.
    fn before_reconnect(self: &Rc<Self>, attempt: u32, delay_ms: u64) -> bool {
        let Some(hook) = &self.settings.options.before_reconnect else {
            return true;
        };
        let info = Object::new();
        let set = |key: &str, value: JsValue| env::set(&info, key, &value);
        {
            let state = self.state.borrow();
            set("attempt", f64::from(attempt).into());
            set("delay", (delay_ms as f64).into());
            set("reason", state.last_reason.into());
            set("lastEventId", state.machine.last_event_id().into());
        }
        set("url", self.settings.url.borrow().as_str().into());
        let answer = hook.call1(&JsValue::UNDEFINED, &info);
        // The hook may have closed the source.
        if self.ready_state() == ReadyState::Closed {
            return false;
        }
        match answer {
            Ok(answer) if answer == JsValue::FALSE => {
                self.state.borrow_mut().machine.veto();
                false
            }
            Ok(answer) if answer.is_object() => {
                if let Some(url) = Reflect::get(&answer, &"url".into()).ok().and_then(|u| u.as_string()) {
                    *self.settings.url.borrow_mut() = url;
                }
                true
            }
            // A hook that throws is reported by the engine's console; the
            // reconnection goes on as if it had returned nothing.
            _ => true,
        }
    }

    fn timer_fired(self: &Rc<Self>) {
        if self.poisoned.get() {
            return;
        }
        let _entered = panic::enter(self);
        let timer = self.timer.borrow_mut().take();
        self.state.borrow_mut().machine.timer_fired();
        self.pump();
        // Dropped last: this closure is the one running (wasm-bindgen defers
        // freeing it until it returns).
        drop(timer);
    }

    fn start_request(self: &Rc<Self>, last_event_id: Option<String>) {
        let generation = {
            let mut state = self.state.borrow_mut();
            state.generation = state.generation.wrapping_add(1);
            state.last_activity = js_sys::Date::now();
            state.generation
        };
        self.arm_heartbeat();
        // The `headers` option: fixed, or asked for now (maybe a promise).
        let user_headers = match &self.settings.options.headers {
            None => Ok(JsValue::UNDEFINED),
            Some(HeadersOption::Fixed(value)) => Ok(value.clone()),
            Some(HeadersOption::Function(f)) => {
                let info = Object::new();
                env::set(&info, "url", &self.settings.url.borrow().as_str().into());
                env::set(&info, "lastEventId", &last_event_id.as_deref().unwrap_or("").into());
                f.call1(&JsValue::UNDEFINED, &info)
            }
        };
        match user_headers {
            Ok(value) if value.is_instance_of::<Promise>() => {
                let weak = Rc::downgrade(self);
                let settle = on_settle(value.unchecked_ref::<Promise>(), move |resolved| {
                    if let Some(driver) = weak.upgrade() {
                        match resolved {
                            Ok(headers) => driver.send_request(generation, last_event_id.as_deref(), &headers),
                            Err(_) => driver.network_error(generation),
                        }
                    }
                });
                self.wait_on(generation, settle);
            }
            Ok(value) => self.send_request(generation, last_event_id.as_deref(), &value),
            // A headers function that throws: like a failed request, retried.
            Err(_) => self.network_error(generation),
        }
    }

    fn send_request(self: &Rc<Self>, generation: u32, last_event_id: Option<&str>, user_headers: &JsValue) {
        if !self.is_current(generation) {
            return;
        }
        let _entered = panic::enter(self);
        let headers = if user_headers.is_undefined() || user_headers.is_null() {
            Headers::new()
        } else {
            // Any HeadersInit (object, Headers, pairs): the JS constructor takes them all.
            Headers::new_with_record_from_str_to_str(user_headers.unchecked_ref())
        };
        let Ok(headers) = headers else {
            // Headers the platform refuses (a bad name or value).
            self.network_error(generation);
            return;
        };
        // HTML §9.2.2: Accept: text/event-stream (a user's Accept stands), and
        // Last-Event-ID, sent as UTF-8 bytes, only when not empty. No
        // Cache-Control: fetch's cache mode no-store covers caches, and the
        // header would force a CORS preflight on every cross-origin stream.
        if !headers.has("accept").unwrap_or(false) {
            let _ = headers.set("Accept", "text/event-stream");
        }
        let cross_origin = crate::web::env::is_cross_origin(&self.settings.url.borrow());
        let last_event_id = if cross_origin && self.omit_last_event_id.get() {
            None
        } else {
            last_event_id
        };
        self.sent_id_cross_origin.set(cross_origin && last_event_id.is_some());
        match last_event_id {
            Some(id) => {
                let _ = headers.set("Last-Event-ID", &fetch::byte_string(id));
            }
            None => {
                let _ = headers.delete("Last-Event-ID");
            }
        }
        let o = &self.settings.options;
        let method = o
            .method
            .as_deref()
            .unwrap_or(if o.body.is_undefined() { "GET" } else { "POST" });
        let url = self.settings.url.borrow().clone();
        let spec = RequestSpec {
            url: &url,
            with_credentials: self.settings.with_credentials,
            headers: &headers,
            method,
            body: &o.body,
            fetch: o.fetch.as_ref(),
        };
        let weak = Rc::downgrade(self);
        let started = match self.settings.transport {
            Transport::Fetch => fetch::start(weak, generation, &spec).map(ActiveRequest::Fetch),
            Transport::Xhr => xhr::start(weak, generation, &spec).map(ActiveRequest::Xhr),
        };
        match started {
            Ok(request) => *self.request.borrow_mut() = Some(request),
            Err(_) => self.network_error(generation),
        }
    }

    /// The `heartbeatTimeout` option: a timer that checks, when it fires,
    /// whether anything arrived since; one timer per interval, not per chunk.
    fn arm_heartbeat(self: &Rc<Self>) {
        let Some(timeout) = self.settings.options.heartbeat_timeout else {
            return;
        };
        let elapsed = js_sys::Date::now() - self.state.borrow().last_activity;
        let wait = (timeout as f64 - elapsed).max(1.0) as u64;
        let weak = Rc::downgrade(self);
        let timer = Timeout::new(wait, move || {
            if let Some(driver) = weak.upgrade() {
                driver.heartbeat_fired(timeout);
            }
        });
        let old = self.heartbeat.borrow_mut().replace(timer);
        drop(old);
    }

    fn heartbeat_fired(self: &Rc<Self>, timeout: u64) {
        if self.poisoned.get() {
            return;
        }
        let _entered = panic::enter(self);
        let timer = self.heartbeat.borrow_mut().take();
        let (silent, fetching) = {
            let state = self.state.borrow();
            (
                js_sys::Date::now() - state.last_activity >= timeout as f64,
                state.machine.is_fetching(),
            )
        };
        if fetching {
            if silent {
                self.state.borrow_mut().machine.heartbeat_timeout();
                self.pump();
            } else {
                self.arm_heartbeat();
            }
        }
        // Dropped last: this closure is the one running.
        drop(timer);
    }

    /// Whether `generation` is the request the machine is waiting on.
    fn is_current(&self, generation: u32) -> bool {
        if self.poisoned.get() {
            return false;
        }
        let state = self.state.borrow();
        state.generation == generation && state.machine.is_fetching()
    }

    /// The response head arrived. Returns whether to read the body.
    pub fn response(
        self: &Rc<Self>,
        generation: u32,
        status: u16,
        status_text: String,
        content_type: Option<&str>,
        final_url: String,
    ) -> bool {
        if !self.is_current(generation) {
            return false;
        }
        let _entered = panic::enter(self);
        {
            let mut state = self.state.borrow_mut();
            // Events carry the origin of the final URL, after redirects; a
            // response with no URL (made by a custom fetch, or an XHR in an
            // engine without responseURL) leaves the request's. The URL can
            // change only between requests (`beforeReconnect`).
            state.final_url = if final_url.is_empty() {
                self.settings.url.borrow().clone()
            } else {
                final_url
            };
            state.status_text = status_text;
            state.last_activity = js_sys::Date::now();
            state.machine.response(status, content_type);
        }
        self.pump();
        self.is_current(generation)
    }

    /// A chunk of the body, as a JS array (fetch). Returns whether to keep
    /// reading.
    pub fn chunk(self: &Rc<Self>, generation: u32, chunk: &Uint8Array) -> bool {
        self.feed(generation, Input::Js(chunk))
    }

    /// A chunk of the body, already in wasm memory (XHR). Returns whether to
    /// keep reading.
    pub fn bytes(self: &Rc<Self>, generation: u32, bytes: &[u8]) -> bool {
        self.feed(generation, Input::Bytes(bytes))
    }

    fn feed(self: &Rc<Self>, generation: u32, input: Input<'_>) -> bool {
        if !self.is_current(generation) {
            return false;
        }
        let _entered = panic::enter(self);
        if self.settings.options.panic_on_chunk {
            panic!("__testPanicOnChunk: a panic forced by a test");
        }
        let heartbeat = self.settings.options.heartbeat_timeout.is_some();
        let batch = {
            let mut state = self.state.borrow_mut();
            if heartbeat {
                state.last_activity = js_sys::Date::now();
            }
            let State {
                machine,
                batch,
                chunk: buffer,
                ..
            } = &mut *state;
            let bytes = match input {
                Input::Bytes(bytes) => bytes,
                Input::Js(chunk) => {
                    // The one copy into wasm memory, into a reused buffer.
                    let len = chunk.length() as usize;
                    buffer.clear();
                    buffer.reserve(len);
                    &*chunk.copy_to_uninit(&mut buffer.spare_capacity_mut()[..len])
                }
            };
            // `dyn Sink`: one copy of the parser code in the wasm for every
            // caller. A limit error has already queued the failure commands.
            let _ = machine.feed(bytes, batch as &mut dyn Sink);
            if batch.is_empty() {
                None
            } else {
                Some(core::mem::take(batch))
            }
        };
        if let Some(mut batch) = batch {
            if let Some(link) = self.link() {
                let _ = link.messages(batch.text.as_bytes(), &batch.meta);
            }
            batch.clear();
            // Keep the buffers (and the last ID JavaScript knows) for the next chunk.
            self.state.borrow_mut().batch = batch;
        }
        self.pump();
        self.is_current(generation)
    }

    /// The transport holds too much of this response: replace it with a
    /// fresh request at the next point that loses nothing (see
    /// `Machine::recycle`; the cut-over happens while feeding).
    pub fn recycle(self: &Rc<Self>, generation: u32) {
        if self.is_current(generation) {
            self.state.borrow_mut().machine.recycle();
        }
    }

    /// The body ended normally.
    pub fn end(self: &Rc<Self>, generation: u32) {
        if self.is_current(generation) {
            let _entered = panic::enter(self);
            self.state.borrow_mut().machine.end();
            self.pump();
        }
    }

    /// The request failed and retrying cannot help (CORS refused it).
    pub fn refused(self: &Rc<Self>, generation: u32) {
        if self.is_current(generation) && self.sent_id_cross_origin.get() {
            // The browser's own EventSource sends Last-Event-ID across origins
            // without a CORS preflight; from a script the header is not
            // safelisted, and this server refused the preflight. Rather than
            // fail a stream the native object would keep, go on without the
            // header (the stream then cannot resume where it stopped), at
            // once and without an event, and say how to fix the server.
            self.omit_last_event_id.set(true);
            let mut message = String::from("eventsource-wasm: the server of ");
            message.push_str(&self.settings.url.borrow());
            message.push_str(
                " refused the CORS preflight that a Last-Event-ID header sent from a script needs (the browser's own EventSource is exempt). Reconnecting without Last-Event-ID, so the stream cannot resume where it stopped. To fix it, answer the preflight (OPTIONS) with Access-Control-Allow-Headers: Last-Event-ID.",
            );
            warn(&message);
            let _entered = panic::enter(self);
            self.state.borrow_mut().machine.retry_without_id();
            self.pump();
        } else if self.is_current(generation) {
            let _entered = panic::enter(self);
            self.state.borrow_mut().machine.refused();
            self.pump();
        }
    }

    /// The request or the body failed.
    pub fn network_error(self: &Rc<Self>, generation: u32) {
        if self.is_current(generation) {
            let _entered = panic::enter(self);
            self.state.borrow_mut().machine.network_error();
            self.pump();
        }
    }
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console)]
    fn warn(message: &str);
}

/// Body bytes as a transport delivers them.
enum Input<'a> {
    Js(&'a Uint8Array),
    Bytes(&'a [u8]),
}

/// Used by transports to reach the driver without keeping it alive.
pub type WeakDriver = Weak<Driver>;
