// Where a core comes from when it was not imported statically (the
// ES module and CommonJS builds of `/auto`, and the `shared` core): a chunk
// of its own, fetched by a dynamic import only when the core is wanted, so
// that a page whose browser has EventSource never downloads it. (The
// classic script swaps this file for core-glue-script.js.)

export async function fetchChunk(variant) {
  const chunk = variant === 'shared' ? await import('./core-chunk-shared.js') : await import('./core-chunk.js');
  // From CommonJS, the namespace of a required file is its exports object.
  return chunk.glue ? chunk : chunk.default;
}
