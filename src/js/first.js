// A source's start-up and its first request: one path, whether the
// WebAssembly core is here already or still loading (the Rust side of it is
// src/web/first.rs).
//
// HTML §9.2.2 starts the fetch in the constructor; here the start-up runs
// once the code that constructed the source has run, from a promise job, so
// that a source closed by that code makes no request at all, as native's.
// Not a task: in a loading page Chromium ran that timer 4–14 ms after the
// constructing script (measured in Chromium 156). Not queueMicrotask(),
// which fake clocks replace. Then:
//
// - the core is here: the driver is made, and it makes the first request at
//   once (its first deadline is due, and a due deadline runs from a promise
//   job too: src/js/wasm/clock.js);
// - the core is still loading: the shell makes the first request itself,
//   over fetch, exactly as the machine's first command will ask for it (no
//   Last-Event-ID but the `lastEventId` option's, credentials only where
//   they go first), and the driver adopts it when that command comes
//   (src/web/first.rs checks that they match, and makes its own otherwise).
//   A URL with credentials (which the core splits off) and a shared source
//   (whose group decides who connects) wait for the core instead, as does a
//   source paused while its page is hidden.

import { CLOSED } from './generated/contract.js';
import { coreNow, loadCore } from './core.js';
import { requestInit } from './request.js';

/**
 * The first request, made by the shell: what the driver adopts (its fields
 * are read by src/web/first.rs) or what finish() aborts.
 */
export class FirstRequest {
  constructor(state) {
    const { settings, requestUrl } = state;
    this.url = requestUrl;
    this.lastEventId = settings.lastEventId || '';
    this.authorize = !!settings.authorizeFirst;
    this.controller = new AbortController();
    // Set when the page called window.stop() while it was in flight.
    this.stopped = false;
    const fetchFn = settings.fetch || globalThis.fetch;
    this.promise = Promise.resolve()
      .then(() => requestInit(settings, requestUrl, this.lastEventId, this.authorize))
      .then((init) => {
        init.signal = this.controller.signal;
        return fetchFn.call(undefined, requestUrl, init);
      });
    // Whoever adopts it sees the outcome; until then it must not be unhandled.
    this.promise.catch(() => {});
  }

  abort() {
    this.controller.abort();
  }
}

/**
 * Start `state`'s source: `connect(core)` makes its driver once the core is
 * here (and does nothing if the source is CLOSED or has one); `failed(error)`
 * says the core could not be loaded.
 */
export function startUp(state, variant, connect, failed) {
  // Loading begins at once; connecting waits for the constructing code.
  const loading = coreNow(variant) === null ? loadCore(variant) : null;
  Promise.resolve().then(() => {
    if (state.readyState === CLOSED || state.source !== null) return;
    const core = coreNow(variant);
    if (core !== null) connect(core);
    else if (state.settings.transport === 'fetch' && !state.credentialed && !state.settings.shared && !state.suspended) {
      state.first = new FirstRequest(state);
    }
  });
  if (loading !== null) loading.then(connect, failed);
}
