// Fake clocks installed before a source is made, in Chromium, with
// @sinonjs/fake-timers' defaults (every timer, Date, performance,
// queueMicrotask, requestAnimationFrame): installed before the package is
// imported, between the import and the construction, and after it. The
// request, the response, its events and the end need no tick; the
// reconnection delay waits for the clock and follows it. (Node:
// tests/node/fake-clock.test.mjs; installed after import, with the
// heartbeat: tests/e2e/exactness.test.mjs.)

import { it } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { buildFakeTimers, gotoPlainPage, newPage, sleep, sseUrl, uniqueKey, waitFor, withServerAndBrowser } from './helpers.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

let server;
let browser;
let page;
withServerAndBrowser(async (env) => {
  ({ server, browser } = env);
  page = await newPage(browser);
  await buildFakeTimers(root);
});

for (const [when, title] of [
  ['import', 'before the package is imported'],
  ['construct', 'between the import and the construction'],
  ['after', 'right after the construction'],
]) {
  it(`a fake clock installed ${title}: no tick for the request, its events and its end; the reconnection waits for the clock and follows it`, async () => {
    // A fresh document: the package is imported there for the first time.
    await gotoPlainPage(page, server.origin);
    await page.addScriptTag({ url: '/test-artifacts/pages/fake-timers.js' });
    const k = uniqueKey(`fake-${when}`);
    const url = sseUrl(server.origin, k, [{ chunks: ['retry: 1000\nid: 1\ndata: one\n\n'], end: 'close' }, { chunks: ['data: two\n\n'], end: 'open' }]);
    await page.evaluate(
      async ({ when, url }) => {
        const install = (moment) => {
          if (moment === when) window.clock = window.FakeTimers.install();
        };
        install('import');
        const { EventSource } = await import('/dist/index.js');
        install('construct');
        const es = new EventSource(url);
        install('after');
        const log = (window.log = []);
        window.es = es;
        es.onopen = () => log.push(['open', es.readyState]);
        es.onmessage = (e) => log.push(['message', e.data, e.lastEventId]);
        es.onerror = (e) => log.push(['error', es.readyState, e.reason]);
      },
      { when, url },
    );
    const log = () => page.evaluate(() => window.log);
    const requests = () => server.log(k).requests;
    try {
      await waitFor(async () => (await log()).length === 3, { message: 'open, the message and the end, without a tick' });
      assert.deepEqual(await log(), [['open', 1], ['message', 'one', '1'], ['error', 0, 'ended']]);
      await sleep(200);
      await page.evaluate(() => window.clock.tick(999));
      await sleep(200);
      assert.equal(requests().length, 1, 'no reconnection before retry (1000 ms) of the fake clock');
      await page.evaluate(() => window.clock.tick(1));
      await waitFor(async () => (await log()).length === 5, { message: 'the reconnection and its message' });
      assert.deepEqual((await log()).slice(3), [['open', 1], ['message', 'two', '1']]);
      assert.deepEqual(requests().map((r) => r.lastEventId), [null, '1']);
      assert.deepEqual(page.errors, []);
    } finally {
      await page.evaluate(() => {
        window.es?.close();
        window.clock?.uninstall();
      });
    }
  });
}
