//! The protocol core of a Server-Sent Events client, without I/O.
//!
//! - [`parser`]: an incremental `text/event-stream` parser (HTML §9.2.5 and
//!   §9.2.6): bytes in, in chunks of any size, events out.
//! - [`machine`]: the connection state machine (HTML §9.2.2–9.2.4): when to
//!   connect, what `Last-Event-ID` to send, when a response opens or fails
//!   the connection, how long to wait before reconnecting, when a stalled
//!   stream is given up. It owns every timer; the host brings the clock.
//! - [`shared`]: one connection for many sources (tabs, workers): the
//!   order in which every source applies the leader's frames, and how a new
//!   leader takes over without losing or repeating an event.
//! - [`mime`]: is a `Content-Type` `text/event-stream`?
//! - [`url`]: the scheme and origin rules the machine applies.
//!
//! `no_std` with `alloc`; `memchr` is the only dependency. It is the core of
//! the `eventsource-wasm` npm package, whose driver feeds it from `fetch` or
//! `XMLHttpRequest`, and works as well under any Rust HTTP client.
//!
//! # Parsing a stream from any HTTP client
//!
//! ```
//! use sse_core::parser::{Event, Parser, Sink};
//!
//! struct Print(Vec<String>);
//! impl Sink for Print {
//!     fn event(&mut self, event: &Event<'_>) {
//!         self.0.push(format!("{}: {} (id {:?})", event.event_type, event.data, event.last_event_id));
//!     }
//! }
//!
//! let mut parser = Parser::new();
//! let mut sink = Print(Vec::new());
//! // Chunks as the network delivers them: split anywhere, even inside a
//! // line ending or a UTF-8 sequence.
//! for chunk in [&b"id: 1\ndata: hel"[..], b"lo\r", b"\n\r\nevent: tick\ndata: \xE2\x82", b"\xAC\n\n"] {
//!     parser.feed(chunk, &mut sink).unwrap();
//! }
//! assert_eq!(sink.0, ["message: hello (id \"1\")", "tick: € (id \"1\")"]);
//! ```
//!
//! # Driving a connection
//!
//! The host makes the requests the machine asks for and reports what
//! happened; `now` is any millisecond clock.
//!
//! ```
//! use sse_core::machine::{Command, Config, Head, Machine, ReadyState, Request, RequestKind};
//! use sse_core::parser::OwnedEvent;
//!
//! let mut now = 0;
//! let mut machine = Machine::new("https://example.com/events", Config::default(), now);
//! let mut events: Vec<OwnedEvent> = Vec::new();
//!
//! // The first request is due at once (from the host's next task).
//! assert_eq!(machine.poll_timeout(), Some(0));
//! machine.handle_timeout(now);
//! let Some(Command::Fetch(request)) = machine.poll_command() else { panic!() };
//! assert_eq!(request.kind, RequestKind::First);
//! assert_eq!(request.last_event_id, None);
//!
//! // The response: 200, text/event-stream. The connection opens.
//! assert!(machine.handle_head(now, Head::new(200, Some("text/event-stream"))));
//! assert_eq!(machine.poll_command(), Some(Command::Open { reopened: false }));
//! machine.handle_body(now, b"retry: 500\nid: 7\ndata: first\n\n", &mut events).unwrap();
//! assert_eq!(events[0].data, "first");
//!
//! // The server closes the stream: an error event, then a reconnection
//! // after the `retry` delay, resuming from the last event ID.
//! now += 10;
//! machine.handle_end(now);
//! assert_eq!(machine.ready_state(), ReadyState::Connecting);
//! while let Some(command) = machine.poll_command() {
//!     // Command::Abort (release the finished request), Command::Error { .. }
//!     let _ = command;
//! }
//! assert_eq!(machine.poll_timeout(), Some(now + 500));
//! now += 500;
//! machine.handle_timeout(now);
//! assert_eq!(
//!     machine.poll_command(),
//!     Some(Command::Fetch(Request {
//!         url: "https://example.com/events".into(),
//!         last_event_id: Some("7".into()),
//!         kind: RequestKind::Reconnect { attempt: 1 },
//!         authorize: false,
//!     }))
//! );
//! ```

#![no_std]
#![deny(missing_docs)]

extern crate alloc;

pub mod machine;
pub mod mime;
pub mod parser;
pub mod shared;
pub mod url;
