// Resumption in Chromium, beyond one connection: the last event ID kept
// across reloads (persistLastEventId), a stream started by one request and
// resumed by another (beforeReconnect returning the GET to make), and the
// network and the device clock: back online or awake, a waiting source
// reconnects at once, and time offline costs no retries.

import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';

import { sseUrl } from '../server/server.mjs';
import { sleep, uniqueKey, waitFor, withServerAndBrowser } from './helpers.mjs';

let server;
let browser;
withServerAndBrowser((env) => ({ server, browser } = env));

async function harness(context) {
  const page = await context.newPage();
  await page.goto(`${server.origin}/tests/pages/harness.html?load=script`);
  await page.evaluate(() => window.loaded);
  return page;
}

// In the page: a source recording what it dispatches.
function open([url, init]) {
  const es = new EventSource(url, init);
  const log = [];
  window.__es = es;
  window.__log = log;
  es.onopen = (e) => log.push(['open', e.reopened, e.resumedFrom]);
  es.onmessage = (e) => log.push(['message', e.data, e.lastEventId]);
  es.onerror = (e) => log.push(['error', es.readyState, e.reason]);
}

const pageLog = (page) => page.evaluate(() => window.__log);
const waitForData = (page, data, timeout) =>
  waitFor(async () => (await pageLog(page)).some((e) => e[1] === data), { timeout, message: `the message ${data}`, describe: async () => JSON.stringify(await pageLog(page)) });

describe('persistLastEventId', () => {
  test('a reload resumes from the stored ID; an explicit lastEventId wins; local storage reaches a new tab', async () => {
    const context = await browser.newContext();
    try {
      const key = uniqueKey('persist');
      const url = sseUrl(server.origin, key, { chunks: ['id: p1\ndata: a\n\nid: p2\ndata: b\n\n'], end: 'open' });
      let page = await harness(context);
      await page.evaluate(open, [url, { persistLastEventId: 'session' }]);
      await waitForData(page, 'b');
      assert.equal(await page.evaluate((url) => sessionStorage.getItem(`eventsource-wasm:lastEventId:${url}`), url), 'p2');
      await page.reload();
      await page.evaluate(() => window.loaded);
      await page.evaluate(open, [url, { persistLastEventId: 'session' }]);
      await waitForData(page, 'b');
      assert.deepEqual((await pageLog(page))[0], ['open', false, 'p2'], 'the first open after the reload resumed from p2');
      await page.evaluate(open, [url, { persistLastEventId: 'session', lastEventId: 'explicit' }]);
      await waitFor(() => server.log(key).requests.length === 3, { message: 'the third request' });
      // With 'local' and a key of its own: a new tab of the profile resumes.
      await page.evaluate(open, [url, { persistLastEventId: { storage: 'local', key: 'room' } }]);
      await waitFor(async () => (await page.evaluate(() => localStorage.getItem('room'))) === 'p2', { message: 'the ID in localStorage' });
      await page.evaluate(() => window.__es.close());
      const tab = await harness(context);
      await tab.evaluate(open, [url, { persistLastEventId: { storage: 'local', key: 'room' } }]);
      await waitForData(tab, 'b');
      assert.deepEqual(
        server.log(key).requests.map((r) => r.lastEventId),
        [null, 'p2', 'explicit', null, 'p2'],
      );
      await tab.evaluate(() => window.__es.close());
      await page.close();
    } finally {
      await context.close();
    }
  });
});

describe('resuming a request-started stream with another request', () => {
  test('POST the prompt once; beforeReconnect returns the GET that resumes it with Last-Event-ID', async () => {
    const context = await browser.newContext();
    try {
      const key = uniqueKey('resume-request');
      const plan = [{ chunks: ['retry: 30\nid: 7\ndata: first half\n\n'] }, { chunks: ['data: second half\n\n'], end: 'open' }];
      const url = sseUrl(server.origin, key, plan);
      const page = await harness(context);
      await page.evaluate(
        ([url]) => {
          window.__asked = [];
          const es = new EventSource(url, {
            method: 'POST',
            body: JSON.stringify({ prompt: 'hello' }),
            headers: { 'Content-Type': 'application/json' },
            beforeReconnect: (info) => {
              window.__asked.push(info);
              return { url: `${url}&resume=1`, method: 'GET' };
            },
          });
          window.__es = es;
          window.__log = [];
          es.onmessage = (e) => window.__log.push(['message', e.data, e.lastEventId]);
        },
        [url],
      );
      await waitForData(page, 'second half');
      await page.evaluate(() => window.__es.close());
      const [post, get] = server.log(key).requests;
      assert.equal(post.method, 'POST');
      assert.equal(post.body, '{"prompt":"hello"}');
      assert.equal(get.method, 'GET');
      assert.equal(get.body, '', 'the GET carries no body');
      assert.match(get.url, /&resume=1$/);
      assert.equal(get.lastEventId, '7');
      const [info] = await page.evaluate(() => window.__asked);
      assert.equal(info.lastEventId, '7');
      assert.equal(info.reason, 'ended');
    } finally {
      await context.close();
    }
  });
});

describe('the network and the clock', () => {
  test('offline, a lost connection makes no attempt and spends no retry; back online it reconnects at once', async () => {
    const context = await browser.newContext();
    try {
      const key = uniqueKey('offline');
      const url = sseUrl(server.origin, key, [{ chunks: ['retry: 300\nid: 5\ndata: a\n\n'], end: 'open' }, { chunks: ['data: b\n\n'], end: 'open' }]);
      const page = await harness(context);
      await page.evaluate(open, [url, { reconnect: { maxRetries: 1 } }]);
      await waitForData(page, 'a');
      await context.setOffline(true);
      await waitFor(() => page.evaluate(() => navigator.onLine === false), { message: 'navigator.onLine false' });
      server.cut(key);
      await waitFor(async () => (await pageLog(page)).some((e) => e[0] === 'error'), { message: 'the error for the lost connection' });
      // Five reconnection times: a source that did not wait for the network
      // would have tried, failed, and (maxRetries 1) given up by now.
      await sleep(1500);
      assert.equal(server.log(key).requests.length, 1, 'no attempt while offline');
      assert.equal(await page.evaluate(() => window.__es.readyState), 0, 'still CONNECTING, not CLOSED');
      const back = Date.now();
      await context.setOffline(false);
      await waitForData(page, 'b');
      const [, again] = server.log(key).requests;
      assert.ok(again.time - back < 250, `reconnected ${again.time - back} ms after the network came back`);
      assert.equal(again.lastEventId, '5');
      assert.deepEqual((await pageLog(page)).map((e) => e[0]), ['open', 'message', 'error', 'open', 'message']);
      assert.deepEqual((await pageLog(page)).at(-2), ['open', true, '5'], 'the open event says it reopened, and from which ID');
      await page.evaluate(() => window.__es.close());
    } finally {
      await context.close();
    }
  });

  test('a device that slept through the reconnection time reconnects as soon as it wakes', async () => {
    const context = await browser.newContext();
    try {
      const key = uniqueKey('wake');
      const url = sseUrl(server.origin, key, [{ chunks: ['retry: 600000\nid: 9\ndata: a\n\n'] }, { chunks: ['data: b\n\n'], end: 'open' }]);
      const page = await harness(context);
      await page.evaluate(open, [url]);
      await waitFor(async () => (await pageLog(page)).some((e) => e[0] === 'error'), { message: 'the stream to end' });
      // The wall clock jumps ten minutes ahead, as after a sleep; timers
      // that count only waking time would still wait ten minutes.
      await page.evaluate(() => {
        const real = Date.now;
        Date.now = () => real.call(Date) + 601000;
      });
      await waitForData(page, 'b', 8000);
      assert.equal(server.log(key).requests[1].lastEventId, '9');
      await page.evaluate(() => window.__es.close());
    } finally {
      await context.close();
    }
  });
});
