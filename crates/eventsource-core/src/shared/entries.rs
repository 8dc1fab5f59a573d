//! What travels between the sources of a group, and what the relay asks
//! its host to do: positions, starts, entries, roles and actions.

use super::*;

/// Where a frame is in the shared stream: the epoch of the leader that sent
/// it (a number each leader picks at random when it starts) and its
/// sequence number in that epoch (from 1; 0 is "just after the start").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// The epoch of the leader that sent it.
    pub epoch: u32,
    /// Its sequence number in that epoch.
    pub seq: u32,
}

impl Position {
    /// A position.
    pub const fn new(epoch: u32, seq: u32) -> Position {
        Position { epoch, seq }
    }
}

/// A new leader's announcement: epoch `epoch` follows the old stream at
/// `after` (`None`: a leader that had no history, whose stream simply
/// begins), and it connects with this last event ID and reconnection time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Start {
    /// The new epoch.
    pub epoch: u32,
    /// The last position of the old stream that counts.
    pub after: Option<Position>,
    /// The leader's last event ID at the cut.
    pub last_event_id: String,
    /// The leader's reconnection time set by the server's `retry`, if any.
    pub retry: Option<Millis>,
}

/// One entry of the ordered history every source applies: a frame, or the
/// start of a new epoch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry<P> {
    /// A frame the leader sent.
    Frame(Position, P),
    /// A new leader started.
    Start(Start),
}

/// What this source is in the group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Waiting for the leader's welcome (or a start): frames are not applied
    /// yet, since this source does not know where the stream is.
    Joining,
    /// Applying the leader's frames.
    Following,
    /// Holds the lock; waiting for what is still in flight.
    Claiming {
        /// When it starts leading.
        deadline: Instant,
    },
    /// Leading: its machine makes the requests.
    Leading,
    /// Left the group.
    Left,
}

/// What the host must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action<P> {
    /// Apply this frame to the machine (in order; each exactly once).
    Apply(P),
    /// Take the leader's state where this source joins the stream: its last
    /// event ID and reconnection time (a welcome or a start).
    Adopt {
        /// The last event ID to set.
        last_event_id: String,
        /// The reconnection time the server set, if it did.
        retry: Option<Millis>,
    },
    /// Tell the others this source holds the lock and has applied up to
    /// `seen`, so that those who applied more hand it over.
    Claim {
        /// What this source applied last (`None`: nothing).
        seen: Option<Position>,
    },
    /// Send these entries again, for a new leader that has not seen them.
    Handover(Vec<Entry<P>>),
    /// Announce [`Start`] (with this epoch and cut, and the machine's last
    /// event ID and reconnection time) and make the machine connect
    /// ([`crate::machine::Machine::take_over`]).
    Lead {
        /// The new epoch.
        epoch: u32,
        /// The cut.
        after: Option<Position>,
    },
}
