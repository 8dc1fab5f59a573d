//! (The crate's documentation is its README: see below.)
#![doc = include_str!("../README.md")]
#![no_std]
#![deny(missing_docs)]

extern crate alloc;

pub mod buffering;
pub mod credentials;
pub mod machine;
pub mod mime;
pub mod parser;
pub mod shared;
pub mod url;

mod time;
pub use time::{Instant, Millis};
