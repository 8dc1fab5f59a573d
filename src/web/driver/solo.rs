//! Without the `shared` option compiled in (the npm package's base core):
//! a source holds its own connection, and every group hook is nothing. The
//! core with the option (`src/web/driver/group.rs`) is a separate build,
//! loaded only for a source that asks to share.

use alloc::rc::Rc;

use sse_core::machine::{Machine, ReadyState, Reason};
use wasm_bindgen::JsValue;

use super::Driver;

#[derive(Default)]
pub(super) struct Group;

impl Group {
    pub(super) fn new(_shared: bool, _machine: &mut Machine) -> Group {
        Group
    }
    pub(super) fn leave(&mut self) {}
    pub(super) fn poll_timeout(&self) -> Option<u64> {
        None
    }
    pub(super) fn handle_timeout(&mut self, _now: u64) {}
    pub(super) fn relay_body(&mut self, _taken: &[u8]) -> Option<js_sys::Object> {
        None
    }
}

impl Driver {
    pub(super) fn group_step(self: &Rc<Self>) -> bool {
        false
    }
    pub(super) fn relay_open(&self, _final_url: &str, _resumed_from: &str) {}
    pub(super) fn relay_error(&self, _ready_state: ReadyState, _reason: Reason, _status_text: &str) {}
    pub(super) fn relay_stream(&self) {}
    pub(super) fn post(&self, _message: &js_sys::Object) {}
    pub(super) fn hello(&self) {}
    pub(super) fn ask_leader_to_reconnect(&self) {}
    pub(super) fn welcome_joiners(&self) {}
    pub fn relayed(self: &Rc<Self>, _message: &JsValue) {}
    pub fn granted(self: &Rc<Self>) {}
    pub fn leave_group(self: &Rc<Self>) {}
    pub fn rejoin(self: &Rc<Self>) {}
    pub fn leads(&self) -> bool {
        true
    }
}
