// What this realm offers, found by feature tests on the global object (never
// `window`), so one build serves windows, workers, service workers and Node.
// Looked up when asked, not at load: tests replace globals after importing.

const G = globalThis;

/** Whether the realm's own EventSource exists (and is not `ours`). */
export function hasNative(ours) {
  return typeof G.EventSource === 'function' && G.EventSource !== ours;
}

/** Whether fetch can stream a response body. */
export function canStreamFetch() {
  return (
    typeof G.fetch === 'function' &&
    typeof G.AbortController === 'function' &&
    typeof G.ReadableStream === 'function' &&
    typeof G.Response === 'function' &&
    'body' in G.Response.prototype
  );
}

export function hasXhr() {
  return typeof G.XMLHttpRequest === 'function';
}

/** The transport used here by default: 'fetch', 'xhr', or null. */
export function defaultTransport() {
  return canStreamFetch() ? 'fetch' : hasXhr() ? 'xhr' : null;
}

/** This realm's origin, where CORS applies (windows and workers; not Node). */
export function realmOrigin() {
  const origin = G.location && G.location.origin;
  return typeof origin === 'string' ? origin : undefined;
}
