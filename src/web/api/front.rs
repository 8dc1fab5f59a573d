//! The Rust front-end: what the driver tells a Rust [`EventSource`]
//! (`FrontEnd`, the same trait the JavaScript `Link` implements) becomes
//! items in a queue, and the task polling the stream is woken. No executor:
//! the waker is the only way back.
//!
//! [`EventSource`]: super::EventSource

use alloc::collections::VecDeque;
use alloc::rc::Rc;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::cell::{Cell, RefCell};
use core::task::{Context, Poll, Waker};
use core::time::Duration;

use eventsource_core::machine::{ReadyState, Reason, Request, Warning as CoreWarning};
use wasm_bindgen::JsValue;

use super::error::describe;
use super::event::{Error, ErrorReason, Event, Message, Open, ReconnectInfo, RequestInfo, Warning, panic_message};
use super::options::{BeforeReconnect, Headers, Reconnect as Answer};
use super::request::{Persisted, Shape, origin_of};
use crate::batch::{Batch, Piece};
use crate::web::front::{FrontEnd, Reconnect};
use crate::web::seam::{Cause, FetchInit, Init, PendingInit};

/// The front-end the driver holds (a handle: cloned for each call).
#[derive(Clone)]
pub(crate) struct Front(pub(crate) Rc<Inbox>);

pub(crate) struct Inbox {
    queue: RefCell<VecDeque<Event>>,
    waker: RefCell<Option<Waker>>,
    /// No item comes after those queued: closed, or failed for good.
    ended: Cell<bool>,
    /// The origin of the current response's final URL.
    origin: RefCell<String>,
    /// The last event ID as the batches tell it (they say when it changes).
    last_event_id: RefCell<String>,
    request: RefCell<Shape>,
    before_reconnect: RefCell<Option<BeforeReconnect>>,
    persist: RefCell<Option<Persisted>>,
    only: Option<Vec<String>>,
    /// The `shared` option's channel and lock (`None`: not shared).
    #[cfg(feature = "shared")]
    pub member: RefCell<Option<super::group::Member>>,
    /// `shared()` without a key: no hook may change the request.
    pub fixed_request: bool,
}

impl Front {
    pub(super) fn new(
        request: Shape,
        before_reconnect: Option<BeforeReconnect>,
        persist: Option<Persisted>,
        only: Option<Vec<String>>,
        #[cfg(feature = "shared")] member: Option<super::group::Member>,
        fixed_request: bool,
    ) -> Front {
        Front(Rc::new(Inbox {
            queue: RefCell::new(VecDeque::new()),
            waker: RefCell::new(None),
            ended: Cell::new(false),
            origin: RefCell::new(String::new()),
            last_event_id: RefCell::new(String::new()),
            request: RefCell::new(request),
            before_reconnect: RefCell::new(before_reconnect),
            persist: RefCell::new(persist),
            only,
            #[cfg(feature = "shared")]
            member: RefCell::new(member),
            fixed_request,
        }))
    }

    fn push(&self, event: Event) {
        if self.0.ended.get() {
            return;
        }
        self.0.queue.borrow_mut().push_back(event);
        self.wake();
    }

    fn wake(&self) {
        let waker = self.0.waker.borrow_mut().take();
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// No more items after those queued (the source was closed).
    pub(super) fn end(&self) {
        self.0.ended.set(true);
        self.wake();
    }

    /// Whether this source has the `shared` option (and this realm can share).
    pub(crate) fn shares(&self) -> bool {
        #[cfg(feature = "shared")]
        return self.0.member.borrow().is_some();
        #[cfg(not(feature = "shared"))]
        false
    }

    /// Join the group again, as a newcomer (back from the back/forward
    /// cache, or shown again): the channel first, which the driver says
    /// hello on, then the queue for the lock.
    pub(super) fn rejoin(
        &self,
        weak: &alloc::rc::Weak<crate::web::driver::Driver<Front>>,
        driver: &Rc<crate::web::driver::Driver<Front>>,
    ) {
        #[cfg(feature = "shared")]
        {
            if let Some(member) = self.0.member.borrow_mut().as_mut() {
                member.channel = super::group::Channel::open(&member.name);
                member.listen(weak);
            }
            driver.rejoin();
            if let Some(member) = self.0.member.borrow_mut().as_mut() {
                member.lock(weak);
            }
        }
        #[cfg(not(feature = "shared"))]
        let _ = (weak, driver);
    }

    /// Let go of the group's lock (the next waiter leads) and channel.
    pub(crate) fn leave_group(&self) {
        #[cfg(feature = "shared")]
        if let Some(member) = self.0.member.borrow_mut().as_mut() {
            member.leave();
        }
    }

    pub(crate) fn is_terminated(&self) -> bool {
        self.0.ended.get() && self.0.queue.borrow().is_empty()
    }

    /// The stream's `poll_next`.
    pub(super) fn poll(&self, cx: &mut Context<'_>) -> Poll<Option<Event>> {
        if let Some(event) = self.0.queue.borrow_mut().pop_front() {
            return Poll::Ready(Some(event));
        }
        if self.0.ended.get() {
            return Poll::Ready(None);
        }
        let mut waker = self.0.waker.borrow_mut();
        match waker.as_mut() {
            Some(held) => held.clone_from(cx.waker()),
            None => *waker = Some(cx.waker().clone()),
        }
        Poll::Pending
    }

    fn wanted(&self, event_type: &[u8]) -> bool {
        match &self.0.only {
            Some(types) => types.iter().any(|t| t.as_bytes() == event_type),
            None => true,
        }
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

impl FrontEnd for Front {
    fn open(&self, final_url: &str, reopened: bool, resumed_from: &str) {
        self.0.origin.replace(origin_of(final_url));
        self.push(Event::Open(Open {
            reopened,
            resumed_from: resumed_from.to_string(),
        }));
    }

    fn error(&self, ready_state: ReadyState, reason: Reason, status_text: &str, cause: &Cause) {
        let (name, status, detail) = crate::contract::describe(reason, status_text);
        let cause = cause.value();
        self.push(Event::Error(Error {
            reason: ErrorReason::from_name(name),
            status,
            detail,
            cause: (!cause.is_undefined()).then(|| describe(cause)),
            ready_state,
            message: reason.to_string(),
        }));
        if ready_state == ReadyState::Closed {
            self.end();
            self.leave_group();
        }
    }

    fn events(&self, batch: &Batch) {
        for piece in batch.events() {
            match piece {
                Piece::Comment(comment) => self.push(Event::Comment(text(comment))),
                Piece::Event(event) => {
                    if let Some(id) = event.last_event_id {
                        let mut last = self.0.last_event_id.borrow_mut();
                        last.clear();
                        last.push_str(&String::from_utf8_lossy(id));
                    }
                    // Dropped before decoding its data.
                    if !self.wanted(event.event_type) {
                        continue;
                    }
                    let message = Message {
                        event_type: text(event.event_type),
                        data: text(event.data),
                        last_event_id: self.0.last_event_id.borrow().clone(),
                        origin: self.0.origin.borrow().clone(),
                    };
                    self.push(Event::Message(message));
                }
            }
        }
        // Once per chunk, as the JavaScript class does.
        if let Some(persist) = self.0.persist.borrow_mut().as_mut() {
            persist.save(&self.0.last_event_id.borrow());
        }
    }

    fn warn(&self, warning: CoreWarning, _url: &str) {
        let (kind, sign, figures) = crate::contract::describe_warning(warning);
        self.push(Event::Warning(Warning {
            kind,
            sign,
            figures,
            message: warning.to_string(),
        }));
    }

    fn panicked(&self, message: &str) {
        self.push(Event::Error(Error {
            reason: ErrorReason::Panic,
            status: 0,
            detail: message.to_string(),
            cause: None,
            ready_state: ReadyState::Closed,
            message: panic_message(message),
        }));
        self.end();
        self.leave_group();
    }

    fn request(&self, request: &Request) -> Init {
        let id = request.last_event_id.as_deref().unwrap_or("");
        let info = RequestInfo {
            url: request.url.clone(),
            last_event_id: id.to_string(),
        };
        let shape = self.0.request.borrow();
        let refused = |text: &str| Init::Refused(Cause::new(js_sys::Error::new(text).into()));
        match shape.user_headers(&info) {
            Some(Ok(list)) => match shape
                .init(&request.url, id, request.authorize, &list)
                .map(|init| FetchInit::from_value(init.into()))
            {
                Ok(Ok(init)) => Init::Ready(init),
                Ok(Err(thrown)) | Err(thrown) => Init::Refused(Cause::new(thrown)),
            },
            Some(Err(text)) => refused(&text),
            None => {
                let Headers::Async(f) = &shape.headers else {
                    return refused("no headers");
                };
                let future = f(info);
                let front = self.clone();
                let url = request.url.clone();
                let id = id.to_string();
                let authorize = request.authorize;
                drop(shape);
                // Where a promise meets Rust: the driver waits on a promise
                // (and cancels its callback if the source closes first).
                let promise = wasm_bindgen_futures::future_to_promise(async move {
                    match future.await {
                        Ok(list) => front
                            .0
                            .request
                            .borrow()
                            .init(&url, &id, authorize, &list)
                            .map(JsValue::from),
                        Err(text) => Err(js_sys::Error::new(&text).into()),
                    }
                });
                Init::Later(PendingInit::new(promise))
            }
        }
    }

    fn reconnecting(&self, attempt: u32, delay_ms: u64, reason: Reason, last_event_id: &str, url: &str) -> Reconnect {
        // Taken out while it runs: it may build or drop sources.
        let Some(mut hook) = self.0.before_reconnect.borrow_mut().take() else {
            return Reconnect::Unanswered;
        };
        let (name, _, _) = crate::contract::describe(reason, "");
        let answer = hook(&ReconnectInfo {
            attempt,
            delay: Duration::from_millis(delay_ms),
            reason: ErrorReason::from_name(name),
            last_event_id: last_event_id.to_string(),
            url: url.to_string(),
        });
        self.0.before_reconnect.replace(Some(hook));
        match answer {
            Answer::Continue => Reconnect::Unanswered,
            Answer::Veto => Reconnect::Veto,
            // `shared()` without a key shares only among identical requests:
            // a request changed for one source would be made for all.
            Answer::With(_) if self.0.fixed_request => Reconnect::Unanswered,
            Answer::With(next) => {
                let mut shape = self.0.request.borrow_mut();
                if let Some(method) = next.method {
                    // A GET or HEAD cannot carry the old body.
                    if next.body.is_none()
                        && (method.eq_ignore_ascii_case("GET") || method.eq_ignore_ascii_case("HEAD"))
                    {
                        shape.body = None;
                    }
                    shape.method = method;
                }
                if let Some(body) = next.body {
                    shape.body = body;
                }
                if let Some(headers) = next.headers {
                    shape.headers = Headers::Fixed(headers);
                }
                let url = next
                    .url
                    .and_then(|to| web_sys::Url::new_with_base(&to, url).ok())
                    .map(|u| u.href());
                Reconnect::Continue {
                    url,
                    once: Some(shape.sends_once()),
                }
            }
        }
    }

    #[cfg(feature = "shared")]
    fn post(&self, message: crate::web::shared::Outgoing<'_>) {
        if let Some(channel) = self.0.member.borrow().as_ref().and_then(|m| m.channel.as_ref()) {
            channel.post(message);
        }
    }
}
