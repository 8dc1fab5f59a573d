// Start-up: a source needs no WebAssembly to be constructed, and its first
// request leaves from the task after the constructor's, as native's does,
// even while the core is still loading (the shell makes it, and the driver
// adopts it). In Chromium, with the classic script whose core file is held
// back by the test, so that "before the core is loaded" is certain.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { sleep, sseUrl, uniqueKey, waitFor, withServerAndBrowser } from './helpers.mjs';

let server;
let browser;
withServerAndBrowser((env) => ({ server, browser } = env));

/**
 * A page (native EventSource removed) that loads the drop-in script and,
 * in the next script, runs `body`; the core file is delayed by `delay` ms.
 */
async function pageWith(body, { delay = 1500 } = {}) {
  const page = await browser.newPage();
  const core = { requested: null, served: null };
  await page.route('**/dist/eventsource-wasm.core.js', async (route) => {
    core.requested = Date.now();
    await sleep(delay);
    core.served = Date.now();
    await route.continue();
  });
  await page.route('**/__startup.html', (route) =>
    route.fulfill({
      contentType: 'text/html; charset=utf-8',
      body: `<!doctype html><meta charset="utf-8"><script>delete window.EventSource; window.log = [];</script><script src="/dist/eventsource-wasm.js"></script><script>${body}</script>`,
    }),
  );
  // Not the load event: the held-back core file delays it.
  await page.goto(`${server.origin}/__startup.html`, { waitUntil: 'domcontentloaded' });
  return { page, core };
}

const record = `(es) => { es.onopen = () => log.push(['open', es.readyState]); es.onmessage = (e) => log.push(['message', e.data, e.lastEventId]); es.onerror = (e) => log.push(['error', es.readyState, e.reason]); return es; }`;

describe('start-up (Chromium, drop-in script, core held back)', () => {
  it('the first request leaves before the core is loaded, is exactly the one the driver would make, and the stream is then read by the core', async () => {
    const keys = { early: uniqueKey('early'), late: uniqueKey('late') };
    const url = (k) => sseUrl(server.origin, k, { chunks: ['id: 9\ndata: hello\n\n'], end: 'open' });
    const init = `{ lastEventId: 'resume-1', method: 'POST', body: 'prompt', headers: ({ url, lastEventId }) => ({ 'X-Asked': lastEventId }) }`;
    const { page, core } = await pageWith(`const rec = ${record}; window.es = rec(new EventSource(${JSON.stringify(url(keys.early))}, ${init}));`);
    try {
      await waitFor(() => server.log(keys.early).requests.length === 1, { message: 'the first request' });
      const early = server.log(keys.early).requests[0];
      assert.ok(core.served === null, 'it left while the core file was still held back');
      await waitFor(() => page.evaluate(() => window.log.some((e) => e[0] === 'message')), { timeout: 8000, message: 'the message, once the core is here' });
      assert.deepEqual(await page.evaluate(() => window.log), [['open', 1], ['message', 'hello', '9']]);
      // The driver adopted the shell's request (src/web/first.rs): it made none of its own.
      assert.equal(server.log(keys.early).requests.length, 1, 'one request: the first one, adopted');
      // The same source made after the core is loaded: its request comes from the driver.
      await page.evaluate(({ url, init }) => (window.late = new EventSource(url, eval(`(${init})`))), { url: url(keys.late), init });
      await waitFor(() => server.log(keys.late).requests.length === 1, { message: 'the driver’s request' });
      const late = server.log(keys.late).requests[0];
      const pick = (r) => [r.method, r.body, ...['accept', 'last-event-id', 'x-asked', 'cache-control', 'pragma', 'content-type'].map((h) => r.headers[h] ?? null)];
      assert.deepEqual(pick(early), pick(late));
      assert.deepEqual(pick(early), ['POST', 'prompt', 'text/event-stream', 'resume-1', 'resume-1', 'no-cache', 'no-cache', 'text/plain;charset=UTF-8']);
      await page.evaluate(() => (window.es.close(), window.late.close()));
    } finally {
      await page.close();
    }
  });

  it('the first request leaves once the constructing script has run, before any task queued earlier (the standard fetches in the constructor)', async () => {
    const k = uniqueKey('at-once');
    const body =
      'window.calls = 0; const f = window.fetch; window.fetch = function (...a) { window.calls++; return f.apply(this, a); };' +
      "setTimeout(() => log.push(['fetch calls at the next task', window.calls]), 0);" +
      `window.es = new EventSource(${JSON.stringify(sseUrl(server.origin, k, { chunks: ['data: x\n\n'], end: 'open' }))});` +
      "log.push(['fetch calls in the constructing script', window.calls]);";
    const { page } = await pageWith(body);
    try {
      await waitFor(() => page.evaluate(() => window.log.length >= 2), { message: 'the timer' });
      assert.deepEqual(await page.evaluate(() => window.log.slice(0, 2)), [
        ['fetch calls in the constructing script', 0],
        ['fetch calls at the next task', 1],
      ]);
      await page.evaluate(() => window.es.close());
    } finally {
      await page.close();
    }
  });

  it('close() in the constructing task: no request ever leaves', async () => {
    const k = uniqueKey('close-now');
    const { page } = await pageWith(`new EventSource(${JSON.stringify(sseUrl(server.origin, k, { chunks: ['data: x\n\n'] }))}).close();`, { delay: 300 });
    try {
      await sleep(800);
      assert.equal(server.log(k).requests.length, 0);
    } finally {
      await page.close();
    }
  });

  it('close() after the first request left but before the core is here: the request is aborted and nothing is dispatched', async () => {
    const k = uniqueKey('close-early');
    const { page, core } = await pageWith(`const rec = ${record}; window.es = rec(new EventSource(${JSON.stringify(sseUrl(server.origin, k, { chunks: ['data: x\n\n'], end: 'open' }))}));`);
    try {
      await waitFor(() => server.log(k).requests.length === 1, { message: 'the first request' });
      await page.evaluate(() => window.es.close());
      await waitFor(() => server.log(k).open === 0, { message: 'the server to see the connection go' });
      assert.equal(core.served, null, 'before the core was here');
      await sleep(1700);
      assert.deepEqual(await page.evaluate(() => [window.log, window.es.readyState]), [[], 2]);
    } finally {
      await page.close();
    }
  });

  it('construction needs no WebAssembly: new EventSource() returns at once, CONNECTING, while the core is held back', async () => {
    const { page, core } = await pageWith(`const t = performance.now(); window.es = new EventSource('/never'); window.took = performance.now() - t; window.state = es.readyState; es.close();`);
    try {
      const [took, state] = await page.evaluate(() => [window.took, window.state]);
      assert.equal(state, 0);
      assert.equal(core.served, null);
      console.log(`new EventSource() took ${took.toFixed(2)} ms with no core loaded`);
    } finally {
      await page.close();
    }
  });
});
