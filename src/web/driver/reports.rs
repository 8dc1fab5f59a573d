//! What the transports report, through the seam, turned into machine
//! inputs; and the body's events handed to JavaScript, one call per chunk.

use alloc::rc::Rc;
use alloc::string::String;

use eventsource_core::Instant;
use eventsource_core::machine::{Failure, Head};
use eventsource_core::parser::RawSink;

// (A trait object's methods need no import: only the base core uses it.)
#[cfg_attr(feature = "shared", allow(unused_imports))]
use super::membership::Membership;
use super::{Announce, Driver};
use crate::batch::Batch;
use crate::web::front::FrontEnd;
use crate::web::seam::{Cause, Chunk, Receiver, Report, Reporter, copy_into};
use crate::web::{clock, panic};

impl<F: FrontEnd> Receiver for Driver<F> {
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
                content_encoding,
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
                let head = Head::new(status, content_type.as_deref())
                    .with_www_authenticate(www_authenticate.as_deref())
                    .with_content_encoding(content_encoding.as_deref());
                // Inputs return nothing: whether the body is now read is the
                // machine's state (it was not streaming before this head).
                let before = state.machine.is_streaming();
                state.machine.handle_head(now, head);
                let streaming = !before && state.machine.is_streaming();
                drop(state);
                // With the `shared` option, a leader tells its group.
                if streaming {
                    self.announce(Announce::Stream);
                }
            }
            Report::Body(chunk) => self.feed(now, chunk),
            Report::End => self.state.borrow_mut().machine.handle_end(now),
            Report::Failed(failure, cause) => {
                let failure = if self.stopped.get() == Some(generation) {
                    Failure::Aborted
                } else {
                    failure
                };
                self.failed_with(Cause::new(cause));
                self.state.borrow_mut().machine.handle_failure(now, failure);
            }
            Report::Recycle => self.state.borrow_mut().machine.recycle(),
            Report::Probed(answered) => self.state.borrow_mut().machine.handle_probe(now, answered),
            Report::Prepared(init) => {
                let pending = self.state.borrow_mut().pending.take();
                if let Some(req) = pending {
                    // The same request (generation) goes on.
                    let receiver: Rc<dyn Receiver> = self.clone();
                    let reporter = Reporter::new(Rc::downgrade(&receiver), generation);
                    self.send(&req.url, &init, reporter);
                }
            }
        }
        self.settle();
        self.is_current(generation)
    }
}

impl<F: FrontEnd> Driver<F> {
    /// Feed a chunk of the body; the events it completes cross to the
    /// front-end in one call. A leader relays the chunk first, as it read it.
    fn feed(self: &Rc<Self>, now: Instant, chunk: Chunk<'_>) {
        #[cfg(feature = "test-hooks")]
        if self.settings.panic_on_chunk {
            panic!("panicOnChunk: a panic forced by a test");
        }
        // The chunk's buffer is taken out of the state while the chunk is
        // read, so that a leader can post the bytes after the borrow ends
        // (rule 1), still without a copy of its own.
        let mut buffer = core::mem::take(&mut self.state.borrow_mut().chunk);
        let bytes = match chunk {
            Chunk::Bytes(bytes) => bytes,
            Chunk::Js(array, len) => {
                // The one copy into wasm memory, into a reused buffer
                // (zeroed only where it grows).
                let len = len as usize;
                if buffer.len() < len {
                    buffer.resize(len, 0);
                }
                let bytes = &mut buffer[..len];
                copy_into(bytes, array);
                &*bytes
            }
        };
        let (batch, relayed) = {
            let mut state = self.state.borrow_mut();
            let state = &mut *state;
            // The raw face: the front-end decodes the batch, once (see
            // `crate::batch`). `dyn RawSink`: one copy of the parser code in
            // the wasm for every caller. A limit error comes out as the
            // failure orders and notices, like every other outcome.
            state.batch.parsing(bytes.len());
            state
                .machine
                .handle_body_raw(now, bytes, &mut state.batch as &mut dyn RawSink);
            // A leader relays the bytes the stream took (none of a stale
            // body; only those up to a recycle's cut, as the rest comes again).
            let taken = state.machine.taken().min(bytes.len());
            let batch = take_batch(&mut state.batch);
            let (group, conn) = state.membership();
            let relayed = group.relay_body(&bytes[..taken], conn).map(|at| (at, taken));
            (batch, relayed)
        };
        if let Some((at, taken)) = relayed {
            self.relay_chunk(at, &bytes[..taken]);
        }
        self.dispatch(batch);
        // Keep the buffer for the next chunk.
        if let Ok(mut state) = self.state.try_borrow_mut() {
            state.chunk = buffer;
        }
    }

    /// A follower's chunk: the leader's bytes through this source's own parser.
    #[cfg(feature = "shared")]
    pub(super) fn follow_body(self: &Rc<Self>, bytes: &[u8]) {
        let batch = {
            let mut state = self.state.borrow_mut();
            let super::State { machine, batch, .. } = &mut *state;
            batch.parsing(bytes.len());
            machine.follow_body_raw(bytes, batch as &mut dyn RawSink);
            take_batch(batch)
        };
        self.dispatch(batch);
    }

    fn dispatch(&self, batch: Option<Batch>) {
        if let Some(mut batch) = batch {
            if let Some(front) = self.resources.front() {
                front.events(&batch);
            }
            batch.clear();
            // Keep the buffers (and the last ID JavaScript knows) for the next chunk.
            self.state.borrow_mut().batch = batch;
        }
    }
}

pub(super) fn take_batch(batch: &mut Batch) -> Option<Batch> {
    if batch.is_empty() {
        None
    } else {
        Some(core::mem::take(batch))
    }
}
