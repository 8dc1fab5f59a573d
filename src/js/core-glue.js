// Where the core comes from when it was not imported statically (the
// ES module and CommonJS builds of `/auto`): a chunk of its own, fetched by
// a dynamic import only when the core is wanted, so that a page whose
// browser has EventSource never downloads it. (The classic script swaps
// this file for core-glue-script.js.)

export async function fetchChunk() {
  const chunk = await import('./core-chunk.js');
  // From CommonJS, the namespace of a required file is its exports object.
  return chunk.glue ? chunk : chunk.default;
}
