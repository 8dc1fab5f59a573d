// The first request, made by the shell while the WebAssembly core is still
// loading, so that it leaves as the standard says (once the constructing
// script has run: see event-source.js), not when the core is ready. It is exactly the request the
// machine's first command asks for — no Last-Event-ID but the `lastEventId`
// option's, credentials only where they go first — and the driver adopts it
// when that command comes (src/web/driver: it checks that they match, and
// makes its own otherwise). Over fetch only.

import { requestInit } from './request.js';

/** Start it; returns what the driver adopts (or what close() aborts). */
export function prefetch(state) {
  const { settings, requestUrl } = state;
  const lastEventId = settings.lastEventId || '';
  const authorize = !!settings.authorizeFirst;
  const controller = new AbortController();
  const fetchFn = settings.fetch || globalThis.fetch;
  const promise = Promise.resolve()
    .then(() => requestInit(settings, requestUrl, lastEventId, authorize))
    .then((init) => {
      init.signal = controller.signal;
      return fetchFn.call(undefined, requestUrl, init);
    });
  // Whoever adopts it sees the outcome; until then it must not be unhandled.
  promise.catch(() => {});
  return { url: requestUrl, lastEventId, authorize, promise, controller };
}
