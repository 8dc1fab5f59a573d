// The Rust API's browser tests' own JavaScript (tests/api_support/mod.rs binds
// it with #[wasm_bindgen(module = …)]); the helpers to reach the test server
// are tests/web/double.js's, shared with tests/web.rs.

// A fetch function that records each init's credentials mode, then fetches.
export function recordingFetch(seen) {
  return (url, init) => { seen.push(init.credentials); return fetch(url, init); };
}
// The npm package's classic script (tests/rust_api_shared.rs).
export function loadScript(src) {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error(`cannot load ${src}: run npm run build first (npm test does)`));
    document.head.appendChild(script);
  });
}
// A JavaScript EventSource of the package, with the shared option (`true`
// for the key ''), and what it saw.
export function jsSource(url, key) {
  const seen = [];
  const source = new globalThis.EventSourceWasm.EventSource(url, { shared: key === '' ? true : key });
  source.onopen = () => seen.push('open');
  source.onmessage = (e) => seen.push(`${e.data}@${e.lastEventId}`);
  source.onerror = (e) => seen.push(`error:${e.reason}`);
  return { source, seen };
}
export function jsSeen(handle) { return handle.seen.join(','); }
export function jsClose(handle) { handle.source.close(); }
// Hide or show the page as far as the Page Visibility API can tell, and say so.
export function setHidden(hidden) {
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
  document.dispatchEvent(new Event('visibilitychange'));
}
