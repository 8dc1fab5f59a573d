//! The wasm-bindgen exports the JavaScript class is built on.

use alloc::rc::Rc;

use eventsource_core::machine::Machine;
use wasm_bindgen::prelude::*;

use crate::web::driver::Driver;
use crate::web::first::{FirstRequest, Prefetched};
use crate::web::link::Link;
use crate::web::{clock, env, panic, settings};

/// The Rust half of one `EventSource`.
#[wasm_bindgen]
pub struct Source {
    driver: Rc<Driver<Link>>,
}

#[wasm_bindgen]
impl Source {
    /// Start a source for `url`, already parsed and serialized by the
    /// JavaScript class (with the platform's URL parser), which has also
    /// checked and normalized the options into `settings`, and may have
    /// made the first request already (`first`: see `crate::web::first`).
    /// The class makes a source from its start-up, once the code that
    /// constructed it has run (`src/js/first.js`); the machine's first
    /// deadline is now, and a deadline already due runs from a promise job
    /// (`crate::web::clock`), so a `close()` before that job runs still
    /// means no request is ever made.
    #[wasm_bindgen(constructor)]
    pub fn new(
        url: &str,
        with_credentials: bool,
        link: Link,
        settings: &settings::Init,
        first: Option<FirstRequest>,
    ) -> Source {
        panic::install();
        let (config, settings) = settings::read(settings, with_credentials);
        let machine = Machine::new(url, config, clock::now_ms());
        Source {
            driver: Driver::new(machine, settings, link, Prefetched::new(first)),
        }
    }

    /// Every signal the JavaScript class gives a source (`drive` in
    /// src/js/state.js), through one export: `signal` is the index of its
    /// name in `SIGNALS` there, and `argument` is `online`'s flag or
    /// `relayed`'s message. One export instead of ten: each export is a
    /// shim of its own (the borrow check of `&self`, the driver's input
    /// inlined), 130–390 bytes apiece (issue 25, BENCHMARKS.md "Weight").
    ///
    /// Returns whether `signal` was one of them. An unknown code (a core and
    /// a shell of different builds) is answered, not thrown: a throw from
    /// inside a `&self` method leaves wasm-bindgen's borrow of the source
    /// held, and the source could then never be freed.
    pub fn signal(&self, signal: u8, argument: &JsValue) -> bool {
        match signal {
            0 => self.suspend(),
            1 => self.resume(),
            2 => self.reconnect(),
            3 => self.online(argument.is_truthy()),
            4 => self.stopped(),
            5 => self.granted(),
            6 => self.relayed(argument),
            7 => self.leave(),
            8 => self.rejoin(),
            9 => self.close(),
            _ => return false,
        }
        true
    }

    /// Whether this source holds the connection (always, unless shared and
    /// following another).
    #[wasm_bindgen(getter)]
    pub fn leads(&self) -> bool {
        self.driver.leads()
    }

    /// 0 CONNECTING, 1 OPEN, 2 CLOSED.
    #[wasm_bindgen(getter, js_name = readyState)]
    pub fn ready_state(&self) -> u8 {
        self.driver.ready_state() as u8
    }
}

/// The signals themselves (Rust callers, e.g. tests/web.rs, call them by name).
impl Source {
    /// Release the connection while the page is hidden or in the
    /// back/forward cache (readyState CONNECTING, no event).
    pub fn suspend(&self) {
        self.driver.input(|machine, _| machine.suspend());
    }

    /// Reconnect at once after `suspend`, with Last-Event-ID.
    pub fn resume(&self) {
        self.driver.input(|machine, now| machine.resume(now));
    }

    /// `reconnect()`: a new connection now, with Last-Event-ID (see
    /// `Machine::reconnect`); in a shared group, the group's one.
    pub fn reconnect(&self) {
        self.driver.reconnect();
    }

    /// The platform reports the network gone (`false`) or back (`true`).
    pub fn online(&self, online: bool) {
        self.driver.input(|machine, now| machine.set_online(now, online));
    }

    /// The page called `window.stop()`: the request in flight is being
    /// aborted by it.
    pub fn stopped(&self) {
        self.driver.page_stopped();
    }

    /// The `shared` option: this source was granted its group's lock.
    pub fn granted(&self) {
        self.driver.granted();
    }

    /// The `shared` option: a message another source of the group posted.
    pub fn relayed(&self, message: &JsValue) {
        // Read here, at the border: the driver takes the decoded message.
        #[cfg(feature = "shared")]
        if let Some(message) = crate::web::shared::decode(message) {
            self.driver.relayed(message);
        }
        // The base core has no group: nothing is posted to it.
        #[cfg(not(feature = "shared"))]
        let _ = message;
    }

    /// The `shared` option: the page is going away or into the
    /// back/forward cache; leave the group without any event.
    pub fn leave(&self) {
        self.driver.leave_group();
    }

    /// The `shared` option: back from the back/forward cache; join again.
    pub fn rejoin(&self) {
        self.driver.rejoin();
    }

    /// `close()`: CLOSED at once; nothing is dispatched afterwards.
    pub fn close(&self) {
        self.driver.close();
    }
}

impl Drop for Source {
    fn drop(&mut self) {
        // A source freed without close() (the object was collected) must not
        // keep a connection or a timer alive.
        self.driver.close();
    }
}

/// Whether this realm can receive server-sent events: it has a native
/// `EventSource`, or one of this package's transports can run here. (The
/// JavaScript `supportsSSE()` answers the same without loading the wasm;
/// a test checks that they agree.)
#[wasm_bindgen(js_name = supportsSSE)]
pub fn supports_sse() -> bool {
    env::has_native_event_source() || env::can_stream_fetch() || env::has_xhr()
}
