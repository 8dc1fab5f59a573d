// The `shared` option's Web Lock for a source of the Rust API
// (src/web/api/group.rs; the JavaScript class holds its own, src/js/group.js).
// navigator.locks.request(name, cb) holds the lock until the promise cb
// returns settles: here until releaseLock (close, pagehide, a fatal error),
// or until the realm goes away. Looked up when used: tests replace it.

/** Queue for the lock `name`; `granted` is called when it is held. */
export function requestLock(name, granted) {
  const slot = { abort: new AbortController(), release: null };
  const held = () =>
    new Promise((resolve) => {
      if (slot.abort === null) return resolve();
      slot.release = resolve;
      granted();
    });
  globalThis.navigator.locks.request(name, { signal: slot.abort.signal }, held).catch(() => {});
  return slot;
}

/** Leave the queue, or let go of the lock (the next waiter is granted it). */
export function releaseLock(slot) {
  if (slot.abort !== null) slot.abort.abort();
  if (slot.release !== null) slot.release();
  slot.abort = slot.release = null;
}
