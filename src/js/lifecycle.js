// The page lifecycle and the network, for every live source. In the core
// chunk (watched once the first source has a driver); the shell hands it
// the live sources and its helpers (`shell`, see event-source.js).
//
// A page with an open connection cannot enter the back/forward cache, so
// on `pagehide` (persisted) every source lets go of its connection, and on
// `pageshow` (persisted) reconnects with Last-Event-ID. With
// `pauseWhenHidden`, a source does the same while the page is hidden. In
// between, readyState is CONNECTING and no event fires. `offline`/`online`
// tell the machine the network went and came back.

let watching = false;

export function watchLifecycle({ live, drive, hidden }) {
  const g = globalThis;
  if (watching || typeof g.addEventListener !== 'function') return;
  watching = true;
  const suspend = (state, why) => {
    if (state.suspended) return;
    state.suspended = why;
    drive(state, 'suspend');
    state.follow();
  };
  const resume = (state, why) => {
    if (state.suspended !== why) return;
    state.suspended = null;
    drive(state, 'resume');
    state.follow();
  };
  const each = (f) => {
    for (const state of live) if (state.source !== null) f(state);
  };
  g.addEventListener('online', () => each((state) => drive(state, 'online', true)));
  g.addEventListener('offline', () => each((state) => drive(state, 'online', false)));
  if (!g.document) return;
  // A shared source lets go of its group's lock on any pagehide (the page
  // is navigating away, closing, or going into the cache), so that another
  // leads at once; back from the cache, it joins again as a newcomer.
  g.addEventListener('pagehide', (e) =>
    each((state) => {
      if (state.member) state.member.leaveGroup();
      else if (e.persisted) suspend(state, 'bfcache');
    }),
  );
  g.addEventListener('pageshow', (e) => e.persisted && each((state) => (state.member ? state.member.rejoinGroup() : resume(state, 'bfcache'))));
  g.document.addEventListener('visibilitychange', () =>
    each((state) => {
      if (!state.settings.pauseWhenHidden) return;
      // A shared source leaves its group while hidden (another leads, or,
      // with every tab hidden, none: no connection), and joins it again.
      if (state.member) (hidden() ? state.member.leaveGroup() : state.member.rejoinGroup());
      else if (hidden()) suspend(state, 'hidden');
      else resume(state, 'hidden');
    }),
  );
}
