//! One connection for many sources: the ordering and takeover rules of a
//! shared stream, pure and without I/O.
//!
//! Several sources of one URL (tabs, frames, workers of one origin) hold one
//! connection. One of them leads: its [`crate::machine::Machine`] makes the
//! requests, and every frame it produces (a new stream began, the connection
//! opened, a chunk of body bytes, an error) is numbered with a [`Position`]
//! (the leader's epoch and a sequence number) and sent to the others, the
//! followers, whose own machines apply the same frames in the same order
//! ([`crate::machine::Machine::follow`]): every source's parser, last event
//! ID and reconnection time are the leader's.
//!
//! Who leads is decided by a lock the host holds (Web Locks in a browser):
//! at most one holder, handed to the next waiter as soon as the holder goes.
//! The messages between sources travel another way (a `BroadcastChannel`),
//! so a new leader may be granted the lock before the old leader's last
//! frames reach it. This module makes that race harmless:
//!
//! 1. Every follower keeps the last [`RING_FRAMES`] entries it applied.
//! 2. A new leader first *claims*: it sends the position it has applied up
//!    to, and waits [`TAKEOVER_GRACE`]. A follower that applied
//!    more sends the missing entries again ([`Action::Handover`]); frames
//!    still in flight from the old leader arrive meanwhile. Every source
//!    applies entries strictly in order, whoever sent them, and drops what it
//!    already applied.
//! 3. Then it *starts* ([`Action::Lead`]): it announces its epoch and the
//!    position the old epoch ends at, and connects with the last event ID it
//!    has after applying everything up to there. Every source applies the
//!    old epoch up to that cut, drops the rest (the server sends it again
//!    after that ID), and goes on with the new epoch.
//!
//! So no source loses or repeats an event as long as the server resumes
//! from `Last-Event-ID` and frames in flight arrive within the grace (they
//! take well under a millisecond between tabs).
//!
//! The host carries out the [`Action`]s, one at a time from
//! [`Relay::poll_action`], and arms one timer for [`Relay::poll_timeout`].

use alloc::string::String;
use alloc::vec::Vec;

use crate::{Instant, Millis};

mod entries;
mod identity;

pub use entries::{Action, Entry, Position, Role, Start};
pub use identity::{Body, GroupRequest, Headers};

/// How long a new leader waits for frames still in flight, and for the
/// followers that saw more than it did, before it connects.
pub const TAKEOVER_GRACE: Millis = Millis(150);

/// How many applied entries each source keeps to hand over to a new leader.
pub const RING_FRAMES: usize = 64;

/// The group state of one source.
#[derive(Debug, Clone)]
pub struct Relay<P> {
    role: Role,
    /// Where this source is: the last applied position (`None` while
    /// joining). `seq` 0 is just after a start.
    at: Option<Position>,
    /// The epoch this source will lead with.
    own_epoch: u32,
    /// Frames received ahead of their turn (a handful at most: plain
    /// vectors keep the wasm small).
    pending: Vec<(Position, P)>,
    /// Starts received, each ending the epoch its cut is in.
    starts: Vec<Start>,
    /// Epochs that are over here: their late frames are dropped.
    finished: Vec<u32>,
    /// The last applied entries, for handovers, oldest first.
    ring: Vec<Entry<P>>,
    /// The next sequence number when leading.
    next_seq: u32,
    actions: Vec<Action<P>>,
}

/// A bound on frames kept ahead of their turn (they can only pile up if a
/// frame never arrives, which a reliable channel does not allow).
const MAX_PENDING: usize = 4096;

impl<P: Clone> Relay<P> {
    /// A source joining the group; it will lead with epoch `own_epoch`
    /// (pick it at random: epochs only need to differ).
    pub fn new(own_epoch: u32) -> Relay<P> {
        Relay {
            role: Role::Joining,
            at: None,
            own_epoch,
            pending: Vec::new(),
            starts: Vec::new(),
            finished: Vec::new(),
            ring: Vec::new(),
            next_seq: 1,
            actions: Vec::new(),
        }
    }

    /// What this source is in the group.
    pub fn role(&self) -> Role {
        self.role
    }

    /// The epoch this source leads with (also its id in the group).
    pub fn own_epoch(&self) -> u32 {
        self.own_epoch
    }

    /// The last position applied here.
    pub fn position(&self) -> Option<Position> {
        self.at
    }

    /// Whether this source leads (its machine makes the requests).
    pub fn is_leading(&self) -> bool {
        self.role == Role::Leading
    }

    /// The next action to carry out.
    pub fn poll_action(&mut self) -> Option<Action<P>> {
        if self.actions.is_empty() {
            None
        } else {
            Some(self.actions.remove(0))
        }
    }

    /// When [`Relay::handle_timeout`] must be called, if ever.
    pub fn poll_timeout(&self) -> Option<Instant> {
        match self.role {
            Role::Claiming { deadline } => Some(deadline),
            _ => None,
        }
    }

    /// The lock was granted: claim, and lead after the grace. Even a source
    /// that has not joined the stream yet waits: a leader may have gone an
    /// instant ago, its start and frames still on their way, and the others
    /// hand over what they have (so the first source of a group connects
    /// [`TAKEOVER_GRACE`] late, once).
    pub fn granted(&mut self, now: Instant) {
        match self.role {
            Role::Joining | Role::Following => {
                self.role = Role::Claiming {
                    deadline: now + TAKEOVER_GRACE,
                };
                self.actions.push(Action::Claim { seen: self.at });
            }
            _ => {}
        }
    }

    /// The time [`Relay::poll_timeout`] gave has come.
    pub fn handle_timeout(&mut self, now: Instant) {
        if let Role::Claiming { deadline } = self.role {
            if now >= deadline {
                self.lead();
            }
        }
    }

    fn lead(&mut self) {
        self.role = Role::Leading;
        self.pending.clear();
        let after = self.at;
        if let Some(at) = after {
            self.finish(at.epoch);
        }
        self.at = Some(Position::new(self.own_epoch, 0));
        self.next_seq = 1;
        self.actions.push(Action::Lead {
            epoch: self.own_epoch,
            after,
        });
    }

    /// Leading: number the next frame; the host sends it with this position.
    pub fn send(&mut self) -> Position {
        let at = Position::new(self.own_epoch, self.next_seq);
        self.next_seq = self.next_seq.wrapping_add(1);
        self.at = Some(at);
        at
    }

    /// The leader's welcome for this source: the stream is at `at`, and the
    /// leader's last event ID and reconnection time are these (frames after
    /// `at` follow). Ignored unless joining.
    pub fn welcome(&mut self, at: Position, last_event_id: &str, retry: Option<Millis>) {
        if self.role != Role::Joining {
            return;
        }
        self.role = Role::Following;
        self.at = Some(at);
        self.pending.retain(|(p, _)| p.epoch == at.epoch && p.seq > at.seq);
        self.actions.push(Action::Adopt {
            last_event_id: String::from(last_event_id),
            retry,
        });
        self.drain();
    }

    /// A frame from the leader (or handed over again by a follower).
    pub fn frame(&mut self, at: Position, payload: P) {
        match self.role {
            Role::Following | Role::Claiming { .. } => {}
            Role::Joining | Role::Leading | Role::Left => return,
        }
        if self.finished.contains(&at.epoch) || self.at.is_some_and(|me| me.epoch == at.epoch && at.seq <= me.seq) {
            return;
        }
        if self.pending.len() >= MAX_PENDING || self.pending.iter().any(|(p, _)| *p == at) {
            return;
        }
        self.pending.push((at, payload));
        self.drain();
    }

    /// A new leader's start (or one handed over again).
    pub fn start(&mut self, start: Start) {
        match self.role {
            // (A claimer still joining too: it may be handed a start.)
            Role::Joining | Role::Claiming { .. } if self.at.is_none() => {
                // Join the stream where the new leader begins it.
                if self.role == Role::Joining {
                    self.role = Role::Following;
                }
                self.at = Some(Position::new(start.epoch, 0));
                self.pending.retain(|(p, _)| p.epoch == start.epoch);
                self.actions.push(Action::Adopt {
                    last_event_id: start.last_event_id.clone(),
                    retry: start.retry,
                });
                self.remember(Entry::Start(start));
                self.drain();
            }
            Role::Following | Role::Claiming { .. } => {
                if self.finished.contains(&start.epoch) || self.at.is_some_and(|me| me.epoch == start.epoch) {
                    return;
                }
                match start.after {
                    Some(after) => {
                        let known = self.starts.iter().any(|s| s.epoch == start.epoch);
                        if !known && !self.finished.contains(&after.epoch) {
                            self.starts.push(start);
                        }
                    }
                    // A leader without history: its stream begins now, here too.
                    None => {
                        if let Some(me) = self.at {
                            self.finish(me.epoch);
                        }
                        self.enter(start);
                    }
                }
                self.drain();
            }
            Role::Joining | Role::Leading | Role::Left => {}
        }
    }

    /// Entries a follower handed over (to a claimer; everyone hears them
    /// and fills what it lacks). A source still joining takes none: they
    /// are history from before it joined, whose rest it may never get.
    pub fn handover(&mut self, entries: impl IntoIterator<Item = Entry<P>>) {
        if self.role == Role::Joining {
            return;
        }
        for entry in entries {
            match entry {
                Entry::Frame(at, payload) => self.frame(at, payload),
                Entry::Start(start) => self.start(start),
            }
        }
    }

    /// Another source claims the lock, having applied up to `seen`: hand
    /// over what this one applied after that (everything it keeps, to one
    /// that has applied nothing).
    pub fn claimed(&mut self, seen: Option<Position>) {
        if !matches!(self.role, Role::Following) || self.at == seen {
            return;
        }
        let from = match seen {
            None => Some(0),
            Some(seen) => self
                .ring
                .iter()
                .position(|entry| match entry {
                    Entry::Frame(at, _) => *at == seen,
                    Entry::Start(start) => Position::new(start.epoch, 0) == seen,
                })
                .map(|index| index + 1),
        };
        if let Some(index) = from {
            let entries: Vec<Entry<P>> = self.ring[index..].to_vec();
            if !entries.is_empty() {
                self.actions.push(Action::Handover(entries));
            }
        }
    }

    /// This source leaves the group (closed, or its page is going away).
    pub fn leave(&mut self) {
        self.role = Role::Left;
        self.pending.clear();
        self.starts.clear();
        self.ring.clear();
        self.actions.clear();
    }

    /// Apply what is next in line, for as long as something is.
    fn drain(&mut self) {
        while let Some(at) = self.at {
            let next = Position::new(at.epoch, at.seq.wrapping_add(1));
            let ending = self
                .starts
                .iter()
                .position(|start| start.after.is_some_and(|after| after.epoch == at.epoch));
            let cut = ending.and_then(|i| self.starts[i].after).map(|after| after.seq);
            if cut.is_none_or(|cut| next.seq <= cut) {
                if let Some(i) = self.pending.iter().position(|(p, _)| *p == next) {
                    let (_, payload) = self.pending.swap_remove(i);
                    self.at = Some(next);
                    self.remember(Entry::Frame(next, payload.clone()));
                    self.actions.push(Action::Apply(payload));
                    continue;
                }
            }
            if let (Some(i), Some(cut)) = (ending, cut) {
                if at.seq >= cut {
                    // The old epoch is over here: drop the rest of it (the
                    // new leader resumes after the cut), go on with the new.
                    let start = self.starts.swap_remove(i);
                    self.finish(at.epoch);
                    self.enter(start);
                    continue;
                }
            }
            break;
        }
    }

    fn enter(&mut self, start: Start) {
        self.at = Some(Position::new(start.epoch, 0));
        self.remember(Entry::Start(start));
    }

    fn finish(&mut self, epoch: u32) {
        self.pending.retain(|(p, _)| p.epoch != epoch);
        self.starts.retain(|s| s.epoch != epoch);
        if !self.finished.contains(&epoch) {
            if self.finished.len() == 16 {
                self.finished.remove(0);
            }
            self.finished.push(epoch);
        }
    }

    fn remember(&mut self, entry: Entry<P>) {
        if self.ring.len() == RING_FRAMES {
            self.ring.remove(0);
        }
        self.ring.push(entry);
    }
}
