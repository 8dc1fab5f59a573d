//! The driver: one per source. It owns the pure [`Machine`], carries out its
//! commands with JavaScript resources (a timer, a request), and turns what
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

use js_sys::Uint8Array;

use crate::batch::Batch;
use crate::machine::{Command, Config, Machine, ReadyState, Reason};
use crate::parser::Sink;
use crate::web::handles::Timeout;
use crate::web::link::Link;
use crate::web::panic;
use crate::web::{fetch, xhr};

/// Which transport carries the requests.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Fetch,
    Xhr,
}

/// What a source was constructed with.
pub struct Settings {
    pub url: String,
    pub with_credentials: bool,
    pub config: Config,
    pub transport: Transport,
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
}

pub struct Driver {
    settings: Settings,
    link: RefCell<Option<Link>>,
    state: RefCell<State>,
    timer: RefCell<Option<Timeout>>,
    request: RefCell<Option<ActiveRequest>>,
    /// Set when code of this driver panicked: it is never entered again.
    poisoned: Cell<bool>,
}

impl Driver {
    pub fn new(settings: Settings, link: Link) -> Rc<Driver> {
        let driver = Rc::new(Driver {
            state: RefCell::new(State {
                machine: Machine::new(settings.config),
                batch: Batch::default(),
                chunk: Vec::new(),
                final_url: String::new(),
                generation: 0,
            }),
            settings,
            link: RefCell::new(Some(link)),
            timer: RefCell::new(None),
            request: RefCell::new(None),
            poisoned: Cell::new(false),
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

    /// `close()`: CLOSED now; the timer and the request are released.
    pub fn close(self: &Rc<Self>) {
        if self.poisoned.get() {
            return;
        }
        let _entered = panic::enter(self);
        self.state.borrow_mut().machine.close();
        self.pump();
        self.release();
    }

    /// Drop every JavaScript resource, including the link to the object (so
    /// a closed source can be garbage collected).
    fn release(&self) {
        let timer = self.timer.borrow_mut().take();
        drop(timer);
        let request = self.request.borrow_mut().take();
        drop(request);
        let link = self.link.borrow_mut().take();
        drop(link);
    }

    /// The panic path: this driver's code panicked. Release what can be
    /// released without touching the (possibly borrowed) machine, and tell
    /// the JavaScript object.
    pub fn poison(&self, message: &str) {
        self.poisoned.set(true);
        if let Ok(mut timer) = self.timer.try_borrow_mut() {
            drop(timer.take());
        }
        if let Ok(mut request) = self.request.try_borrow_mut() {
            drop(request.take());
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
            Command::Fetch { last_event_id } => self.start_request(last_event_id.as_deref()),
            Command::Abort => {
                let request = self.request.borrow_mut().take();
                drop(request);
            }
            Command::DispatchOpen => {
                let final_url = self.state.borrow().final_url.clone();
                if let Some(link) = self.link() {
                    let _ = link.open(&final_url);
                }
            }
            Command::DispatchError { reason } => {
                let ready_state = self.ready_state();
                let status = match reason {
                    Reason::Status(status) => status,
                    _ => 0,
                };
                if let Some(link) = self.link() {
                    let _ = link.error(ready_state as u8, reason.name(), status, &reason.message());
                }
                if ready_state == ReadyState::Closed {
                    self.release();
                }
            }
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

    fn start_request(self: &Rc<Self>, last_event_id: Option<&str>) {
        let generation = {
            let mut state = self.state.borrow_mut();
            state.generation = state.generation.wrapping_add(1);
            state.generation
        };
        let weak = Rc::downgrade(self);
        let started = match self.settings.transport {
            Transport::Fetch => fetch::start(weak, generation, &self.settings, last_event_id).map(ActiveRequest::Fetch),
            Transport::Xhr => xhr::start(weak, generation, &self.settings, last_event_id).map(ActiveRequest::Xhr),
        };
        match started {
            Ok(request) => *self.request.borrow_mut() = Some(request),
            Err(_) => self.network_error(generation),
        }
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
        content_type: Option<&str>,
        final_url: String,
    ) -> bool {
        if !self.is_current(generation) {
            return false;
        }
        let _entered = panic::enter(self);
        {
            let mut state = self.state.borrow_mut();
            state.final_url = final_url;
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
        let batch = {
            let mut state = self.state.borrow_mut();
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
                let _ = link.messages(&batch.text, &batch.meta);
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
        if self.is_current(generation) {
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

/// Body bytes as a transport delivers them.
enum Input<'a> {
    Js(&'a Uint8Array),
    Bytes(&'a [u8]),
}

/// Used by transports to reach the driver without keeping it alive.
pub type WeakDriver = Weak<Driver>;
