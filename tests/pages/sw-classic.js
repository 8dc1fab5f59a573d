// A classic service worker: no XMLHttpRequest. Recent Chromium exposes
// EventSource in service workers; older engines and other browsers do not,
// so remove it to test the drop-in script installing its own (over fetch).
delete self.EventSource;
importScripts('/dist/eventsource-wasm.js', '/tests/pages/worker-scenario.js');
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (e) => e.waitUntil(self.clients.claim()));
self.addEventListener('message', (e) => {
  e.waitUntil(
    self.runScenario(self.EventSource, e.data.url).then((result) => {
      result.hasXhr = typeof self.XMLHttpRequest === 'function';
      e.source.postMessage(result);
    }),
  );
});
