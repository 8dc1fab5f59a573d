// Bound by src/web/clock.rs: the page's clock and timers, looked up on the
// global object at every call (never once at load), so fake clocks
// installed after the package was imported drive it.
export function now() { return globalThis.Date.now(); }
export function arm(handler, delay) { return globalThis.setTimeout(handler, delay); }
export function disarm(id) { globalThis.clearTimeout(id); }
// A deadline already due runs once the code now running is done, from a
// promise job, which no fake clock replaces (queueMicrotask is one they do).
export function soon(handler) {
  const slot = { live: true };
  Promise.resolve().then(() => slot.live && handler());
  return slot;
}
export function drop_soon(slot) { slot.live = false; }
