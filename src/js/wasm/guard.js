// Bound by src/web/guard.rs: every way JavaScript calls into the wasm (a
// timer, an event listener, a promise settling) goes through a wrapper here
// that catches a trap.

// A trap is a RuntimeError from the wasm: already reported by the panic
// hook (src/web/panic.rs), which poisoned the source whose code ran.
// Anything else is a bug in JavaScript and goes on as it was. The one copy
// of this filter: the read loop (pump.js) and the shell (state.js) use it.
export function contain(error) {
  if (!(error instanceof WebAssembly.RuntimeError)) throw error;
}
export function guarded(f) {
  return function (a) {
    try {
      f(a);
    } catch (error) {
      contain(error);
    }
  };
}
// Calls `once({ ok: true, value })` or `once({ ok: false, value: reason })`
// when `promise` settles (one argument: every closure of the wasm takes
// one, src/web/guard.rs),
// unless `cancel(slot)` came first (the Rust side dropped its handle, and so
// the closure). Returns the slot.
export function settle(promise, once) {
  const slot = { once };
  const call = (ok, value) => {
    const f = slot.once;
    if (f === null) return;
    slot.once = null;
    try {
      f({ ok, value });
    } catch (error) {
      contain(error);
    }
  };
  promise.then((value) => call(true, value), (reason) => call(false, reason));
  return slot;
}
export function cancel(slot) {
  slot.once = null;
}
