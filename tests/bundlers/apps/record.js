// Shared by the tiny apps: opens the page's ?sse= URL with the EventSource it
// is given and records what it dispatches on window.__app, which the test
// (tests/package/bundlers.test.mjs) reads from Chromium.
export function record(EventSource, extra = {}) {
  const app = { log: [], ...extra };
  window.__app = app;
  const url = new URLSearchParams(location.search).get('sse');
  if (!url) return app;
  const es = new EventSource(url);
  app.source = es;
  for (const type of ['open', 'message', 'error']) {
    es.addEventListener(type, (event) => {
      app.log.push({ type, readyState: es.readyState, data: typeof event.data === 'string' ? event.data : null, lastEventId: typeof event.lastEventId === 'string' ? event.lastEventId : null });
    });
  }
  return app;
}
