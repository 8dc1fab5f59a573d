// The package in workers (headless Chromium): a classic and a module
// dedicated worker, a classic and a module service worker. Each opens a
// stream, receives custom events and reconnects with Last-Event-ID. A module
// service worker imports eventsource-wasm/static (its core in the file);
// one that imports the explicit entry is told so.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { sseUrl } from '../server/server.mjs';
import { withServerAndBrowser } from './helpers.mjs';

let server;
let browser;
withServerAndBrowser((env) => ({ server, browser } = env));

function plan() {
  return [
    { chunks: ['retry: 50\nid: w1\nevent: custom\ndata: a\n\n'] },
    { chunks: ['event: custom\ndata: b\n\n'], end: 'open' },
  ];
}

function checkScenario(result, k, { transport, viaXhr = false }) {
  assert.ok(!result.timeout, `timed out: ${JSON.stringify(result.log)}`);
  assert.deepEqual(result.log, [
    ['open', 1],
    ['custom', 'a', 'w1', server.origin],
    ['error', 0, 'ended'],
    ['open', 1],
    ['custom', 'b', 'w1', server.origin],
  ]);
  assert.equal(result.readyState, 2);
  assert.equal(result.isPolyfill, true);
  assert.equal(result.environment.transport, transport);
  assert.equal(result.xhrOpens, viaXhr ? 2 : 0, viaXhr ? 'both requests went over XHR' : 'no XHR was used');
  const requests = server.log(k).requests.filter((r) => r.method === 'GET');
  assert.equal(requests.length, 2);
  assert.equal(requests[1].lastEventId, 'w1');
}

for (const [name, script, options, transport] of [
  ['a classic dedicated worker (importScripts of the drop-in script)', '/tests/pages/worker-classic.js', {}, 'fetch'],
  ['a module dedicated worker (the ESM entry)', '/tests/pages/worker-module.js', { type: 'module' }, 'fetch'],
  ['a classic dedicated worker with the XHR transport forced', '/tests/pages/worker-classic.js', {}, 'xhr'],
  ['a module dedicated worker with the XHR transport forced', '/tests/pages/worker-module.js', { type: 'module' }, 'xhr'],
]) {
  test(`${name} receives events and reconnects with Last-Event-ID`, async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${server.origin}/tests/pages/blank.html`);
      const k = `worker-${options.type || 'classic'}-${transport}-${Date.now()}`;
      const url = sseUrl(server.origin, k, plan());
      const init = transport === 'xhr' ? { transport } : undefined;
      const result = await page.evaluate(
        ({ script, options, url, init }) =>
          new Promise((resolve, reject) => {
            const worker = new Worker(script, options);
            worker.onmessage = (e) => resolve(e.data);
            worker.onerror = (e) => reject(new Error(`worker error: ${e.message}`));
            worker.postMessage({ url, init });
          }),
        { script, options, url, init },
      );
      // Chromium's dedicated workers have XHR, but fetch streams: fetch is
      // the default; the forced runs prove XHR works there too.
      checkScenario(result, k, { transport: 'fetch', viaXhr: transport === 'xhr' });
    } finally {
      await page.close();
    }
  });
}

// Registers `script` as a service worker (scope /tests/pages/), posts it
// `data` and resolves with its reply.
async function askServiceWorker(page, script, type, data) {
  await page.goto(`${server.origin}/tests/pages/blank.html`);
  return page.evaluate(
    async ({ script, type, data }) => {
      const registration = await navigator.serviceWorker.register(script, { scope: '/tests/pages/', type });
      const worker = registration.installing || registration.waiting || registration.active;
      if (worker.state !== 'activated') {
        await new Promise((resolve) => worker.addEventListener('statechange', () => worker.state === 'activated' && resolve()));
      }
      const reply = new Promise((resolve) => navigator.serviceWorker.addEventListener('message', (e) => resolve(e.data), { once: true }));
      worker.postMessage(data);
      const result = await reply;
      await registration.unregister();
      return result;
    },
    { script, type, data },
  );
}

for (const [name, script, type, init] of [
  ['a classic service worker (importScripts of the drop-in script)', '/tests/pages/sw-classic.js', 'classic', undefined],
  ['a module service worker (eventsource-wasm/static)', '/tests/pages/sw-module.js', 'module', undefined],
  ['a module service worker (eventsource-wasm/static) whose source shares (shared: true)', '/tests/pages/sw-module.js', 'module', { shared: true }],
]) {
  test(`${name} receives events and reconnects with Last-Event-ID over fetch`, async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      const k = `sw-${type}-${init ? 'shared-' : ''}${Date.now()}`;
      const url = sseUrl(server.origin, k, plan());
      const result = await askServiceWorker(page, script, type, { url, init });
      assert.equal(result.hasXhr, false, 'service workers have no XMLHttpRequest');
      if (init) assert.equal(result.sharing, true, 'Web Locks and BroadcastChannel exist in a service worker: the source shares');
      checkScenario(result, k, { transport: 'fetch' });
    } finally {
      await context.close();
    }
  });
}

test("a module service worker that imports the explicit entry gets an error event that names eventsource-wasm/static (HTML forbids import() there)", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    const url = sseUrl(server.origin, `sw-explicit-${Date.now()}`, plan());
    const result = await askServiceWorker(page, '/tests/pages/sw-module-explicit.js', 'module', { url });
    assert.equal(result.readyState, 2, `the source failed and closed: ${JSON.stringify(result)}`);
    assert.equal(result.reason, 'network');
    assert.match(result.message, /a service worker may not import\(\) the core chunk \(.+\): import from 'eventsource-wasm\/static', which carries its core/);
    assert.match(result.cause, /eventsource-wasm\/static/, 'the cause is the loader\'s error, which wraps the platform\'s');
  } finally {
    await context.close();
  }
});
