// The `eventsource-wasm/static` build's stand-in for core-glue.js: its one
// core comes with the entry (the shared core, which serves every source),
// so no other is ever asked for, and this build has no import() that a
// service worker would refuse or a bundler would inline.

export async function fetchChunk(variant) {
  throw new Error(`eventsource-wasm: the ${variant} core is not part of the eventsource-wasm/static build (it carries the shared core, which serves every source)`);
}
