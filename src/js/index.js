// eventsource-wasm: the ESM entry. It never touches globals; see ./auto.js
// for the entry that installs EventSource where it is missing.

import { wasm, wasmIfAvailable } from './wasm.js';
import { nativeEventTarget } from './dom.js';
import { EventSource, events } from './event-source.js';

export { EventSource, events };

/**
 * Whether this realm can receive server-sent events: it has a native
 * EventSource, or this package's transports can run here.
 */
export function supportsSSE() {
  const module = wasmIfAvailable();
  // Where WebAssembly may not be compiled, only a native EventSource can.
  if (module === null) return hasNative();
  return module.supportsSSE();
}

function hasNative() {
  const g = globalThis;
  return typeof g.EventSource === 'function' && g.EventSource !== EventSource;
}

/**
 * Whether `ctor` (by default the global EventSource) is this package's
 * EventSource rather than the platform's.
 */
export function isPolyfill(ctor = globalThis.EventSource) {
  return ctor === EventSource;
}

/** What the polyfill runs on here: the transport and the EventTarget. */
export function environment() {
  const module = wasmIfAvailable();
  return {
    native: hasNative(),
    transport: (module && module.transport()) || null,
    eventTarget: nativeEventTarget ? 'native' : 'fallback',
  };
}

/**
 * Parse a whole event stream with the wasm parser and report what it makes
 * of it (events, retry changes, ignored lines and why). For tools and the
 * demo's stream inspector.
 */
export function inspectStream(input) {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  return wasm().inspectStream(bytes);
}

/**
 * Live counts of what this package holds: sources, timers, listeners,
 * requests, and the wasm memory size. All but the memory return to 0 once
 * every source is closed.
 */
export function diagnostics() {
  return wasm().diagnostics();
}

/**
 * Run the wasm parser alone over `bytes` in `chunkSize` pieces and return
 * `{ events, dataBytes }`: for benchmarks, no event objects are made.
 */
export function parseCount(bytes, chunkSize = 65536) {
  const [events, dataBytes] = wasm().parseCount(bytes, chunkSize);
  return { events, dataBytes };
}
