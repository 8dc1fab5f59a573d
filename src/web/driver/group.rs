//! The `shared` option: this source's part in its group (one connection
//! for every source of the same request in the browser profile), as a value
//! the driver holds. The decisions are the core's (`eventsource_core::shared::Relay`);
//! this applies them to the source's own connection and queues what is to
//! be posted (the JavaScript class holds the Web Lock and the
//! BroadcastChannel) and the leader's bytes to parse.

use alloc::collections::VecDeque;
use alloc::string::String;
use alloc::vec::Vec;

use eventsource_core::machine::{Machine, ReadyState};
use eventsource_core::shared::{Action, Entry, Position, Relay, Role, Start};
use eventsource_core::{Instant, Millis};

use super::membership::{Announce, Conn, Membership, Todo};
use crate::web::shared::{Frame, Message, Post, Welcome};
use crate::web::{clock, env};

pub(super) struct Group {
    relay: Relay<Frame>,
    /// What is to be posted, in order.
    outbox: VecDeque<Post>,
    /// Sources that joined, to be welcomed when the stream is next between
    /// events (where they can start parsing the relayed bytes).
    joiners: Vec<u32>,
    /// A welcome said the connection is open: dispatch open once adopted.
    welcomed_open: bool,
}

impl Group {
    /// A new member: it follows (makes no request) until its group says it
    /// leads, and says hello.
    pub(super) fn new(machine: &mut Machine) -> Group {
        let mut group = Group {
            relay: Relay::new(member_id()),
            outbox: VecDeque::new(),
            joiners: Vec::new(),
            welcomed_open: false,
        };
        group.join(machine);
        group
    }

    fn join(&mut self, machine: &mut Machine) {
        machine.follow();
        // Tell the group this source is here (it waits for a welcome).
        if self.relay.role() == Role::Joining {
            self.outbox.push_back(Post::Hello {
                from: self.relay.own_epoch(),
            });
        }
    }

    /// Leading: welcome the sources that joined, if the stream is between
    /// events (else after a later chunk).
    fn welcome_joiners(&mut self, conn: &Conn<'_>) {
        let machine = &*conn.machine;
        let between = !machine.is_streaming() || machine.parser().at_event_boundary();
        if self.joiners.is_empty() || !between {
            return;
        }
        let Some(at) = self.relay.position() else { return };
        for to in core::mem::take(&mut self.joiners) {
            self.outbox.push_back(Post::Welcome(Welcome {
                to,
                at,
                last_event_id: String::from(machine.last_event_id()),
                retry: machine.retry().map(|retry| retry.0),
                ready_state: machine.ready_state() as u8,
                final_url: conn.final_url.clone(),
                resumed_from: conn.sent_id.clone(),
            }));
        }
    }

    /// A leader relays what its machine did, numbered.
    fn relay_frame(&mut self, what: Announce<'_>) {
        let frame = match what {
            Announce::Stream => Frame::Stream,
            Announce::Open {
                final_url,
                resumed_from,
            } => Frame::Open {
                final_url: String::from(final_url),
                resumed_from: String::from(resumed_from),
            },
            Announce::Error {
                ready_state,
                reason,
                status_text,
            } => Frame::Error {
                ready_state,
                reason,
                status_text: String::from(status_text),
            },
        };
        let at = self.relay.send();
        self.outbox.push_back(Post::Frame(at, frame));
    }

    /// Carry out what the relay decided.
    fn act(&mut self, action: Action<Frame>, conn: &mut Conn<'_>) -> Option<Todo> {
        match action {
            Action::Apply(frame) => return apply(frame, conn),
            Action::Adopt { last_event_id, retry } => conn.machine.follow_adopt(&last_event_id, retry),
            Action::Claim { seen } => self.outbox.push_back(Post::Claim { seen }),
            Action::Handover(entries) => self.outbox.push_back(Post::Handover(entries)),
            Action::Lead { epoch, after } => {
                self.outbox.push_back(Post::Start(Start {
                    epoch,
                    after,
                    last_event_id: String::from(conn.machine.last_event_id()),
                    retry: conn.machine.retry(),
                }));
                conn.machine.take_over(clock::now_ms());
                // Those who said hello while no one led are welcomed now.
                self.welcome_joiners(conn);
            }
        }
        None
    }
}

/// A follower applies the leader's frame to its own machine (the bytes of
/// a body frame go to its own parser, by the driver).
fn apply(frame: Frame, conn: &mut Conn<'_>) -> Option<Todo> {
    match frame {
        Frame::Stream => conn.machine.follow_stream(),
        Frame::Open {
            final_url,
            resumed_from,
        } => {
            *conn.final_url = final_url;
            *conn.sent_id = resumed_from;
            conn.machine.follow_open();
        }
        Frame::Body(bytes) => return Some(Todo::Follow(bytes)),
        Frame::Error {
            ready_state,
            reason,
            status_text,
        } => {
            *conn.status_text = status_text;
            conn.machine.follow_error(reason, ready_state);
        }
    }
    None
}

impl Membership for Group {
    fn poll(&mut self, mut conn: Conn<'_>) -> Option<Todo> {
        loop {
            if let Some(post) = self.outbox.pop_front() {
                return Some(Todo::Post(post));
            }
            let Some(action) = self.relay.poll_action() else { break };
            if let Some(todo) = self.act(action, &mut conn) {
                return Some(todo);
            }
        }
        // A welcome into an open connection: the open event, after the adopt.
        if core::mem::take(&mut self.welcomed_open) {
            conn.machine.follow_open();
        }
        None
    }

    fn poll_post(&mut self) -> Option<Todo> {
        self.outbox.pop_front().map(Todo::Post)
    }

    fn poll_timeout(&self) -> Option<Instant> {
        self.relay.poll_timeout()
    }

    fn handle_timeout(&mut self, now: Instant) {
        self.relay.handle_timeout(now);
    }

    fn announce(&mut self, what: Announce<'_>) {
        let closed = matches!(
            what,
            Announce::Error {
                ready_state: ReadyState::Closed,
                ..
            }
        );
        if self.relay.is_leading() {
            self.relay_frame(what);
        }
        // After a failure for good, the source leaves the group (a follower
        // too: its machine applied the leader's error).
        if closed {
            self.relay.leave();
        }
    }

    fn relay_body(&mut self, taken: &[u8], conn: Conn<'_>) -> Option<Position> {
        if !self.relay.is_leading() || taken.is_empty() {
            return None;
        }
        let at = self.relay.send();
        self.welcome_joiners(&conn);
        Some(at)
    }

    fn receive(&mut self, message: Message, conn: Conn<'_>) {
        let relay = &mut self.relay;
        match message {
            Message::Hello { from } => {
                if relay.is_leading() {
                    self.joiners.push(from);
                }
            }
            Message::Welcome(welcome) => {
                if welcome.to != relay.own_epoch() || relay.role() != Role::Joining {
                    return;
                }
                relay.welcome(welcome.at, &welcome.last_event_id, welcome.retry.map(Millis));
                if welcome.ready_state == ReadyState::Open as u8 {
                    *conn.final_url = welcome.final_url;
                    *conn.sent_id = welcome.resumed_from;
                    self.welcomed_open = true;
                }
            }
            Message::Entry(Entry::Frame(at, frame)) => relay.frame(at, frame),
            Message::Entry(Entry::Start(start)) => relay.start(start),
            Message::Claim { seen } => relay.claimed(seen),
            Message::Handover(entries) => relay.handover(entries),
            // A follower's `reconnect()`: the leader holds the connection.
            Message::Reconnect => {
                if relay.is_leading() {
                    conn.machine.reconnect(clock::now_ms());
                }
            }
        }
        self.welcome_joiners(&conn);
    }

    fn ask_leader_to_reconnect(&mut self) {
        self.outbox.push_back(Post::Reconnect);
    }

    fn granted(&mut self, now: Instant) {
        self.relay.granted(now);
    }

    fn leave(&mut self) {
        self.relay.leave();
        self.joiners.clear();
    }

    fn rejoin(&mut self, machine: &mut Machine) {
        if machine.ready_state() == ReadyState::Closed {
            return;
        }
        self.relay = Relay::new(member_id());
        self.join(machine);
    }

    fn leads(&self) -> bool {
        self.relay.is_leading()
    }
}

/// A random id for a source in its group (and the epoch it leads with).
fn member_id() -> u32 {
    (env::random() * 4_294_967_295.0) as u32
}
