// The first app's service worker: a dynamic import is forbidden in service
// workers, so it imports eventsource-wasm/static, whose core comes with the bundle
// (package.json sideEffects keeps the statement that provides it). Reports
// each event to the page that asks.
import { EventSource } from 'eventsource-wasm/static';

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
self.addEventListener('message', (event) => {
  const log = [];
  const es = new EventSource(event.data.url);
  event.waitUntil(
    new Promise((resolve) => {
      const done = () => {
        es.close();
        event.source.postMessage(log);
        resolve();
      };
      const timer = setTimeout(done, 5000);
      for (const type of ['open', 'message', 'error']) {
        es.addEventListener(type, (e) => {
          log.push({ type, readyState: es.readyState, data: typeof e.data === 'string' ? e.data : null, message: e.message ?? null });
          if (type === 'message' || es.readyState === 2) {
            clearTimeout(timer);
            done();
          }
        });
      }
    }),
  );
});
