//! The web layer (wasm32 only). No protocol logic lives here: the driver
//! turns what JavaScript reports into inputs of the pure machine
//! (`eventsource_core`) and its commands into calls.
//!
//! ```text
//! source ── driver ── resources (timer, request, front-end: `FrontEnd`,
//!              │                  the JavaScript one is `link`)
//!              │  └── request (headers, Accept, Last-Event-ID) ── fetch | xhr
//!              ├── probe                    everything reports through `seam`
//!              └── membership: `Solo`, or the shared `Group` (its frames:
//!                  `shared`, posted through the front-end; the rules are
//!                  `eventsource_core::shared`'s; identity: the group's name, a
//!                  digest of the request)
//! ```

#[cfg(feature = "api")]
pub mod api;
// Parts of these serve only the JavaScript class (its signals, the shell's
// first request, its options object): unused in a build without `js`.
mod clock;
#[cfg_attr(not(feature = "js"), allow(dead_code))]
mod driver;
#[cfg_attr(not(feature = "js"), allow(dead_code))]
mod env;
#[cfg_attr(not(feature = "js"), allow(dead_code))]
mod fetch;
mod front;
mod guard;
mod handles;
mod hooks;
#[cfg(feature = "shared")]
mod identity;
#[cfg(feature = "js")]
mod inspect;
#[cfg(feature = "js")]
mod link;
mod panic;
mod probe;
mod request;
mod resources;
mod seam;
#[cfg_attr(not(feature = "js"), allow(dead_code))]
mod settings;
#[cfg(feature = "shared")]
mod shared;
#[cfg(feature = "js")]
mod source;
mod stats;
mod xhr;

// The JavaScript class's exports (the `js` feature, which the npm build
// enables): a Rust app that depends on this crate gets none of them.
#[cfg(all(feature = "shared", feature = "js"))]
pub use identity::group_name;
#[cfg(feature = "js")]
pub use inspect::inspect_stream;
#[cfg(all(feature = "bench", feature = "js"))]
pub use inspect::parse_count;
#[cfg(feature = "js")]
pub use link::Link;
#[cfg(feature = "js")]
pub use source::{Source, supports_sse};
#[cfg(feature = "js")]
pub use stats::diagnostics;
