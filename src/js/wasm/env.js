// Bound by src/web/env.rs: the global object of this realm (window, worker,
// service worker, Node), read where it is used. `globalThis` is in every
// realm the package supports, so js-sys's search through `self`, `window`
// and `global` (four lazily cached lookups) is not needed.
export function realm() { return globalThis; }
