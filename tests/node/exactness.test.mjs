// Where the standard (and the platform's own EventSource) say exactly what
// happens, in Node: URLs no client can fetch and aborts from outside fail
// the connection; fake clocks installed after import drive reconnection and
// heartbeats; URL credentials answer a Basic challenge; invalid URLs say
// "Invalid URL" as Node's own parser does; hosts the URL Standard rejects
// throw. (The same in Chromium: tests/e2e/exactness.test.mjs.)

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import FakeTimers from '@sinonjs/fake-timers';

import { startServer, sseUrl } from '../server/server.mjs';
import { sleep, uniqueKey, waitFor } from '../e2e/helpers.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const CLOSED = 2;

// The real clock, for waiting on I/O while a fake one is installed.
const realTimeout = globalThis.setTimeout;
const realSleep = (ms) => new Promise((resolve) => realTimeout(resolve, ms));
async function until(predicate, message, timeout = 5000) {
  const start = performance.now();
  while (!predicate()) {
    if (performance.now() - start > timeout) throw new Error(`timed out waiting for ${message}`);
    await realSleep(5);
  }
}

let server;
let EventSource;
before(async () => {
  server = await startServer();
  ({ EventSource } = await import(pathToFileURL(join(root, 'dist/index.js')).href));
});
after(async () => {
  await server.close();
});

function record(es) {
  const log = [];
  es.onopen = () => log.push(['open', es.readyState]);
  es.onmessage = (e) => log.push(['message', e.data, e.lastEventId]);
  es.onerror = (e) => log.push(['error', es.readyState, e.reason]);
  return log;
}

describe('exactness in Node', () => {
  for (const url of ['ftp://127.0.0.1/events', 'file:///etc/hostname', 'about:blank', 'mailto:someone@example.com', 'javascript:void(0)', 'ws://127.0.0.1/events']) {
    test(`a URL no client can fetch (${url.split(':')[0]}:) fails the connection: one error, CLOSED, no reconnection`, async () => {
      const es = new EventSource(url);
      const log = record(es);
      assert.equal(es.readyState, 0, 'CONNECTING until the task that would fetch');
      await waitFor(() => log.length > 0, { message: 'the error' });
      await sleep(300);
      assert.deepEqual(log, [['error', CLOSED, 'scheme']]);
      assert.equal(es.readyState, CLOSED);
      assert.equal(es.url, url);
    });
  }

  test('a fetch aborted by anyone but the source (the fetch option’s own signal) fails the connection: one error, CLOSED, no reconnection', async () => {
    const k = uniqueKey('foreign-abort');
    let abort;
    const es = new EventSource(sseUrl(server.origin, k, { chunks: ['data: one\n\n'], end: 'open' }), {
      fetch(url, init) {
        const controller = new AbortController();
        abort = () => controller.abort();
        return fetch(url, { ...init, signal: controller.signal });
      },
    });
    const log = record(es);
    await waitFor(() => log.some((e) => e[0] === 'message'), { message: 'the message' });
    abort();
    await waitFor(() => log.some((e) => e[0] === 'error'), { message: 'the error' });
    await sleep(300);
    assert.deepEqual(log, [['open', 1], ['message', 'one', ''], ['error', CLOSED, 'aborted']]);
    assert.equal(server.log(k).requests.length, 1, 'no reconnection');
    assert.equal(server.log(k).open, 0, 'the connection is gone');
  });

  test('an abort before the response is the same: CLOSED, no reconnection', async () => {
    const k = uniqueKey('foreign-abort-early');
    const es = new EventSource(sseUrl(server.origin, k, { delay: 2000, chunks: ['data: late\n\n'] }), {
      fetch(url, init) {
        const controller = new AbortController();
        setTimeout(() => controller.abort(), 100);
        return fetch(url, { ...init, signal: controller.signal });
      },
    });
    const log = record(es);
    await waitFor(() => log.length > 0, { message: 'the error' });
    await sleep(200);
    assert.deepEqual(log, [['error', CLOSED, 'aborted']]);
    assert.equal(server.log(k).requests.length, 1);
  });

  describe('fake clocks installed after the package was imported', () => {
    test('@sinonjs/fake-timers drives the reconnection: tick 3 s and the second request arrives', async () => {
      const k = uniqueKey('fake-reconnect');
      const clock = FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
      try {
        const es = new EventSource(sseUrl(server.origin, k, [{ chunks: ['id: 1\ndata: one\n\n'] }, { chunks: ['data: two\n\n'], end: 'open' }]));
        const log = record(es);
        await clock.tickAsync(0);
        await until(() => log.some((e) => e[0] === 'error'), 'the first stream to end');
        await clock.tickAsync(2999);
        await realSleep(100);
        assert.equal(server.log(k).requests.length, 1, 'not before 3 s of the fake clock');
        await clock.tickAsync(1);
        await until(() => server.log(k).requests.length === 2, 'the second request');
        assert.equal(server.log(k).requests[1].lastEventId, '1');
        await until(() => log.some((e) => e[1] === 'two'), 'the second stream');
        es.close();
      } finally {
        clock.uninstall();
      }
    });

    test('@sinonjs/fake-timers drives the heartbeat: tick heartbeatTimeout and the stall is detected', async () => {
      const k = uniqueKey('fake-heartbeat');
      const clock = FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
      try {
        const es = new EventSource(sseUrl(server.origin, k, { chunks: ['data: one\n\n'], end: 'open' }), { heartbeatTimeout: 20000 });
        const log = record(es);
        await clock.tickAsync(0);
        await until(() => log.some((e) => e[0] === 'message'), 'the message');
        await clock.tickAsync(19999);
        await realSleep(50);
        assert.deepEqual(log.map((e) => e[0]), ['open', 'message'], 'no stall yet');
        await clock.tickAsync(1);
        await until(() => log.some((e) => e[0] === 'error'), 'the stall');
        assert.deepEqual(log.at(-1), ['error', 0, 'timeout']);
        es.close();
      } finally {
        clock.uninstall();
      }
    });

    test('with every timer faked (the default install) and a mock fetch, ticks alone drive a reconnection', async () => {
      const clock = FakeTimers.install();
      try {
        const encoder = new TextEncoder();
        let requests = 0;
        const body = (text, close) =>
          new ReadableStream({
            start(c) {
              c.enqueue(encoder.encode(text));
              if (close) c.close();
            },
          });
        const fetchMock = async () => {
          requests++;
          return new Response(body(requests === 1 ? 'retry: 500\ndata: one\n\n' : 'data: two\n\n', requests === 1), { headers: { 'content-type': 'text/event-stream' } });
        };
        const es = new EventSource('http://example.test/events', { fetch: fetchMock });
        const log = record(es);
        await clock.tickAsync(0);
        assert.deepEqual(log.map((e) => e[0]), ['open', 'message', 'error']);
        await clock.tickAsync(499);
        assert.equal(requests, 1);
        await clock.tickAsync(1);
        assert.equal(requests, 2);
        assert.deepEqual(log.at(-1), ['message', 'two', '']);
        es.close();
      } finally {
        clock.uninstall();
      }
    });
  });

  test('a URL with credentials: requested without them, a Basic challenge answered once with them, url as given', async () => {
    const k = uniqueKey('credentials');
    const plain = sseUrl(server.origin, k, { auth: 'user:pa ss', chunks: ['data: in\n\n'], end: 'open' });
    const url = plain.replace('http://', 'http://user:pa%20ss@');
    const es = new EventSource(url);
    const log = record(es);
    await waitFor(() => log.some((e) => e[0] === 'message'), { message: 'the message' });
    assert.deepEqual(log, [['open', 1], ['message', 'in', '']], 'no error event for the challenge');
    assert.equal(es.url, url, 'url returns the URL as given');
    const [first, second] = server.log(k).requests;
    assert.equal(first.headers.authorization, undefined, 'the first request carries no credentials');
    assert.equal(second.headers.authorization, `Basic ${Buffer.from('user:pa ss').toString('base64')}`);
    assert.equal(first.url, second.url);
    es.close();
  });

  test('wrong credentials are not retried: the 401 fails the connection', async () => {
    const k = uniqueKey('credentials-wrong');
    const url = sseUrl(server.origin, k, { auth: 'user:right', chunks: ['data: in\n\n'] }).replace('http://', 'http://user:wrong@');
    const es = new EventSource(url);
    const log = record(es);
    await waitFor(() => log.length > 0, { message: 'the error' });
    await sleep(200);
    assert.deepEqual(log, [['error', CLOSED, 'status']]);
    assert.equal(server.log(k).requests.length, 2, 'asked once, answered once');
  });

  test('an invalid URL is a SyntaxError whose message says "Invalid URL", as Node’s parser and EventSource say', () => {
    for (const url of ['not a url', 'http://', '/relative', 'http://[::1']) {
      assert.throws(
        () => new EventSource(url),
        (e) => e.name === 'SyntaxError' && /Invalid URL/.test(e.message),
        url,
      );
    }
  });

  test('a host the URL Standard rejects throws a SyntaxError', () => {
    for (const url of ['http://exa%mple.com/', 'https://a%20b/', 'http://this is invalid/']) {
      assert.throws(() => new EventSource(url), (e) => e.name === 'SyntaxError' && /Invalid URL/.test(e.message), url);
    }
    // Percent signs elsewhere are fine.
    const es = new EventSource('http://example.test/a%20b?x=%25');
    es.close();
  });

  test('credentials that are not percent-encoded UTF-8 make the URL invalid: a SyntaxError (they could never be sent)', () => {
    for (const url of ['http://u:%ZZ@example.test/', 'http://%C3:pw@example.test/', 'http://u:a%2@example.test/']) {
      assert.throws(() => new EventSource(url), (e) => e.name === 'SyntaxError' && /Invalid URL/.test(e.message) && e.message.includes(url), url);
    }
    const es = new EventSource('http://%C3%A9:a%25b@example.test/');
    es.close();
  });
});
