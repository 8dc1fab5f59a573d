// A module service worker that imports the explicit entry, which loads its
// core with import(): HTML forbids that here, and the source's error event
// must say which entry to import instead.
import { EventSource } from '/dist/index.js';
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (e) => e.waitUntil(self.clients.claim()));
self.addEventListener('message', (e) => {
  e.waitUntil(
    new Promise((resolve) => {
      const es = new EventSource(e.data.url);
      const timer = setTimeout(() => resolve({ timeout: true }), 5000);
      es.onopen = () => {
        clearTimeout(timer);
        es.close();
        resolve({ opened: true });
      };
      es.onerror = (event) => {
        clearTimeout(timer);
        resolve({ readyState: es.readyState, reason: event.reason, message: event.message, cause: event.cause ? String(event.cause.message) : null });
      };
    }).then((result) => e.source.postMessage(result)),
  );
});
