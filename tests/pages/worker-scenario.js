// Shared by the worker tests: open a stream, collect what arrives, report.
// `EventSourceCtor` is whatever the worker loaded; `url` is a test-server
// plan whose first connection sends `custom` with id w1 and ends (retry 50),
// and whose second sends `custom` again.
// Count XHR requests, to tell which transport carried the stream.
self.xhrOpens = 0;
if (typeof XMLHttpRequest === 'function') {
  const open = XMLHttpRequest.prototype.open;
  XMLHttpRequest.prototype.open = function (...args) {
    self.xhrOpens++;
    return open.apply(this, args);
  };
}

self.runScenario = function runScenario(EventSourceCtor, url, init) {
  return new Promise((resolve) => {
    const log = [];
    const es = new EventSourceCtor(url, init);
    es.onopen = () => log.push(['open', es.readyState]);
    es.onerror = (e) => log.push(['error', es.readyState, e.reason || null]);
    es.addEventListener('custom', (e) => {
      log.push(['custom', e.data, e.lastEventId, e.origin]);
      if (e.data === 'b') {
        es.close();
        resolve({ log, xhrOpens: self.xhrOpens, readyState: es.readyState, isPolyfill: !!(self.EventSourceWasm && self.EventSourceWasm.isPolyfill(EventSourceCtor)), environment: self.EventSourceWasm ? self.EventSourceWasm.environment() : null });
      }
    });
    setTimeout(() => resolve({ log, timeout: true }), 8000);
  });
};
