// Bound by src/web/panic.rs (the npm build's panic handler): the report of
// a panic, made here so that the wasm formats nothing (no core::fmt): the
// wasm frames' offsets from the stack, and what to do with them.
export function panicReport() {
  const stack = String(new Error().stack || '');
  const sites = [...stack.matchAll(/wasm-function\[(\d+)\]:(0x[0-9a-f]+)/g)].map((m) => `${m[1]}:${m[2]}`);
  const message = `eventsource-wasm panicked (wasm ${sites.length ? sites.join(' < ') : 'stack unavailable'}). This is a bug: please report it with these offsets and the package version. The source that panicked was closed; the page and other sources go on.`;
  console.error(message);
  return message;
}
