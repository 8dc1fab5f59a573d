//! The `shared` option for a Rust source: its group's `BroadcastChannel`
//! and its place in the queue for the group's Web Lock, whose holder leads
//! (as `src/js/group.js` holds them for the JavaScript class). The group is
//! named by a digest of the request (`identity::name`, the one the
//! JavaScript class uses), so a Rust source and a JavaScript source that
//! make the same request with the same key share one connection, whichever
//! wasm instance each runs in. Everything else — when to claim, lead,
//! relay, welcome — is the driver's (the membership) and
//! `eventsource_core::shared`'s; this only carries it out.

use alloc::rc::Weak;
use alloc::string::String;

use js_sys::Function;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use super::front::Front;
use crate::web::driver::Driver;
use crate::web::guard::{Callback, guarded};
use crate::web::shared::{Outgoing, decode, encode};
use crate::web::{env, stats};

#[wasm_bindgen(module = "/src/js/wasm/lock.js")]
extern "C" {
    #[wasm_bindgen(js_name = requestLock)]
    fn request_lock(name: &str, granted: &Function) -> JsValue;
    #[wasm_bindgen(js_name = releaseLock)]
    fn release_lock(slot: &JsValue);
}

/// Whether this realm can share a connection: Web Locks and BroadcastChannel.
pub(crate) fn can_share() -> bool {
    let locks = env::field(&env::field(&env::global(), "navigator"), "locks");
    env::field(&env::global(), "BroadcastChannel").is_function() && env::field(&locks, "request").is_function()
}

/// The group's channel, open; dropping it closes it.
pub(crate) struct Channel {
    channel: web_sys::BroadcastChannel,
    _receive: Option<Callback>,
}

impl Channel {
    /// Open the channel named `name` (before the driver says hello on it).
    pub(crate) fn open(name: &str) -> Option<Channel> {
        let channel = web_sys::BroadcastChannel::new(name).ok()?;
        stats::LISTENERS.increment();
        Some(Channel {
            channel,
            _receive: None,
        })
    }

    /// Hand what the others post to `driver`.
    pub(super) fn listen(&mut self, driver: Weak<Driver<Front>>) {
        let receive = Callback::new(move |event: JsValue| {
            let event: web_sys::MessageEvent = event.unchecked_into();
            if let (Some(driver), Some(message)) = (driver.upgrade(), decode(&event.data())) {
                driver.relayed(message);
            }
        });
        let wrapper = guarded(receive.as_ref().unchecked_ref());
        self.channel.set_onmessage(Some(&wrapper));
        self._receive = Some(receive);
    }

    pub(crate) fn post(&self, message: Outgoing<'_>) {
        let _ = self.channel.post_message(&encode(&message));
    }
}

impl Drop for Channel {
    fn drop(&mut self) {
        self.channel.set_onmessage(None);
        self.channel.close();
        stats::LISTENERS.decrement();
    }
}

/// This source's place in the queue for the group's lock; dropping it
/// leaves the queue, or lets go of the lock (the next waiter leads).
pub(crate) struct Lock {
    slot: JsValue,
    _granted: Callback,
}

impl Lock {
    pub(super) fn request(name: &str, driver: Weak<Driver<Front>>) -> Lock {
        let granted = Callback::new(move |_: JsValue| {
            if let Some(driver) = driver.upgrade() {
                driver.granted();
            }
        });
        let slot = request_lock(name, &guarded(granted.as_ref().unchecked_ref()));
        stats::CALLBACKS.increment();
        Lock {
            slot,
            _granted: granted,
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        release_lock(&self.slot);
        stats::CALLBACKS.decrement();
    }
}

/// A Rust source's membership: the group's name, and its channel and lock
/// while it is in the group.
pub(crate) struct Member {
    pub name: String,
    pub channel: Option<Channel>,
    pub lock: Option<Lock>,
}

impl Member {
    /// Hand what the channel receives to the driver.
    pub(super) fn listen(&mut self, driver: &Weak<Driver<Front>>) {
        if let Some(channel) = self.channel.as_mut() {
            channel.listen(driver.clone());
        }
    }

    /// Queue for the lock: the driver is told when it is granted.
    pub(super) fn lock(&mut self, driver: &Weak<Driver<Front>>) {
        self.lock = Some(Lock::request(&self.name, driver.clone()));
    }

    /// Leave: let go of the lock, then of the channel.
    pub(crate) fn leave(&mut self) {
        drop(self.lock.take());
        drop(self.channel.take());
    }
}
