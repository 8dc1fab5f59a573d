//! The JavaScript resources one driver holds, each in a cell of its own so
//! that dropping it releases it and the panic path can release it even while
//! the machine's cell is borrowed: the one platform timer, the request in
//! flight (or what it waits on), and the front-end.

use core::cell::{Cell, RefCell};

use eventsource_core::Instant;

use crate::web::clock::Timeout;
use crate::web::fetch::FetchRequest;
use crate::web::front::FrontEnd;
use crate::web::guard::Settle;
use crate::web::panic::Poison;
use crate::web::probe::Probe;
use crate::web::xhr::XhrRequest;

/// What the current request is doing; dropping it aborts it.
#[allow(dead_code)] // held for their Drop
pub(super) enum Active {
    /// Waiting for the `headers` option's promise.
    Headers(Settle),
    Fetch(FetchRequest),
    Xhr(XhrRequest),
    Probe(Probe),
}

/// The timer, armed for the machine's `poll_timeout()`; dropping it disarms it.
pub(super) struct Armed {
    deadline: Instant,
    _timeout: Timeout,
}

impl Armed {
    /// The time it was armed for.
    pub(super) fn deadline(&self) -> Instant {
        self.deadline
    }
}

pub(super) struct Resources<F> {
    timer: RefCell<Option<Armed>>,
    request: RefCell<Option<Active>>,
    front: RefCell<Option<F>>,
    /// Code of this driver panicked: it is never entered again.
    poisoned: Cell<bool>,
}

impl<F: FrontEnd> Resources<F> {
    pub(super) fn new(front: F) -> Resources<F> {
        Resources {
            timer: RefCell::new(None),
            request: RefCell::new(None),
            front: RefCell::new(Some(front)),
            poisoned: Cell::new(false),
        }
    }

    /// The front-end, until the source is closed (a clone: no borrow is
    /// held while it runs application code).
    pub(super) fn front(&self) -> Option<F> {
        self.front.borrow().clone()
    }

    pub(super) fn is_poisoned(&self) -> bool {
        self.poisoned.get()
    }

    /// The request now is `active` (the one it replaces is released).
    pub(super) fn hold(&self, active: Active) {
        let old = self.request.replace(Some(active));
        drop(old);
    }

    /// Release the request in flight: abort it, cancel what it waits on.
    pub(super) fn release_request(&self) {
        let old = self.request.borrow_mut().take();
        drop(old);
    }

    /// The deadline the timer is armed for, if it is.
    pub(super) fn armed_for(&self) -> Option<Instant> {
        self.timer.borrow().as_ref().map(|armed| armed.deadline)
    }

    /// Arm the timer for `deadline` (replacing any other).
    pub(super) fn arm(&self, deadline: Instant, now: Instant, callback: impl FnMut() + 'static) {
        // The platform's timer takes a span in milliseconds.
        let timeout = Timeout::new((deadline - now).0, callback);
        let old = self.timer.replace(Some(Armed {
            deadline,
            _timeout: timeout,
        }));
        drop(old);
    }

    /// Disarm the timer. Returns it, so that a timer whose callback is
    /// running can be dropped by the caller after the callback's work.
    pub(super) fn take_timer(&self) -> Option<Armed> {
        self.timer.borrow_mut().take()
    }

    /// Drop every resource, the front-end too (so a closed source's
    /// JavaScript object can be garbage collected).
    pub(super) fn release_all(&self) {
        drop(self.take_timer());
        self.release_request();
        drop(self.front.borrow_mut().take());
    }
}

impl<F: FrontEnd> Poison for Resources<F> {
    /// Release what can be released without touching any borrowed cell,
    /// and tell the front-end.
    fn poison(&self, message: &str) {
        self.poisoned.set(true);
        if let Ok(mut timer) = self.timer.try_borrow_mut() {
            drop(timer.take());
        }
        if let Ok(mut request) = self.request.try_borrow_mut() {
            drop(request.take());
        }
        let front = self.front.try_borrow_mut().ok().and_then(|mut front| front.take());
        if let Some(front) = front {
            front.panicked(message);
        }
    }
}
