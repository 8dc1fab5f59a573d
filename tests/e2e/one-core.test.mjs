// One core per page: the core with the `shared` option does everything the
// base core does, so a page whose first source shares downloads and
// compiles that core only, and its other sources use it too. In Chromium,
// with EventSource missing, for the drop-in script (the source constructed
// in the next <script>), for `eventsource-wasm/auto` and for the explicit
// import (in the importing module); every file the page requests from
// /dist/ is counted.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { sseUrl, uniqueKey, waitFor, withServerAndBrowser } from './helpers.mjs';

let server;
let browser;
withServerAndBrowser((env) => ({ server, browser } = env));

// Counts WebAssembly compilations (the empty 8-byte probe excepted) and
// records what two sources dispatch: the first shared, the second not.
const PRELUDE = `<script>
delete window.EventSource;
window.compiled = 0; window.log = [];
const compile = WebAssembly.compile;
WebAssembly.compile = function (bytes) { if (bytes.byteLength > 8) window.compiled++; return compile.apply(this, arguments); };
window.run = (ES, shared, plain) => {
  const a = new ES(shared, { shared: true });
  a.onopen = () => window.log.push('shared open');
  a.onmessage = (e) => window.log.push('shared ' + e.data);
  a.onerror = (e) => window.log.push('shared error ' + e.message);
  window.sources = [a];
  a.addEventListener('open', () => {
    const b = new ES(plain);
    b.onmessage = (e) => window.log.push('plain ' + e.data);
    b.onerror = (e) => window.log.push('plain error ' + e.message);
    window.sources.push(b);
  }, { once: true });
};
</script>`;

const PAGES = {
  script: (urls) => `${PRELUDE}<script src="/dist/eventsource-wasm.js"></script><script>run(EventSource, ${urls})</script>`,
  auto: (urls) => `${PRELUDE}<script type="module">import '/dist/auto.js'; run(EventSource, ${urls});</script>`,
  explicit: (urls) => `${PRELUDE}<script type="module">import { EventSource as ES } from '/dist/index.js'; run(ES, ${urls});</script>`,
};

describe('one core per page (Chromium, EventSource missing)', () => {
  for (const [entry, html] of Object.entries(PAGES)) {
    it(`${entry}: a page whose source shares downloads and compiles the shared core only, and a source that does not share uses it too`, async () => {
      const shared = sseUrl(server.origin, uniqueKey(`one-core-${entry}-shared`), { chunks: ['data: s\n\n'], end: 'open' });
      const plain = sseUrl(server.origin, uniqueKey(`one-core-${entry}-plain`), { chunks: ['data: p\n\n'], end: 'open' });
      const page = await browser.newPage();
      const requested = [];
      page.on('request', (request) => {
        const path = new URL(request.url()).pathname;
        if (path.startsWith('/dist/')) requested.push(path.slice(6));
      });
      try {
        await page.route('**/__one-core.html', (route) => route.fulfill({ contentType: 'text/html; charset=utf-8', body: `<!doctype html><meta charset="utf-8">${html(`${JSON.stringify(shared)}, ${JSON.stringify(plain)}`)}` }));
        await page.goto(`${server.origin}/__one-core.html`);
        await waitFor(() => page.evaluate(() => window.log.length >= 3), { timeout: 8000, message: 'open and both messages' });
        // Long enough for an eager load of the base core to have started, had there been one.
        await page.waitForTimeout(300);
        assert.deepEqual((await page.evaluate(() => window.log)).sort(), ['plain p', 'shared open', 'shared s']);
        const cores = requested.filter((f) => /core|shared/.test(f) && !/^chunk-/.test(f));
        const expected = entry === 'script' ? ['eventsource-wasm.shared.js'] : [cores.find((f) => /^core-chunk-shared-[A-Z0-9]{8}\.js$/.test(f))];
        assert.deepEqual(cores, expected, `the core files requested: ${requested.join(' ')}`);
        assert.equal(await page.evaluate(() => window.compiled), 1, 'one WebAssembly compilation');
        assert.equal(await page.evaluate(() => window.EventSourceWasm?.diagnostics().sources ?? null), entry === 'script' ? 2 : null);
        await page.evaluate(() => window.sources.forEach((s) => s.close()));
      } finally {
        await page.close();
      }
    });
  }
});
