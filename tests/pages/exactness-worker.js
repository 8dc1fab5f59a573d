// A classic worker script for tests/e2e/exactness.test.mjs, used as a
// dedicated worker, a shared worker and a service worker alike: the native
// EventSource removed (service workers have none), the drop-in script
// loaded, then a named scenario run on request and its log sent back.
delete self.EventSource;
importScripts('/dist/eventsource-wasm.js');

function run({ scenario, url }) {
  return new Promise((resolve) => {
    const log = [];
    let abort = () => {};
    const init =
      scenario === 'abort'
        ? {
            // The fetch option's own abort: a foreign abort for the source.
            fetch(input, options) {
              const controller = new AbortController();
              abort = () => controller.abort();
              return fetch(input, { ...options, signal: controller.signal });
            },
          }
        : undefined;
    const es = new self.EventSource(url, init);
    es.onopen = () => log.push(['open', es.readyState]);
    es.onmessage = (e) => {
      log.push(['message', e.data]);
      abort();
    };
    es.onerror = (e) => log.push(['error', es.readyState, e.reason || null]);
    // Long enough for a reconnection (3 s by default would be the next
    // thing to happen) to be seen not to start: the server counts requests.
    setTimeout(() => {
      es.close();
      resolve({ log, readyState: es.readyState });
    }, 700);
  });
}

self.addEventListener('message', (e) => {
  const reply = run(e.data).then((result) => {
    if (e.source) e.source.postMessage(result); // service worker
    else self.postMessage(result); // dedicated worker
  });
  if (e.waitUntil) e.waitUntil(reply);
});
self.addEventListener('connect', (e) => {
  const port = e.ports[0];
  port.onmessage = (m) => run(m.data).then((result) => port.postMessage(result));
});
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (e) => e.waitUntil(self.clients.claim()));
