// eventsource-wasm: everything the entries export. No side effects: see
// ./index.js (explicit use) and ./auto.js (installs where missing).

import { loadCore, loadedCores, wasmAllowed } from './core.js';
import { nativeEventTarget } from './dom.js';
import { defaultTransport, hasNative } from './env.js';
import { BRAND, EventSource, events, reconnect } from './event-source.js';
import { canShare } from './shared.js';

export { EventSource, events, reconnect };
export { sharing } from './shared.js';

/**
 * Whether this realm can receive server-sent events: it has a native
 * EventSource, or this package's transports can run here (the same answer
 * as the wasm module's own supportsSSE(), without waiting for it).
 */
export function supportsSSE() {
  if (hasNative(EventSource)) return true;
  // Where WebAssembly may not be compiled, only a native EventSource can.
  return wasmAllowed() && defaultTransport() !== null;
}

/**
 * Whether `ctor` (by default the global EventSource) is this package's
 * EventSource rather than the platform's: this copy's, or another copy's
 * (another bundle, another version), which carries the same brand.
 */
export function isPolyfill(ctor = globalThis.EventSource) {
  // Own property: a subclass (one a page made of ours) is not the package's.
  return ctor === EventSource || (typeof ctor === 'function' && Object.prototype.hasOwnProperty.call(ctor, BRAND));
}

/** What the polyfill runs on here: the transport and the EventTarget. */
export function environment() {
  return {
    native: hasNative(EventSource),
    transport: wasmAllowed() ? defaultTransport() : null,
    eventTarget: nativeEventTarget ? 'native' : 'fallback',
    // Whether `shared` sources hold one connection here (Web Locks and
    // BroadcastChannel exist), or each its own.
    shared: canShare(),
  };
}

/** Resolves once the WebAssembly core is loaded (sources never need to wait for it). */
export function ready() {
  return loadCore().then(() => undefined);
}

/**
 * Parse a whole event stream with the wasm parser and report what it makes
 * of it (events, retry changes, ignored lines and why). For tools and the
 * demo's stream inspector. Resolves once the core is loaded.
 */
export async function inspectStream(input) {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  const core = await loadCore();
  return core.readReport(core.inspectStream(bytes));
}

/**
 * Live counts of what this package holds: sources, timers, listeners,
 * requests, callbacks, and the wasm memory size. All but the memory return
 * to 0 once every source is closed.
 */
export function diagnostics() {
  // Summed over the cores loaded (the `shared` option's is a core of its own).
  const total = { sources: 0, timers: 0, listeners: 0, requests: 0, callbacks: 0, wasmMemoryBytes: 0 };
  for (const core of loadedCores()) {
    const counts = core.diagnostics();
    for (const key of Object.keys(total)) total[key] += counts[key];
  }
  return total;
}
