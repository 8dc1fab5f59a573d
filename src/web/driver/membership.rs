//! A source's part in a group (the `shared` option), as a value the driver
//! holds: [`Solo`] for a source that holds its own connection (every
//! source of the base core), `group::Group` for one that shares. The
//! group's decisions are `eventsource_core::shared`'s; the membership applies them
//! to this source's connection ([`Conn`]) and queues what is to be posted
//! or parsed ([`Todo`]), which the driver carries out with no borrow held.

#[cfg(feature = "shared")]
use alloc::rc::Rc;
use alloc::string::String;

use eventsource_core::Instant;
use eventsource_core::machine::{Machine, ReadyState, Reason};
use eventsource_core::shared::Position;

#[cfg(feature = "shared")]
use crate::web::shared::{Message, Post};

/// What a membership reads and changes of this source's connection. (The
/// base core's only membership, `Solo`, reads none of it.)
#[cfg_attr(not(feature = "shared"), allow(dead_code))]
pub(super) struct Conn<'a> {
    pub machine: &'a mut Machine,
    /// The response's final URL (after redirects).
    pub final_url: &'a mut String,
    /// The `Last-Event-ID` the connection was made with.
    pub sent_id: &'a mut String,
    /// The last response's status text.
    pub status_text: &'a mut String,
}

/// What the machine of a leader did, for its group (which `Solo` has not).
#[cfg_attr(not(feature = "shared"), allow(dead_code))]
pub(super) enum Announce<'a> {
    /// A new response body began.
    Stream,
    Open {
        final_url: &'a str,
        resumed_from: &'a str,
    },
    Error {
        ready_state: ReadyState,
        reason: Reason,
        status_text: &'a str,
    },
}

/// What the driver carries out for its membership (nothing for [`Solo`]).
pub(super) enum Todo {
    /// Post this to the group.
    #[cfg(feature = "shared")]
    Post(Post),
    /// A follower parses the leader's bytes with its own parser.
    #[cfg(feature = "shared")]
    Follow(Rc<[u8]>),
}

/// A source's part in its group. Every method has the answer of a source
/// without one, which [`Solo`] keeps.
pub(super) trait Membership {
    /// The next thing to carry out: what is queued to be posted first, then
    /// what the group decided (applied to `conn` here).
    fn poll(&mut self, _conn: Conn<'_>) -> Option<Todo> {
        None
    }

    /// What is queued to be posted, only (to post it before the front-end
    /// runs application code).
    fn poll_post(&mut self) -> Option<Todo> {
        None
    }

    fn poll_timeout(&self) -> Option<Instant> {
        None
    }

    fn handle_timeout(&mut self, _now: Instant) {}

    /// A leader tells its group what its machine did.
    fn announce(&mut self, _what: Announce<'_>) {}

    /// A leader relays the bytes its stream took: where they go in the
    /// group's order (the driver posts them: they are not copied), and
    /// queues welcomes for who joined if the stream is now between events.
    fn relay_body(&mut self, _taken: &[u8], _conn: Conn<'_>) -> Option<Position> {
        None
    }

    /// A message from another source of the group.
    #[cfg(feature = "shared")]
    fn receive(&mut self, _message: Message, _conn: Conn<'_>) {}

    /// `reconnect()` on a follower: ask the leader, which holds the
    /// connection (a lone source always leads).
    fn ask_leader_to_reconnect(&mut self) {}

    /// The group's lock was granted.
    fn granted(&mut self, _now: Instant) {}

    /// Leave the group (closed, or the page is going away).
    fn leave(&mut self) {}

    /// Join again, as a newcomer (back from the back/forward cache).
    fn rejoin(&mut self, _machine: &mut Machine) {}

    /// Whether this source holds the connection.
    fn leads(&self) -> bool {
        true
    }
}

/// A source that holds its own connection.
pub(super) struct Solo;

impl Membership for Solo {}

/// The membership a driver holds: either kind in the core with the
/// `shared` option; only `Solo` in the base core, held as itself so that its
/// calls are static and compile to nothing (as a trait object, its methods
/// cost the base core 3.4 KB of wasm).
#[cfg(feature = "shared")]
pub(super) type Member = alloc::boxed::Box<dyn Membership>;
#[cfg(not(feature = "shared"))]
pub(super) type Member = Solo;

/// The membership of a new source: it shares if `shared` (and this core
/// can), and then follows (makes no request) until its group says it leads.
pub(super) fn join(shared: bool, machine: &mut Machine) -> Member {
    #[cfg(feature = "shared")]
    {
        if shared {
            return alloc::boxed::Box::new(super::group::Group::new(machine));
        }
        alloc::boxed::Box::new(Solo)
    }
    #[cfg(not(feature = "shared"))]
    {
        let _ = (shared, machine);
        Solo
    }
}
