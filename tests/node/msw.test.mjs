// Mocks users already have: MSW's `sse()` handler (MSW 2, the major that
// runs on Node 20) mocking the stream the package reads, in Node. MSW
// intercepts the global fetch, which the package looks up at every request;
// its `sse()` needs a global EventSource, so `eventsource-wasm/auto` is
// imported first (Node 20 has none). With a fake clock installed before the
// source is made, as the README's testing section shows.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '../../..');
const realSetTimeout = globalThis.setTimeout;
const sleep = (ms) => new Promise((resolve) => realSetTimeout(resolve, ms));

async function waitFor(predicate, what, timeout = 5000) {
  const start = performance.now();
  while (!predicate()) {
    if (performance.now() - start > timeout) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

test("MSW's sse() handler mocks a stream the package reads: events, the end, and the reconnection with Last-Event-ID after a fake clock's retry delay", async () => {
  await import(join(root, 'dist/auto.js'));
  const { isPolyfill } = await import(join(root, 'dist/index.js'));
  assert.equal(isPolyfill(globalThis.EventSource), true, 'eventsource-wasm/auto installed EventSource');
  const { sse } = await import('msw');
  const { setupServer } = await import('msw/node');
  const FakeTimers = (await import('@sinonjs/fake-timers')).default;

  const seenIds = [];
  const server = setupServer(
    sse('http://api.example.test/stream', ({ request, client }) => {
      const lastEventId = request.headers.get('last-event-id');
      seenIds.push(lastEventId);
      if (lastEventId === null) {
        client.send({ retry: 2000 });
        client.send({ id: '1', data: 'hello' });
        client.send({ id: '2', event: 'update', data: { count: 2 } });
        client.close();
      } else {
        client.send({ data: `resumed after ${lastEventId}` });
      }
    }),
  );
  server.listen({ onUnhandledRequest: 'error' });
  const clock = FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  const es = new EventSource('http://api.example.test/stream');
  const log = [];
  es.onopen = () => log.push(['open']);
  es.onmessage = (e) => log.push(['message', e.data, e.lastEventId]);
  es.addEventListener('update', (e) => log.push(['update', JSON.parse(e.data), e.lastEventId]));
  es.onerror = (e) => log.push(['error', es.readyState, e.reason]);
  try {
    await waitFor(() => log.length === 4, 'the mocked events and the end, without a tick');
    assert.deepEqual(log, [['open'], ['message', 'hello', '1'], ['update', { count: 2 }, '2'], ['error', 0, 'ended']]);
    clock.tick(1999);
    await sleep(100);
    assert.deepEqual(seenIds, [null], 'no reconnection before the retry delay');
    clock.tick(1);
    await waitFor(() => log.length === 6, 'the reconnection');
    assert.deepEqual(log.slice(4), [['open'], ['message', 'resumed after 2', '2']]);
    assert.deepEqual(seenIds, [null, '2']);
  } finally {
    es.close();
    clock.uninstall();
    server.close();
  }
});
