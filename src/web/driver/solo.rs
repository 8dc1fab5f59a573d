//! Without the `shared` option compiled in (the npm package's base core):
//! a source holds its own connection, and every group hook is nothing. The
//! core with the option (`src/web/driver/group.rs`) is a separate build,
//! loaded only for a source that asks to share.

use alloc::rc::Rc;

use sse_core::machine::{Machine, ReadyState, Reason};
use sse_core::shared::Position;

use super::Driver;
use crate::web::front::FrontEnd;

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
    pub(super) fn relay_body(&mut self, _taken: &[u8]) -> Option<Position> {
        None
    }
}

impl<F: FrontEnd> Driver<F> {
    pub(super) fn group_step(self: &Rc<Self>) -> bool {
        false
    }
    pub(super) fn relay_open(&self, _final_url: &str, _resumed_from: &str) {}
    pub(super) fn relay_error(&self, _ready_state: ReadyState, _reason: Reason, _status_text: &str) {}
    pub(super) fn relay_stream(&self) {}
    pub(super) fn relay_chunk(&self, _at: Position, _taken: &[u8]) {}
    pub(super) fn hello(&self) {}
    pub fn granted(self: &Rc<Self>) {}
    pub fn leave_group(self: &Rc<Self>) {}
    pub fn rejoin(self: &Rc<Self>) {}
    pub fn leads(&self) -> bool {
        true
    }
}
