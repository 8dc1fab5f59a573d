// When an entry that will use the core starts loading it: once the code
// that runs next (the importing module; the page's other scripts, while it
// is being parsed) has had its turn to construct a source and say which
// core it needs. A source with `shared` loads only the shared core, which
// serves every source; a source constructed before then starts the load
// itself, so waiting costs it nothing. (A task is not enough in a loading
// page: Chromium may run it before the next parser-inserted script.)
// Stateless, so that a build which copies it (workerd-auto.js) loses
// nothing.

export function soon(start) {
  const g = globalThis;
  const d = g.document;
  if (d && d.readyState === 'loading') d.addEventListener('DOMContentLoaded', start, { once: true });
  else {
    try {
      g.setTimeout(start, 0);
    } catch {
      // Cloudflare Workers forbid timers in the global scope ("Disallowed
      // operation called within global scope"): nothing starts early, and
      // the first source constructed starts the load itself.
    }
  }
}
