// Bound by src/web/env.rs: the global object of this realm (window, worker,
// service worker, Node), read where it is used. `globalThis` is in every
// realm the package supports, so js-sys's search through `self`, `window`
// and `global` (four lazily cached lookups) is not needed.
export function realm() { return globalThis; }
// Property access for src/web/env.rs, the key passed as a string: what
// js-sys's `Reflect::get`/`set` do, in one call each. A target that is not
// an object, or a getter or setter that throws, gives undefined.
export function read(target, key) {
  try {
    return Reflect.get(target, key);
  } catch {
    return undefined;
  }
}
export function write(target, key, value) {
  try {
    Reflect.set(target, key, value);
  } catch {
    // As `let _ = Reflect::set(…)` did: nothing to report.
  }
}
