// eventsource-wasm/auto: installs EventSource on the global object only where
// the platform has none (IE-era browsers, restricted WebViews, service
// workers, Node), and re-exports everything. An existing EventSource is
// never replaced, and then no WebAssembly is downloaded or compiled.

import { EventSource, ready } from './api.js';

export * from './api.js';

const g = globalThis;
if (typeof g.EventSource !== 'function') {
  // The same property shape as the platform's interface object.
  Object.defineProperty(g, 'EventSource', { value: EventSource, writable: true, configurable: true, enumerable: false });
  // It will be used: start loading the core in the background, once the
  // code that runs next (the importing module; the page's other scripts,
  // while it is being parsed) has had its turn to construct a source and
  // say which core it needs: one with `shared` loads only the shared core,
  // which serves every source. A source constructed before then starts the
  // load itself, so waiting costs it nothing. (A task is not enough in a
  // loading page: Chromium may run it before the next parser-inserted
  // script.)
  const start = () => ready().catch(() => {});
  const d = g.document;
  if (d && d.readyState === 'loading') d.addEventListener('DOMContentLoaded', start, { once: true });
  else g.setTimeout(start, 0);
}
