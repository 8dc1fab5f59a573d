//! The Rust API: an [`EventSource`] for Rust web apps (Leptos, Yew, Dioxus,
//! or none), on the same engine as the JavaScript class.
//!
//! ```no_run
//! use eventsource_wasm::{Event, EventSource, ReconnectPolicy};
//! use futures_util::StreamExt;
//!
//! /// Follows a POST stream until it fails for good; returns what it saw.
//! async fn follow(url: &str, token: &str) -> Result<Vec<String>, eventsource_wasm::BuildError> {
//!     let mut source = EventSource::builder(url)
//!         .header("Authorization", format!("Bearer {token}"))
//!         .body(r#"{"topic":"news"}"#) // a POST
//!         .reconnect(ReconnectPolicy::new().exponential(true).resend(true))
//!         .build()?;
//!     let mut seen = Vec::new();
//!     while let Some(event) = source.next().await {
//!         match event {
//!             Event::Open(open) => seen.push(format!("open (resumed from {:?})", open.resumed_from)),
//!             Event::Message(message) => seen.push(format!("{}: {}", message.event_type, message.data)),
//!             // CONNECTING: it reconnects; CLOSED: the last item.
//!             Event::Error(error) => seen.push(error.to_string()),
//!             _ => {}
//!         }
//!     }
//!     Ok(seen)
//! }
//! ```
//!
//! # The shape, and why
//!
//! - **One stream of one enum** ([`Event`]: open, message, error, warning,
//!   comment), as reqwest-eventsource's `Stream<Item = Result<Event,
//!   Error>>`, but an error is an item, not the stream's end: HTML's
//!   `EventSource` reconnects after most errors, and the item says which
//!   (readyState CONNECTING: it reconnects; CLOSED: the stream ends after
//!   it). So `while let Some(event) = source.next().await` runs exactly as
//!   long as the source lives, and no error is lost or fatal by accident.
//! - **Options checked when built** ([`Builder::build`] →
//!   [`BuildError`]): a bad header, method, jitter, URL or a transport this
//!   realm lacks is a typed error at the call site, not an error event
//!   later (the JavaScript class throws a `TypeError` in its constructor
//!   for the same reasons).
//! - **Only some types**: gloo's `EventSource` hands out one stream per
//!   subscribed type; here [`Builder::only`] filters in the engine, before
//!   the data is decoded, and the one stream keeps messages of different
//!   types in their stream order.
//! - **No executor inside**: the stream is woken by the waker of the task
//!   that polls it (`wasm_bindgen_futures::spawn_local`, a Leptos resource
//!   or signal, a Yew or Dioxus hook), and does nothing while nobody polls
//!   it but queue items. The one place a future is driven by this crate is
//!   an async headers function ([`Builder::headers_with`]), which becomes a
//!   promise (`wasm_bindgen_futures::future_to_promise`) that the engine
//!   waits on as it waits on the JavaScript class's.
//! - **Dropping closes** (as gloo's does): no connection, timer, listener
//!   or callback outlives the value. [`EventSource::close`] does it
//!   earlier, and ends the stream.
//! - **One engine**: the driver, the connection machine, the transports and
//!   the timers are the ones the JavaScript class runs; this module only
//!   implements their front-end (`crate::web::front::FrontEnd`), as
//!   `src/web/link.rs` does for JavaScript.

use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::RefCell;
use core::pin::Pin;
use core::task::{Context, Poll};

use eventsource_core::machine::Machine;

mod builder;
mod error;
mod event;
mod front;
#[cfg(feature = "shared")]
mod group;
mod lifecycle;
mod options;
mod prepare;
mod request;

pub use builder::Builder;
pub use error::BuildError;
pub use event::{Error, ErrorReason, Event, Message, Open, ReadyState, ReconnectInfo, RequestInfo, Warning};
pub use options::{Body, HeaderList, HeadersFuture, Reconnect, ReconnectPolicy, ReconnectRequest, Storage, Transport};

use crate::web::clock;
use crate::web::driver::Driver;
use crate::web::handles::Listener;
use front::Front;
use prepare::Prepared;

/// A server-sent events source: a [`futures_core::Stream`] of [`Event`]s.
///
/// Dropping it closes it.
pub struct EventSource {
    driver: Rc<Driver<Front>>,
    front: Front,
    url: String,
    /// The page's lifecycle and network listeners (released by close()).
    watch: RefCell<Vec<Listener>>,
}

impl EventSource {
    /// A source for `url` with the default options (HTML's `new
    /// EventSource(url)`).
    pub fn new(url: &str) -> Result<EventSource, BuildError> {
        Builder::new(url).build()
    }

    /// A source for `url`, with options.
    pub fn builder(url: impl Into<String>) -> Builder {
        Builder::new(url)
    }

    pub(crate) fn start(prepared: Prepared) -> EventSource {
        let Prepared {
            url,
            request_url,
            config,
            settings,
            request,
            before_reconnect,
            persist,
            only,
            pause_when_hidden,
            #[cfg(feature = "shared")]
            mut member,
            fixed_request,
        } = prepared;
        crate::web::panic::install();
        // The channel is open before the driver, which says hello on it.
        #[cfg(feature = "shared")]
        if let Some(member) = member.as_mut() {
            member.channel = group::Channel::open(&member.name);
        }
        let front = Front::new(
            request,
            before_reconnect,
            persist,
            only,
            #[cfg(feature = "shared")]
            member,
            fixed_request,
        );
        let machine = Machine::new(&request_url, config, clock::now_ms());
        let driver = Driver::new(machine, settings, front.clone(), None);
        // Then it hears the others, and queues for the lock.
        #[cfg(feature = "shared")]
        if let Some(member) = front.0.member.borrow_mut().as_mut() {
            let weak = Rc::downgrade(&driver);
            member.listen(&weak);
            member.lock(&weak);
        }
        let watch = lifecycle::watch(&driver, &front, pause_when_hidden);
        EventSource {
            driver,
            front,
            url,
            watch: RefCell::new(watch),
        }
    }

    /// CONNECTING, OPEN or CLOSED.
    pub fn ready_state(&self) -> ReadyState {
        self.driver.ready_state()
    }

    /// The URL, resolved and serialized (HTML's `url` attribute).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// CLOSED now: the connection and every resource are released, no item
    /// is queued after those already queued, and the stream then ends.
    pub fn close(&self) {
        self.driver.close();
        self.watch.borrow_mut().clear();
        self.front.leave_group();
        self.front.end();
    }

    /// A new connection now, with `Last-Event-ID`, without an error item
    /// (e.g. after the app's credentials changed). Nothing on a CLOSED source.
    pub fn reconnect(&self) {
        self.driver.reconnect();
    }
}

impl Drop for EventSource {
    fn drop(&mut self) {
        self.driver.close();
        self.front.leave_group();
    }
}

impl futures_core::Stream for EventSource {
    type Item = Event;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Event>> {
        self.front.poll(cx)
    }
}

impl futures_core::FusedStream for EventSource {
    fn is_terminated(&self) -> bool {
        self.front.is_terminated()
    }
}

impl core::fmt::Debug for EventSource {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("EventSource")
            .field("url", &self.url)
            .field("ready_state", &self.ready_state())
            .finish()
    }
}

/// What the engine holds now, for every source of this wasm instance (the
/// JavaScript class's `diagnostics()`): after every source is dropped or
/// closed, each count is back to what it was before (0 in an app that has
/// no other source), which is how the tests check that nothing is left.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ResourceCounts {
    /// Sources (drivers) alive.
    pub sources: u32,
    /// Armed timers.
    pub timers: u32,
    /// Event listeners held (XHR's, the lifecycle's).
    pub listeners: u32,
    /// Requests in flight.
    pub requests: u32,
    /// Promise callbacks waiting (a response, a body read, a headers future).
    pub callbacks: u32,
}

/// The engine's live resources now (see [`ResourceCounts`]).
pub fn resource_counts() -> ResourceCounts {
    use crate::web::stats;
    ResourceCounts {
        sources: stats::DRIVERS.get(),
        timers: stats::TIMERS.get(),
        listeners: stats::LISTENERS.get(),
        requests: stats::REQUESTS.get(),
        callbacks: stats::CALLBACKS.get(),
    }
}
