// A module service worker, importing eventsource-wasm/static (the entry
// that carries its core: import() is forbidden here).
import * as EventSourceWasm from '/dist/static.js';
import '/tests/pages/worker-scenario.js';
self.EventSourceWasm = EventSourceWasm;
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (e) => e.waitUntil(self.clients.claim()));
self.addEventListener('message', (e) => {
  e.waitUntil(
    self.runScenario(EventSourceWasm.EventSource, e.data.url, e.data.init).then((result) => {
      result.hasXhr = typeof self.XMLHttpRequest === 'function';
      result.sharing = e.data.init ? EventSourceWasm.environment().shared : null;
      e.source.postMessage(result);
    }),
  );
});
