// Fake clocks installed before a source is made, as test suites do
// (`vi.useFakeTimers()` in `beforeEach`, `FakeTimers.install()` at the top
// of a test): before the package is imported, between the import and the
// construction, and after it. Construction, the first request, the
// response, its events and the end need no tick; the reconnection delay
// waits for the fake clock, and follows it to the millisecond.
// (After import, with the heartbeat: tests/node/exactness.test.mjs; in
// Chromium: tests/e2e/fake-clock.test.mjs.)
//
// The clock fakes what Vitest's useFakeTimers() fakes by default (timers,
// Date): faking process.nextTick or queueMicrotask as well stalls Node's
// own fetch, with or without this package.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import FakeTimers from '@sinonjs/fake-timers';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { startServer, sseUrl } from '../server/server.mjs';

const root = join(fileURLToPath(import.meta.url), '../../..');
// The real clock, for waiting on I/O while a fake one is installed.
const realSetTimeout = globalThis.setTimeout;
const sleep = (ms) => new Promise((resolve) => realSetTimeout(resolve, ms));
const TO_FAKE = ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate', 'Date'];

async function waitFor(predicate, what, timeout = 5000) {
  const start = performance.now();
  while (!predicate()) {
    if (performance.now() - start > timeout) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

let server;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server.close();
});

// `install(when)` installs the clock at that moment: 'import', 'construct'
// (between the two) or 'after' (construction); returns what it saw.
async function scenario(when) {
  let clock = null;
  const install = (moment) => {
    if (moment === when) clock = FakeTimers.install({ toFake: TO_FAKE });
  };
  install('import');
  const { EventSource } = await import(join(root, 'dist/index.js'));
  install('construct');
  const k = `fake-${when}-${Date.now()}`;
  const es = new EventSource(sseUrl(server.origin, k, [{ chunks: ['retry: 1000\nid: 1\ndata: one\n\n'], end: 'close' }, { chunks: ['data: two\n\n'], end: 'open' }]));
  install('after');
  const log = [];
  es.onopen = () => log.push(['open', es.readyState]);
  es.onmessage = (e) => log.push(['message', e.data, e.lastEventId]);
  es.onerror = (e) => log.push(['error', es.readyState, e.reason]);
  const requests = () => server.log(k).requests;
  try {
    // No tick: the request, its response, its events and its end.
    await waitFor(() => log.length === 3, 'open, the message and the end, without a tick');
    assert.deepEqual(log, [['open', 1], ['message', 'one', '1'], ['error', 0, 'ended']]);
    // The reconnection waits for the fake clock: not at 999 ms …
    await sleep(200);
    clock.tick(999);
    await sleep(200);
    assert.equal(requests().length, 1, 'no reconnection before retry (1000 ms) of the fake clock');
    // … at 1000 ms, with Last-Event-ID.
    clock.tick(1);
    await waitFor(() => log.length === 5, 'the reconnection and its message');
    assert.deepEqual(log.slice(3), [['open', 1], ['message', 'two', '1']]);
    assert.deepEqual(requests().map((r) => r.lastEventId), [null, '1']);
  } finally {
    es.close();
    clock?.uninstall();
  }
}

// In this order: the first imports the package with the clock installed.
test('a fake clock installed before the package is imported: no tick for the request, its events and its end; the reconnection follows the clock', () => scenario('import'));

test('a fake clock installed between the import and the construction: the same', () => scenario('construct'));

test('a fake clock installed right after the construction (starting at 0, before the time the source was made): the same', () => scenario('after'));
