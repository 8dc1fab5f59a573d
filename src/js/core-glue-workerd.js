// The `workerd` build's stand-in for core-glue.js: its base core comes with
// the entry (a .wasm module), and Workers have neither Web Locks nor
// BroadcastChannel, so no `shared` core is ever asked for (canShare() is
// false there). Were one asked for, say so rather than import a chunk of
// embedded bytes that the runtime would refuse to compile.

export async function fetchChunk(variant) {
  throw new Error(`eventsource-wasm: the ${variant} core is not part of the workerd build`);
}
