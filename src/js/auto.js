// eventsource-wasm/auto: installs EventSource on the global object only where
// the platform has none (IE-era browsers, restricted WebViews, service
// workers, Node), and re-exports everything. An existing EventSource is
// never replaced.

import { EventSource } from './index.js';

export * from './index.js';

const g = globalThis;
if (typeof g.EventSource !== 'function') {
  // The same property shape as the platform's interface object.
  Object.defineProperty(g, 'EventSource', { value: EventSource, writable: true, configurable: true, enumerable: false });
}
