// The page lifecycle and the network, for every live source.

import { leaveGroup, rejoinGroup } from './shared.js';
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
  // A shared source lets go of its group's lock on any pagehide (the page
  // is navigating away, closing, or going into the cache), so that another
  // leads at once; back from the cache, it joins again as a newcomer.
  g.addEventListener('pagehide', (e) => {
    for (const state of live) {
      if (state.member) leaveGroup(state);
      else if (e.persisted) suspend(state, 'bfcache');
    }
  });
  g.addEventListener('pageshow', (e) => {
    if (!e.persisted) return;
    for (const state of live) {
      if (state.member) rejoinGroup(state);
      else resume(state, 'bfcache');
    }
  });
  g.document.addEventListener('visibilitychange', () => {
    for (const state of live) {
      if (!state.settings.pauseWhenHidden) continue;
      // A shared source leaves its group while hidden (another leads, or,
      // with every tab hidden, none: no connection), and joins it again.
      if (state.member) {
        if (hidden()) leaveGroup(state);
        else rejoinGroup(state);
      } else if (hidden()) suspend(state, 'hidden');
      else resume(state, 'hidden');
    }
  });
}

