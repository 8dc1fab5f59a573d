// eventsource-wasm/auto: installs EventSource on the global object only where
// the platform has none (IE-era browsers, restricted WebViews, service
// workers, Node), and re-exports everything. An existing EventSource is
// never replaced, and then no WebAssembly is downloaded or compiled.

import { EventSource, ready } from './api.js';
import { soon } from './soon.js';

export * from './api.js';

const g = globalThis;
if (typeof g.EventSource !== 'function') {
  // The same property shape as the platform's interface object.
  Object.defineProperty(g, 'EventSource', { value: EventSource, writable: true, configurable: true, enumerable: false });
  // It will be used: start loading the core in the background, once the
  // code that runs next has had its turn to say which core it needs.
  soon(() => ready().catch(() => {}));
}
