// Where the standard (and Chromium's own EventSource) say exactly what
// happens, in Chromium, over fetch and over XHR: URLs no client can fetch
// and aborts from outside (window.stop(), the fetch option's own abort)
// fail the connection, also in dedicated, shared and service workers; over
// XHR a second BOM is kept and the HTTP cache never answers; fake clocks
// installed after the package drive reconnection and heartbeats; URL
// credentials answer a Basic challenge. (Node: tests/node/exactness.test.mjs.)

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { buildFakeTimers, bytes, closedPort, events, gotoHarness, gotoPlainPage, newPage, sleep, sseUrl, uniqueKey, waitFor, waitForEvents, watch, withServerAndBrowser } from './helpers.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const CLOSED = 2;
const shape = (log) => log.map((e) => [e.type, e.readyState, ...(e.reason ? [e.reason] : [])]);

let server;
let browser;
let page;
withServerAndBrowser(async (env) => {
  ({ server, browser } = env);
  page = await newPage(browser);
  await buildFakeTimers(root);
});

const FUTILE = ['ftp://127.0.0.1/events', 'about:blank', 'mailto:someone@example.com', 'javascript:void(0)', 'file:///etc/hostname'];

for (const transport of ['fetch', 'xhr']) {
  describe(`exactness in a Chromium page over ${transport}`, () => {
    const init = { transport };

    it('a URL no client can fetch fails the connection: one error, CLOSED, no reconnection (native: CLOSED too)', async () => {
      await gotoHarness(page, server.origin, 'script');
      const ids = [];
      for (const url of FUTILE) ids.push([url, await watch(page, url, { init }), await watch(page, url, { ctor: 'native' })]);
      await sleep(700);
      for (const [url, ours, native] of ids) {
        assert.deepEqual(shape(await events(page, ours)), [['error', CLOSED, 'scheme']], `ours: ${url}`);
        const theirs = await events(page, native);
        assert.equal(theirs.at(-1)?.readyState, CLOSED, `native Chromium fails ${url} too: ${JSON.stringify(shape(theirs))}`);
      }
    });

    for (const when of ['while open', 'while connecting']) {
      it(`window.stop() ${when} fails the connection: one error, CLOSED, no reconnection, like native`, async () => {
        await gotoHarness(page, server.origin, 'script');
        const spec = when === 'while open' ? { chunks: ['retry: 50\ndata: one\n\n'], end: 'open' } : { delay: 3000, chunks: ['data: late\n\n'] };
        const keys = [uniqueKey('stop'), uniqueKey('stop-native')];
        const ours = await watch(page, sseUrl(server.origin, keys[0], spec), { init });
        const native = await watch(page, sseUrl(server.origin, keys[1], spec), { ctor: 'native' });
        if (when === 'while open') {
          for (const id of [ours, native]) await waitForEvents(page, id, (l) => l.some((e) => e.type === 'message'));
        } else {
          await waitFor(() => server.log(keys[0]).requests.length && server.log(keys[1]).requests.length, { message: 'both requests' });
        }
        await page.evaluate(() => window.stop());
        await waitForEvents(page, ours, (l) => l.some((e) => e.type === 'error'));
        await sleep(500);
        const opened = when === 'while open' ? [['open', 1], ['message', 1]] : [];
        assert.deepEqual(shape(await events(page, ours)), [...opened, ['error', CLOSED, 'aborted']]);
        assert.deepEqual(shape(await events(page, native)), [...opened, ['error', CLOSED]], 'native Chromium');
        assert.equal(server.log(keys[0]).requests.length, 1, 'no reconnection');
      });
    }

    // The `fetch` option carries requests over the fetch transport only, so
    // this case exists for it alone (declared, not skipped, over XHR).
    if (transport !== 'xhr') it("an abort from the fetch option's own signal fails the connection", async () => {
      await gotoHarness(page, server.origin, 'script');
      const k = uniqueKey('abort-fetch');
      const id = await page.evaluate((url) => {
        return window.watch(url, {
          init: {
            fetch(input, options) {
              const controller = new AbortController();
              setTimeout(() => controller.abort(), 300);
              return fetch(input, { ...options, signal: controller.signal });
            },
          },
        });
      }, sseUrl(server.origin, k, { chunks: ['data: one\n\n'], end: 'open' }));
      await waitForEvents(page, id, (l) => l.some((e) => e.type === 'error'));
      await sleep(300);
      assert.deepEqual(shape(await events(page, id)), [['open', 1], ['message', 1], ['error', CLOSED, 'aborted']]);
      assert.equal(server.log(k).requests.length, 1);
    });

    it('a stream starting with two BOMs: only the first is dropped (the second starts the first line), like native', async () => {
      await gotoHarness(page, server.origin, 'script');
      const BOM = [0xef, 0xbb, 0xbf];
      const spec = { chunks: [bytes(BOM, BOM, 'data: hidden\n\ndata: shown\n\n')], end: 'open' };
      const ours = await watch(page, sseUrl(server.origin, uniqueKey('bom2'), spec), { init });
      const native = await watch(page, sseUrl(server.origin, uniqueKey('bom2-native'), spec), { ctor: 'native' });
      const data = async (id) => (await waitForEvents(page, id, (l) => l.some((e) => e.data === 'shown'))).filter((e) => e.type === 'message').map((e) => e.data);
      assert.deepEqual(await data(native), ['shown'], 'native: "\\uFEFFdata" is an unknown field');
      assert.deepEqual(await data(ours), ['shown']);
    });

    it('fake clocks (@sinonjs/fake-timers) installed after the package drive the reconnection and the heartbeat', async () => {
      await gotoHarness(page, server.origin, 'script');
      await page.addScriptTag({ url: '/test-artifacts/pages/fake-timers.js' });
      const k = uniqueKey('fake-clock');
      const url = sseUrl(server.origin, k, [{ chunks: ['id: 1\ndata: one\n\n'] }, { chunks: ['data: two\n\n'], end: 'open' }]);
      await page.evaluate(({ url, init }) => {
        window.clock = window.FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
        window.fake = window.watch(url, { init: { ...init, heartbeatTimeout: 10000 } });
        window.clock.tick(0);
      }, { url, init });
      const fake = await page.evaluate(() => window.fake);
      await waitForEvents(page, fake, (l) => l.some((e) => e.type === 'error'));
      await page.evaluate(() => window.clock.tickAsync(2999));
      await sleep(200);
      assert.equal(server.log(k).requests.length, 1, 'the reconnection waits for the fake clock');
      await page.evaluate(() => window.clock.tickAsync(1));
      await waitFor(() => server.log(k).requests.length === 2, { message: 'the reconnection after 3 fake seconds' });
      assert.equal(server.log(k).requests[1].lastEventId, '1');
      await waitForEvents(page, fake, (l) => l.some((e) => e.data === 'two'));
      await page.evaluate(() => window.clock.tickAsync(10000));
      await waitForEvents(page, fake, (l) => l.filter((e) => e.type === 'error').length === 2);
      assert.deepEqual(shape(await events(page, fake)).at(-1), ['error', 0, 'timeout'], 'the stall, after heartbeatTimeout of fake time');
      await page.evaluate(() => window.clock.uninstall());
    });

    it(transport === 'xhr' ? 'a URL with credentials: requested without them, the Basic challenge answered with them by the platform, as the standard says; url as given' : 'a URL with credentials: sent with the first request (a browser would prompt the user for a 401 to a fetch), url as given', async () => {
      await gotoHarness(page, server.origin, 'script');
      const k = uniqueKey('credentials');
      const url = sseUrl(server.origin, k, { auth: 'user:pa ss', chunks: ['data: in\n\n'], end: 'open' }).replace('http://', 'http://user:pa%20ss@');
      const id = await watch(page, url, { init });
      const log = await waitForEvents(page, id, (l) => l.some((e) => e.type === 'message'));
      assert.deepEqual(shape(log), [['open', 1], ['message', 1]]);
      assert.equal(await page.evaluate((id) => window.__sources[id].es.url, id), url);
      const requests = server.log(k).requests.filter((r) => r.method === 'GET');
      const basic = `Basic ${Buffer.from('user:pa ss').toString('base64')}`;
      if (transport === 'xhr') {
        assert.deepEqual(requests.map((r) => r.headers.authorization), [undefined, basic]);
        // Beyond native: Chromium's own EventSource fails such a URL
        // without making any request (README, "How it differs").
        const nk = uniqueKey('credentials-native');
        const nurl = sseUrl(server.origin, nk, { auth: 'user:pa ss', chunks: ['data: in\n\n'], end: 'open' }).replace('http://', 'http://user:pa%20ss@');
        const native = await watch(page, nurl, { ctor: 'native' });
        assert.deepEqual(shape(await waitForEvents(page, native, (l) => l.length > 0)), [['error', CLOSED]], 'native Chromium');
        assert.equal(server.log(nk).requests.length, 0, 'native Chromium sends nothing');
      } else {
        assert.deepEqual(requests.map((r) => r.headers.authorization), [basic]);
      }
    });
  });
}

describe('the XHR transport and the HTTP cache', () => {
  it('a same-origin request carries Cache-Control and Pragma no-cache, so a cacheable stream is never answered from the cache', async () => {
    await gotoHarness(page, server.origin, 'script');
    const k = uniqueKey('cacheable');
    // A response the HTTP cache may keep for ten minutes.
    const url = sseUrl(server.origin, k, { headers: { 'Cache-Control': 'max-age=600' }, chunks: ['retry: 50\ndata: fresh\n\n'] });
    // First, proof that the cache would answer: a plain XHR twice.
    await page.evaluate(async (url) => {
      for (let i = 0; i < 2; i++) {
        await new Promise((resolve) => {
          const xhr = new XMLHttpRequest();
          xhr.open('GET', `${url}&plain=1`);
          xhr.onloadend = resolve;
          xhr.send();
        });
      }
    }, url);
    assert.equal(server.log(k).requests.length, 1, 'a plain XHR is answered from the cache the second time');
    // The source (whose stream ends and reconnects) always reaches the server.
    const id = await watch(page, url, { init: { transport: 'xhr' } });
    await waitForEvents(page, id, (l) => l.filter((e) => e.type === 'message').length >= 3, { message: 'three connections' });
    await page.evaluate((id) => window.__sources[id].es.close(), id);
    const requests = server.log(k).requests.slice(1);
    assert.ok(requests.length >= 3, `every connection reached the server (${requests.length})`);
    for (const r of requests) assert.deepEqual([r.headers['cache-control'], r.headers.pragma], ['no-cache', 'no-cache']);
  });
});

describe('exactness in workers', () => {
  const run = async (kind, scenario, url) => {
    const context = await browser.newContext();
    const p = await context.newPage();
    try {
      await p.goto(`${server.origin}/tests/pages/blank.html`);
      return await p.evaluate(
        async ({ kind, scenario, url }) => {
          const script = '/tests/pages/exactness-worker.js';
          if (kind === 'dedicated') {
            const worker = new Worker(script);
            const reply = new Promise((resolve) => (worker.onmessage = (e) => resolve(e.data)));
            worker.postMessage({ scenario, url });
            return reply;
          }
          if (kind === 'shared') {
            const worker = new SharedWorker(script);
            const reply = new Promise((resolve) => (worker.port.onmessage = (e) => resolve(e.data)));
            worker.port.start();
            worker.port.postMessage({ scenario, url });
            return reply;
          }
          const registration = await navigator.serviceWorker.register(script, { scope: '/tests/pages/' });
          const worker = registration.installing || registration.waiting || registration.active;
          if (worker.state !== 'activated') await new Promise((resolve) => worker.addEventListener('statechange', () => worker.state === 'activated' && resolve()));
          const reply = new Promise((resolve) => navigator.serviceWorker.addEventListener('message', (e) => resolve(e.data), { once: true }));
          worker.postMessage({ scenario, url });
          const result = await reply;
          await registration.unregister();
          return result;
        },
        { kind, scenario, url },
      );
    } finally {
      await context.close();
    }
  };

  for (const kind of ['dedicated', 'shared', 'service']) {
    it(`a ${kind} worker: a URL no client can fetch fails the connection once`, async () => {
      const result = await run(kind, 'futile', 'ftp://127.0.0.1/events');
      assert.deepEqual(result.log, [['error', CLOSED, 'scheme']]);
      assert.equal(result.readyState, CLOSED);
    });

    it(`a ${kind} worker: an abort from outside (the fetch option's own signal) fails the connection once`, async () => {
      const k = uniqueKey(`abort-${kind}`);
      const result = await run(kind, 'abort', sseUrl(server.origin, k, { chunks: ['data: one\n\n'], end: 'open' }));
      assert.deepEqual(result.log, [['open', 1], ['message', 'one'], ['error', CLOSED, 'aborted']]);
      assert.equal(server.log(k).requests.length, 1, 'no reconnection');
    });
  }
});

describe('the cause behind a failure', () => {
  it("a refused connection's error event carries fetch's TypeError as its cause, and the message names it", async () => {
    await gotoPlainPage(page, server.origin);
    const port = await closedPort();
    const seen = await page.evaluate(async (url) => {
      const { EventSource } = await import('/dist/index.js');
      const es = new EventSource(url);
      const event = await new Promise((resolve) => (es.onerror = resolve));
      es.close();
      return { reason: event.reason, type: event.cause && event.cause.constructor.name, cause: String(event.cause), message: event.message };
    }, `http://127.0.0.1:${port}/events`);
    assert.deepEqual(seen, {
      reason: 'network',
      type: 'TypeError',
      cause: 'TypeError: Failed to fetch',
      message: 'the connection failed or was dropped (TypeError: Failed to fetch); reconnecting',
    });
  });
});
