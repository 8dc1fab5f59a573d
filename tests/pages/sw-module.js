// A module service worker, importing the ESM entry.
import * as EventSourceWasm from '/dist/index.js';
import '/tests/pages/worker-scenario.js';
self.EventSourceWasm = EventSourceWasm;
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (e) => e.waitUntil(self.clients.claim()));
self.addEventListener('message', (e) => {
  e.waitUntil(
    self.runScenario(EventSourceWasm.EventSource, e.data.url).then((result) => {
      result.hasXhr = typeof self.XMLHttpRequest === 'function';
      e.source.postMessage(result);
    }),
  );
});
