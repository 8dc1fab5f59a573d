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
//! Every JavaScript resource lives in [`State`] as an RAII value (a
//! [`Timeout`], an [`ActiveRequest`]); dropping it releases the resource.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use crate::batch::Batch;
use crate::machine::{Command, Config, Machine, ReadyState};
use crate::web::fetch;
use crate::web::handles::Timeout;
use crate::web::link::Link;
use js_sys::Uint8Array;

/// What a source was constructed with.
pub struct Settings {
    pub url: String,
    pub with_credentials: bool,
    pub config: Config,
}

/// A request in flight; dropping it aborts it (the value is held only for
/// its `Drop`).
#[allow(dead_code)]
pub enum ActiveRequest {
    Fetch(fetch::FetchRequest),
}

struct State {
    machine: Machine,
    batch: Batch,
    /// The chunk being parsed, copied once into wasm memory (reused).
    chunk: Vec<u8>,
    /// The serialized origin of the current response's final URL.
    origin: String,
    /// Incremented for every request, so that callbacks of an aborted or
    /// superseded request are recognised and ignored.
    generation: u32,
    timer: Option<Timeout>,
    request: Option<ActiveRequest>,
}

pub struct Driver {
    settings: Settings,
    link: RefCell<Option<Link>>,
    state: RefCell<State>,
}

impl Driver {
    pub fn new(settings: Settings, link: Link) -> Rc<Driver> {
        let driver = Rc::new(Driver {
            state: RefCell::new(State {
                machine: Machine::new(settings.config),
                batch: Batch::default(),
                chunk: Vec::new(),
                origin: String::new(),
                generation: 0,
                timer: None,
                request: None,
            }),
            settings,
            link: RefCell::new(Some(link)),
        });
        driver.pump();
        driver
    }

    pub fn url(&self) -> &str {
        &self.settings.url
    }

    pub fn ready_state(&self) -> ReadyState {
        self.state.borrow().machine.ready_state()
    }

    /// `close()`: CLOSED now; the timer and the request are released.
    pub fn close(self: &Rc<Self>) {
        self.state.borrow_mut().machine.close();
        self.pump();
        self.release();
    }

    /// Drop every JavaScript resource, including the link to the object (so
    /// a closed source can be garbage collected).
    fn release(&self) {
        let (timer, request) = {
            let mut state = self.state.borrow_mut();
            (state.timer.take(), state.request.take())
        };
        drop(timer);
        drop(request);
        let link = self.link.borrow_mut().take();
        drop(link);
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
                let old = self.state.borrow_mut().timer.replace(timer);
                drop(old);
            }
            Command::CancelTimer => {
                let timer = self.state.borrow_mut().timer.take();
                drop(timer);
            }
            Command::Fetch { last_event_id } => self.start_request(last_event_id.as_deref()),
            Command::Abort => {
                let request = self.state.borrow_mut().request.take();
                drop(request);
            }
            Command::DispatchOpen => {
                let origin = self.state.borrow().origin.clone();
                if let Some(link) = self.link() {
                    let _ = link.open(&origin);
                }
            }
            Command::DispatchError { reason } => {
                let ready_state = self.ready_state();
                let status = match reason {
                    crate::machine::Reason::Status(status) => status,
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
        let timer = {
            let mut state = self.state.borrow_mut();
            state.machine.timer_fired();
            state.timer.take()
        };
        drop(timer);
        self.pump();
    }

    fn start_request(self: &Rc<Self>, last_event_id: Option<&str>) {
        let generation = {
            let mut state = self.state.borrow_mut();
            state.generation = state.generation.wrapping_add(1);
            state.generation
        };
        match fetch::start(
            Rc::downgrade(self),
            generation,
            &self.settings,
            last_event_id,
        ) {
            Ok(request) => self.state.borrow_mut().request = Some(ActiveRequest::Fetch(request)),
            Err(_) => self.network_error(generation),
        }
    }

    /// Whether `generation` is the request the machine is waiting on.
    fn is_current(&self, generation: u32) -> bool {
        let state = self.state.borrow();
        state.generation == generation && state.machine.is_fetching()
    }

    /// The response head arrived. Returns whether to read the body.
    pub fn response(
        self: &Rc<Self>,
        generation: u32,
        status: u16,
        content_type: Option<&str>,
        origin: String,
    ) -> bool {
        if !self.is_current(generation) {
            return false;
        }
        {
            let mut state = self.state.borrow_mut();
            state.origin = origin;
            state.machine.response(status, content_type);
        }
        self.pump();
        self.is_current(generation)
    }

    /// A chunk of the body. Returns whether to keep reading.
    pub fn chunk(self: &Rc<Self>, generation: u32, chunk: &Uint8Array) -> bool {
        if !self.is_current(generation) {
            return false;
        }
        let batch = {
            let mut state = self.state.borrow_mut();
            let State {
                machine,
                batch,
                chunk: buffer,
                ..
            } = &mut *state;
            buffer.clear();
            buffer.reserve(chunk.length() as usize);
            let bytes =
                chunk.copy_to_uninit(&mut buffer.spare_capacity_mut()[..chunk.length() as usize]);
            // A limit error has already queued the failure commands.
            let _ = machine.feed(bytes, batch);
            if batch.is_empty() {
                None
            } else {
                Some(std::mem::take(batch))
            }
        };
        if let Some(mut batch) = batch {
            if let Some(link) = self.link() {
                let _ = link.messages(&batch.text, &batch.meta);
            }
            batch.clear();
            let mut state = self.state.borrow_mut();
            // Keep the buffers (and the last ID JavaScript knows) for the next chunk.
            state.batch = batch;
        }
        self.pump();
        self.is_current(generation)
    }

    /// The body ended normally.
    pub fn end(self: &Rc<Self>, generation: u32) {
        if self.is_current(generation) {
            self.state.borrow_mut().machine.end();
            self.pump();
        }
    }

    /// The request or the body failed.
    pub fn network_error(self: &Rc<Self>, generation: u32) {
        if self.is_current(generation) {
            self.state.borrow_mut().machine.network_error();
            self.pump();
        }
    }
}

/// Used by transports to reach the driver without keeping it alive.
pub type WeakDriver = Weak<Driver>;
