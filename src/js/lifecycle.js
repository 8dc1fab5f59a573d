// The page lifecycle and the network, for every live source.

import { drive, live } from './state.js';

// Page lifecycle. A page with an open connection cannot enter the
// back/forward cache, so on `pagehide` (persisted) every source lets go of
// its connection, and on `pageshow` (persisted) reconnects with
// Last-Event-ID. With `pauseWhenHidden`, a source does the same while the
// page is hidden. In between, readyState is CONNECTING and no event fires.
// `offline`/`online` tell the machine the network went and came back.
export function hidden() {
  const d = globalThis.document;
  return !!d && d.visibilityState === 'hidden';
}

export function offline() {
  const n = globalThis.navigator;
  return !!n && n.onLine === false;
}

function suspend(state, why) {
  if (state.suspended) return;
  state.suspended = why;
  if (state.source === null) return;
  drive(state, 'suspend');
  if (state.source !== null) state.readyState = state.source.readyState;
}

function resume(state, why) {
  if (state.suspended !== why) return;
  state.suspended = null;
  if (state.source === null) return;
  drive(state, 'resume');
  if (state.source !== null) state.readyState = state.source.readyState;
}

let watching = false;
export function watchLifecycle() {
  const g = globalThis;
  if (watching || typeof g.addEventListener !== 'function') return;
  watching = true;
  const network = (online) => () => {
    for (const state of live) drive(state, 'online', online);
  };
  g.addEventListener('online', network(true));
  g.addEventListener('offline', network(false));
  if (!g.document) return;
  // window.stop() aborts every request in flight, which fails the
  // connection (HTML §9.2.2: "an aborted network error"); Chromium's fetch
  // reports it as the same TypeError as a network error, so the sources are
  // told first. Wrapped once, when the first source is made (importing the
  // package changes no global).
  const original = g.stop;
  if (typeof original === 'function') {
    Object.defineProperty(g, 'stop', {
      value: function stop() {
        for (const state of live) drive(state, 'stopped');
        return Reflect.apply(original, this === undefined ? g : this, arguments);
      },
      writable: true,
      configurable: true,
      enumerable: true,
    });
  }
  g.addEventListener('pagehide', (e) => {
    if (e.persisted) for (const state of live) suspend(state, 'bfcache');
  });
  g.addEventListener('pageshow', (e) => {
    if (e.persisted) for (const state of live) resume(state, 'bfcache');
  });
  g.document.addEventListener('visibilitychange', () => {
    for (const state of live) {
      if (!state.settings.pauseWhenHidden) continue;
      if (hidden()) suspend(state, 'hidden');
      else resume(state, 'hidden');
    }
  });
}

