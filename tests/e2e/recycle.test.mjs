// XHR keeps the whole responseText of a request; past 8 MiB the source
// replaces the request with a fresh one carrying Last-Event-ID, when nothing
// can be lost. This checks that it happens, silently, losing and repeating
// nothing; and that without ids (nothing to resume from) it never does.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';

import { sseUrl } from '../server/server.mjs';
import { withServerAndBrowser } from './helpers.mjs';

let server;
let browser;
withServerAndBrowser((env) => ({ server, browser } = env));

// Runs in the page: counts events and checks that ids come 1, 2, 3 … exactly once.
function consume({ url, total }) {
  return new Promise((resolve) => {
    const es = new EventSource(url, { transport: 'xhr' });
    let expected = 1;
    const problems = [];
    const other = [];
    es.onopen = () => other.push('open');
    es.onerror = (e) => other.push(`error ${e.reason}`);
    es.onmessage = (e) => {
      const id = Number(e.lastEventId);
      if (id !== expected || Number(e.data) !== id) problems.push(`got id ${e.lastEventId} data ${e.data.slice(-8)}, expected ${expected}`);
      expected = id + 1;
      if (id === total) {
        es.close();
        resolve({ received: expected - 1, problems: problems.slice(0, 5), other });
      }
    };
    setTimeout(() => resolve({ received: expected - 1, problems, other, timeout: true }), 60000);
  });
}

test('a long XHR response is recycled at an event boundary with Last-Event-ID, losing and repeating nothing', async () => {
  const page = await browser.newPage();
  try {
    await page.goto(`${server.origin}/tests/pages/harness.html?load=script`);
    await page.evaluate(() => window.loaded);
    // 20 000 events of about 1 KiB: about 20 MiB, so at least two recycles.
    const total = 20000;
    const key = `recycle-${Date.now()}`;
    const url = `${server.origin}/numbers?key=${key}&total=${total}&size=1000&end=open`;
    const result = await page.evaluate(consume, { url, total });
    assert.ok(!result.timeout, `timed out after ${result.received} events`);
    assert.deepEqual(result.problems, []);
    assert.equal(result.received, total);
    assert.deepEqual(result.other, ['open'], 'recycling dispatches no error and no second open');
    const requests = server.log(key).requests;
    assert.ok(requests.length >= 3, `expected at least two recycles, saw ${requests.length} requests`);
    assert.equal(requests[0].lastEventId, null);
    for (const r of requests.slice(1)) assert.match(r.lastEventId, /^\d+$/, 'each replacement resumes from the last event ID');
  } finally {
    await page.close();
  }
});

test('without event ids a long XHR response is never recycled (it could not be resumed)', async () => {
  const page = await browser.newPage();
  try {
    await page.goto(`${server.origin}/tests/pages/harness.html?load=script`);
    await page.evaluate(() => window.loaded);
    const key = `no-recycle-${Date.now()}`;
    // 10 MiB of events without ids, then the stream stays open.
    const url = sseUrl(server.origin, key, { chunks: [{ repeat: 10240, text: `data: ${'x'.repeat(1000)}\n\n` }], end: 'open' });
    const received = await page.evaluate(
      (url) =>
        new Promise((resolve) => {
          const es = new EventSource(url, { transport: 'xhr' });
          let n = 0;
          es.onmessage = () => {
            if (++n === 10240) {
              es.close();
              resolve(n);
            }
          };
          setTimeout(() => resolve(n), 60000);
        }),
      url,
    );
    assert.equal(received, 10240);
    assert.equal(server.log(key).requests.length, 1);
  } finally {
    await page.close();
  }
});
