//! The web layer (wasm32 only). No protocol logic lives here: the driver
//! turns what JavaScript reports into inputs of the pure machine
//! (`sse_core`) and its commands into calls.
//!
//! ```text
//! source ── driver ── resources (timer, request, front-end: `FrontEnd`,
//!              │                  the JavaScript one is `link`)
//!              │  └── request (headers, Accept, Last-Event-ID) ── fetch | xhr
//!              ├── probe                    everything reports through `seam`
//!              └── membership: `Solo`, or the shared `Group` (its frames:
//!                  `shared`, posted through the front-end; the rules are
//!                  `sse_core::shared`'s; identity: the group's name, a
//!                  digest of the request)
//! ```

mod clock;
mod driver;
mod env;
mod fetch;
mod first;
mod front;
mod guard;
mod handles;
mod hooks;
#[cfg(feature = "shared")]
mod identity;
mod inspect;
mod link;
mod panic;
mod probe;
mod request;
mod resources;
mod seam;
mod settings;
#[cfg(feature = "shared")]
mod shared;
mod source;
mod stats;
mod xhr;

#[cfg(feature = "shared")]
pub use identity::group_name;
pub use inspect::inspect_stream;
#[cfg(feature = "bench")]
pub use inspect::parse_count;
pub use link::Link;
pub use source::{Source, supports_sse};
pub use stats::diagnostics;
