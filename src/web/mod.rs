//! The web layer (wasm32 only); see the module files.
