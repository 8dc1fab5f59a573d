// Where a core comes from when it was not imported statically (the
// ES module and CommonJS builds of the explicit entry and of `/auto`): a
// chunk of its own, fetched by a dynamic import only when the core is
// wanted, so that a page whose browser has EventSource never downloads it,
// and a page downloads the one core it needs. (The classic script swaps
// this file for core-glue-script.js, eventsource-wasm/static for
// core-glue-static.js.)

export async function fetchChunk(variant) {
  let chunk;
  try {
    chunk = variant === 'shared' ? await import('./core-chunk-shared.js') : await import('./core-chunk.js');
  } catch (error) {
    // HTML forbids import() in a service worker ("import() is disallowed on
    // ServiceWorkerGlobalScope"): say which entry carries its core.
    const Scope = globalThis.ServiceWorkerGlobalScope;
    if (typeof Scope === 'function' && globalThis instanceof Scope) {
      throw new Error(`a service worker may not import() the core chunk (${error && error.message}): import from 'eventsource-wasm/static', which carries its core`, { cause: error });
    }
    throw error;
  }
  // From CommonJS, the namespace of a required file is its exports object.
  return chunk.glue ? chunk : chunk.default;
}
