// The opt-in options in Chromium, over fetch and XHR: headers, POST bodies,
// a reconnection policy, heartbeatTimeout, lastEventId, error details, async
// iteration, and the page lifecycle (a real back/forward cache round trip,
// and pauseWhenHidden). And the proof that with no options the requests
// and events are exactly those of Chromium's own EventSource.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startServer, sseUrl } from '../server/server.mjs';
import { launch, launchWithBackForwardCache } from './browser.mjs';

let server;
let browser;
let n = 0;
const key = (name) => `${name}-${++n}-${Date.now()}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(predicate, what, timeout = 5000) {
  const start = Date.now();
  for (;;) {
    const value = await predicate();
    if (value) return value;
    if (Date.now() - start > timeout) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

before(async () => {
  server = await startServer();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

async function harness(extra = '') {
  const page = await browser.newPage();
  await page.goto(`${server.origin}/tests/pages/harness.html?load=script${extra}`);
  await page.evaluate(() => window.loaded);
  return page;
}

// In the page: open a source and keep a log of what it dispatches.
function openRecorded({ url, init, types = [] }) {
  const es = new EventSource(url, init);
  const log = [];
  window.__log = log;
  window.__es = es;
  es.onopen = () => log.push(['open', es.readyState]);
  es.onmessage = (e) => log.push(['message', e.data, e.lastEventId]);
  es.onerror = (e) => {
    log.push(['error', es.readyState, e.reason ?? null, e.status ?? null, e.statusText ?? null]);
    (window.__errorTimes ||= []).push(performance.now());
  };
  for (const type of types) es.addEventListener(type, (e) => log.push([type, e.data]));
}

for (const transport of ['fetch', 'xhr']) {
  describe(`options over ${transport}`, () => {
    test('headers (fixed and per connection) reach the server on every request', async () => {
      const page = await harness();
      try {
        const k = key('headers');
        const url = sseUrl(server.origin, k, [{ chunks: ['retry: 20\nid: 7\ndata: a\n\n'] }, { chunks: ['data: b\n\n'], end: 'open' }]);
        await page.evaluate(({ url, transport }) => {
          let token = 0;
          window.__calls = [];
          window.__openRecorded = null;
          const es = new EventSource(url, {
            transport,
            headers: (info) => {
              window.__calls.push(info.lastEventId);
              return Promise.resolve({ Authorization: `Bearer ${++token}`, 'X-Fixed': 'yes' });
            },
          });
          window.__es = es;
          window.__log = [];
          es.onmessage = (e) => window.__log.push(e.data);
        }, { url, transport });
        await waitFor(() => page.evaluate(() => window.__log.includes('b')), 'the reconnection');
        await page.evaluate(() => window.__es.close());
        const requests = server.log(k).requests.filter((r) => r.method === 'GET');
        assert.deepEqual(requests.map((r) => [r.headers.authorization, r.headers['x-fixed'], r.lastEventId]), [
          ['Bearer 1', 'yes', null],
          ['Bearer 2', 'yes', '7'],
        ]);
        assert.deepEqual(await page.evaluate(() => window.__calls), ['', '7']);
      } finally {
        await page.close();
      }
    });

    test('a POST body is sent, as LLM APIs expect', async () => {
      const page = await harness();
      try {
        const k = key('post');
        const url = sseUrl(server.origin, k, { chunks: ['data: streamed answer\n\n'], end: 'open' });
        await page.evaluate(openRecorded, { url, init: { transport, method: 'POST', body: JSON.stringify({ prompt: 'hello' }), headers: { 'Content-Type': 'application/json' } } });
        await waitFor(() => page.evaluate(() => window.__log.some((e) => e[1] === 'streamed answer')), 'the answer');
        await page.evaluate(() => window.__es.close());
        const [request] = server.log(k).requests;
        assert.equal(request.method, 'POST');
        assert.equal(request.headers['content-type'], 'application/json');
        await waitFor(() => request.body === '{"prompt":"hello"}', 'the body');
      } finally {
        await page.close();
      }
    });

    test('a POSTed stream that the server ends is sent once: one error, reason unrepeatable, CLOSED; a hook may go on with a GET', async () => {
      const page = await harness();
      try {
        const k = key('once');
        const url = sseUrl(server.origin, k, { chunks: ['retry: 20\nid: 1\ndata: a\n\nid: 2\ndata: b\n\n'] });
        await page.evaluate(openRecorded, { url, init: { transport, method: 'POST', body: '{"prompt":"x"}' } });
        await waitFor(() => page.evaluate(() => window.__es.readyState === 2), 'CLOSED');
        await sleep(200);
        assert.deepEqual(server.log(k).requests.map((r) => r.method), ['POST']);
        assert.deepEqual(await page.evaluate(() => window.__log), [['open', 1], ['message', 'a', '1'], ['message', 'b', '2'], ['error', 2, 'unrepeatable', 0, '']]);
        // With a hook that answers a GET: the POST once, then the GET from the last event ID.
        const k2 = key('once-get');
        const url2 = sseUrl(server.origin, k2, [{ chunks: ['retry: 20\nid: 5\ndata: a\n\n'] }, { chunks: ['data: b\n\n'], end: 'open' }]);
        await page.evaluate(
          ({ url, transport }) => {
            window.__es.close();
            const es = new EventSource(url, { transport, body: 'prompt', beforeReconnect: () => ({ method: 'GET' }) });
            window.__es = es;
            window.__log = [];
            es.onmessage = (e) => window.__log.push(e.data);
            es.onerror = (e) => window.__log.push(e.reason);
          },
          { url: url2, transport },
        );
        await waitFor(() => page.evaluate(() => window.__log.includes('b')), 'the GET');
        await page.evaluate(() => window.__es.close());
        assert.deepEqual(server.log(k2).requests.map((r) => [r.method, r.lastEventId]), [['POST', null], ['GET', '5']]);
        assert.deepEqual(await page.evaluate(() => window.__log), ['a', 'ended', 'b']);
      } finally {
        await page.close();
      }
    });

    test('onComment gets comment lines in stream order; one that throws is reported and the stream goes on', async () => {
      const page = await harness();
      try {
        const k = key('comments');
        const url = sseUrl(server.origin, k, { chunks: [':first\n', 'data: a\n\n', { delay: 30 }, ': keep-alive\n\n', 'data: b\n\n'], end: 'open' });
        await page.evaluate(
          ({ url, transport }) => {
            window.__log = [];
            window.__reported = [];
            window.addEventListener('error', (e) => window.__reported.push(e.error && e.error.message));
            const es = new EventSource(url, {
              transport,
              onComment(text) {
                window.__log.push(['comment', text, this === es]);
                if (text === 'first') throw new Error('a bug in onComment');
              },
            });
            window.__es = es;
            es.onmessage = (e) => window.__log.push(['message', e.data]);
          },
          { url, transport },
        );
        await waitFor(() => page.evaluate(() => window.__log.some((e) => e[1] === 'b')), 'the second message');
        await page.evaluate(() => window.__es.close());
        assert.deepEqual(await page.evaluate(() => window.__log), [['comment', 'first', true], ['message', 'a'], ['comment', 'keep-alive', true], ['message', 'b']]);
        assert.deepEqual(await page.evaluate(() => window.__reported), ['a bug in onComment']);
      } finally {
        await page.close();
      }
    });

    test('reconnect(source) drops the stream and connects at once with Last-Event-ID, asking headers again', async () => {
      const page = await harness();
      try {
        const k = key('reconnect');
        const url = sseUrl(server.origin, k, [{ chunks: ['retry: 60000\nid: 4\ndata: a\n\n'], end: 'open' }, { chunks: ['data: b\n\n'], end: 'open' }]);
        await page.evaluate(
          ({ url, transport }) => {
            let calls = 0;
            const es = new EventSource(url, { transport, headers: () => ({ 'X-Call': `${++calls}` }) });
            window.__es = es;
            window.__log = [];
            es.onopen = (e) => window.__log.push(['open', e.reopened, e.resumedFrom]);
            es.onmessage = (e) => window.__log.push(['message', e.data]);
            es.onerror = (e) => window.__log.push(['error', e.reason]);
          },
          { url, transport },
        );
        await waitFor(() => page.evaluate(() => window.__log.some((e) => e[1] === 'a')), 'the first message');
        assert.equal(await page.evaluate(() => (window.EventSourceWasm.reconnect(window.__es), window.__es.readyState)), 0);
        await waitFor(() => page.evaluate(() => window.__log.some((e) => e[1] === 'b')), 'the new connection');
        await page.evaluate(() => window.__es.close());
        const requests = server.log(k).requests.filter((r) => r.method === 'GET');
        assert.deepEqual(requests.map((r) => [r.lastEventId, r.headers['x-call']]), [[null, '1'], ['4', '2']]);
        assert.deepEqual(await page.evaluate(() => window.__log), [['open', false, ''], ['message', 'a'], ['open', true, '4'], ['message', 'b']]);
      } finally {
        await page.close();
      }
    });

    test('exponential backoff, then maxRetries: error with reason retries and CLOSED', async () => {
      const page = await harness();
      try {
        const k = key('retries');
        const url = sseUrl(server.origin, k, { drop: true });
        await page.evaluate(openRecorded, { url, init: { transport, reconnect: { initialDelay: 100, backoff: 'exponential', maxRetries: 3 } } });
        await waitFor(() => page.evaluate(() => window.__es.readyState === 2), 'CLOSED', 8000);
        const log = await page.evaluate(() => window.__log);
        assert.deepEqual(log.map((e) => e.slice(0, 3)), [['error', 0, 'network'], ['error', 0, 'network'], ['error', 0, 'network'], ['error', 2, 'retries']]);
        // Between one failure and the next: the delay, then a fast failure.
        // (Server request counts would mislead: Chromium silently retries a
        // request whose connection is reset before any response.)
        const times = await page.evaluate(() => window.__errorTimes);
        const gaps = times.slice(1).map((t, i) => t - times[i]);
        for (const [gap, delay] of [[gaps[0], 100], [gaps[1], 200], [gaps[2], 400]]) assert.ok(gap >= delay - 5 && gap < delay + 2000, `gaps ${gaps.map(Math.round)}`);
      } finally {
        await page.close();
      }
    });

    test('heartbeatTimeout reconnects a silent stream with Last-Event-ID', async () => {
      const page = await harness();
      try {
        const k = key('heartbeat');
        const url = sseUrl(server.origin, k, [{ chunks: ['retry: 20\nid: 3\ndata: x\n\n'], end: 'open' }, { chunks: ['data: again\n\n'], end: 'open' }]);
        await page.evaluate(openRecorded, { url, init: { transport, heartbeatTimeout: 300 } });
        await waitFor(() => page.evaluate(() => window.__log.some((e) => e[1] === 'again')), 'the reconnection');
        await page.evaluate(() => window.__es.close());
        const log = await page.evaluate(() => window.__log);
        assert.deepEqual(log.find((e) => e[0] === 'error').slice(0, 3), ['error', 0, 'timeout']);
        assert.equal(server.log(k).requests[1].lastEventId, '3');
      } finally {
        await page.close();
      }
    });

    test('lastEventId is sent on the first request; error events carry status and statusText', async () => {
      const page = await harness();
      try {
        const k = key('initial');
        const url = sseUrl(server.origin, k, [{ chunks: ['retry: 20\ndata: x\n\n'] }, { status: 429 }]);
        await page.evaluate(openRecorded, { url, init: { transport, lastEventId: 'from-storage' } });
        await waitFor(() => page.evaluate(() => window.__es.readyState === 2), 'CLOSED');
        assert.equal(server.log(k).requests[0].lastEventId, 'from-storage');
        const log = await page.evaluate(() => window.__log);
        assert.deepEqual(log.at(-1), ['error', 2, 'status', 429, 'Too Many Requests']);
        assert.deepEqual(log[1], ['message', 'x', 'from-storage']);
      } finally {
        await page.close();
      }
    });
  });
}

describe('async iteration and the page lifecycle', () => {
  test('for await over a source yields its messages and ends on close()', async () => {
    const page = await harness();
    try {
      const url = sseUrl(server.origin, key('iterate'), { chunks: ['data: a\n\nevent: x\ndata: skip\n\ndata: b\n\n'], end: 'open' });
      const seen = await page.evaluate(async (url) => {
        const es = new EventSource(url);
        const seen = [];
        for await (const e of es) {
          seen.push(e.data);
          if (e.data === 'b') es.close();
        }
        return seen;
      }, url);
      assert.deepEqual(seen, ['a', 'b']);
    } finally {
      await page.close();
    }
  });

  test('a source survives the back/forward cache: closed on pagehide, reopened on pageshow with Last-Event-ID', async () => {
    const chromium = await launchWithBackForwardCache();
    try {
      const context = chromium.browser.contexts()[0];
      const page = context.pages()[0] || (await context.newPage());
      await page.goto(`${server.origin}/tests/pages/harness.html?load=script`);
      await page.evaluate(() => window.loaded);
      const k = key('bfcache');
      const url = sseUrl(server.origin, k, [{ chunks: ['id: 11\ndata: before\n\n'], end: 'open' }, { chunks: ['data: after\n\n'], end: 'open' }]);
      await page.evaluate(openRecorded, { url });
      await page.evaluate(() => window.addEventListener('pageshow', (e) => (window.__restored = e.persisted)));
      await waitFor(() => page.evaluate(() => window.__log.some((e) => e[1] === 'before')), 'the first message');
      // Leave for another page, then come back: an open connection would
      // keep the page out of the cache.
      await page.goto(`${server.origin}/tests/pages/blank.html`);
      await waitFor(() => server.log(k).open === 0, 'the connection to be released on pagehide');
      await page.goBack({ waitUntil: 'commit' });
      try {
        await waitFor(() => page.evaluate(() => window.__restored === true).catch(() => false), 'the page to come back from the back/forward cache');
      } catch (error) {
        const why = await page.evaluate(() => JSON.stringify(performance.getEntriesByType('navigation')[0]?.notRestoredReasons ?? null)).catch((e) => e.message);
        throw new Error(`${error.message}; notRestoredReasons: ${why}`);
      }
      await waitFor(() => page.evaluate(() => window.__log.some((e) => e[1] === 'after')), 'the message after returning');
      const requests = server.log(k).requests;
      assert.equal(requests.length, 2);
      assert.equal(requests[1].lastEventId, '11');
      const log = await page.evaluate(() => window.__log);
      assert.deepEqual(log.map((e) => e[0]), ['open', 'message', 'open', 'message'], 'no error event for the pause');
      await page.evaluate(() => window.__es.close());
    } finally {
      await chromium.close();
    }
  });

  test('pauseWhenHidden releases the connection while the page is hidden and reconnects when visible', async () => {
    const page = await harness();
    try {
      const k = key('hidden');
      const url = sseUrl(server.origin, k, [{ chunks: ['id: 1\ndata: one\n\n'], end: 'open' }, { chunks: ['data: two\n\n'], end: 'open' }]);
      await page.evaluate(openRecorded, { url, init: { pauseWhenHidden: true } });
      await waitFor(() => page.evaluate(() => window.__log.some((e) => e[1] === 'one')), 'the first message');
      const setVisibility = (state) =>
        page.evaluate((state) => {
          Object.defineProperty(document, 'visibilityState', { value: state, configurable: true });
          document.dispatchEvent(new Event('visibilitychange'));
        }, state);
      await setVisibility('hidden');
      await waitFor(() => server.log(k).open === 0, 'the connection to close while hidden');
      assert.equal(await page.evaluate(() => window.__es.readyState), 0);
      await setVisibility('visible');
      await waitFor(() => page.evaluate(() => window.__log.some((e) => e[1] === 'two')), 'the reconnection');
      assert.equal(server.log(k).requests[1].lastEventId, '1');
      await page.evaluate(() => window.__es.close());
    } finally {
      await page.close();
    }
  });
});

test('with no options (and with an empty options object) requests and events are exactly native Chromium’s', async () => {
  const page = await harness();
  try {
    const plan = [{ chunks: ['retry: 30\nid: 1\ndata: a\n\nevent: t\ndata: b\n\n'] }, { chunks: ['data: c\n\n'], end: 'open' }];
    const runs = {};
    for (const [name, ctor, init] of [['native', 'nativeEventSource', undefined], ['ours', 'EventSource', undefined], ['ours-empty', 'EventSource', {}]]) {
      const k = key(`exact-${name}`);
      runs[name] = k;
      await page.evaluate(({ url, ctor, init, name }) => {
        const es = new window[ctor](url, init);
        const log = [];
        window[`__${name}`] = { es, log };
        for (const type of ['open', 'message', 'error', 't']) es.addEventListener(type, (e) => log.push([e.type, es.readyState, e.data ?? null, e.lastEventId ?? null]));
      }, { url: sseUrl(server.origin, k, plan), ctor, init, name });
    }
    for (const name of Object.keys(runs)) await waitFor(() => page.evaluate((name) => window[`__${name}`].log.some((e) => e[2] === 'c'), name), `${name} to reconnect`);
    const logs = {};
    for (const name of Object.keys(runs)) logs[name] = await page.evaluate((name) => (window[`__${name}`].es.close(), window[`__${name}`].log), name);
    assert.deepEqual(logs.ours, logs.native);
    assert.deepEqual(logs['ours-empty'], logs.native);
    const headers = ['accept', 'cache-control', 'pragma', 'last-event-id', 'origin', 'sec-fetch-mode', 'sec-fetch-dest', 'content-type', 'authorization'];
    const pick = (k) => server.log(k).requests.map((r) => [r.method, r.body, ...headers.map((h) => r.headers[h] ?? null)]);
    assert.deepEqual(pick(runs.ours), pick(runs.native));
    assert.deepEqual(pick(runs['ours-empty']), pick(runs.native));
  } finally {
    await page.close();
  }
});
