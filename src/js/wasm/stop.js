// window.stop() aborts every request in flight, which fails the connection
// (HTML §9.2.2: "an aborted network error"); Chromium's fetch reports it as
// the same TypeError as a network error, so the sources must be told first.
// One signal for both front-ends: the page's `stop` is wrapped once, and
// before it runs dispatches STOP_EVENT on the global object, which the
// JavaScript class (src/js/state.js) and the Rust API
// (src/web/api/lifecycle.rs) listen to.
//
// Bound by the Rust API and imported by the shell: a page can hold two
// copies of this module (the shell's bundle and the core's snippets), so
// "once" is a mark on the wrapper itself, not a variable here.
// Wrapped when the first source is made (importing the package changes no
// global).

export const STOP_EVENT = 'eventsource-wasm:stop';

export function watchStop() {
  const g = globalThis;
  const original = g.stop;
  // The wrapper carries STOP_EVENT as its mark.
  if (!g.document || typeof original !== 'function' || original[STOP_EVENT]) return;
  const stop = function stop() {
    g.dispatchEvent(new Event(STOP_EVENT));
    return Reflect.apply(original, this === undefined ? g : this, arguments);
  };
  stop[STOP_EVENT] = true;
  g.stop = stop;
}
