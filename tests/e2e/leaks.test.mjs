// Leaks, in Chromium, over fetch and over XHR (the transport option):
//
// - 1000 create/close cycles, twice: afterwards the server holds no
//   connection, diagnostics() is back to sources 0 / timers 0 / listeners 0 /
//   requests 0 / callbacks 0, the wasm memory after the second batch equals the memory
//   after the first (at most one 64 KiB page more), the JS heap after a full
//   GC (CDP HeapProfiler.collectGarbage, Runtime.getHeapUsage) is flat, and
//   the closed EventSource objects themselves are collected (WeakRefs).
// - 1000 reconnections, twice (a stream that ends at once with `retry: 0`,
//   counted by its open events): the same checks.
// - A source whose object is dropped without close() keeps running, as the
//   platform keeps an EventSource alive while it is CONNECTING or OPEN
//   (HTML §9.2.8 "Garbage collection"): its listeners keep receiving
//   messages after full GCs, and the object is still there. Only close(), or
//   a failed connection, lets it go. (Documented in SECURITY.md.)

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { gotoHarness, sleep, sseUrl, uniqueKey, waitFor, waitForClosedOnServer, withServerAndBrowser } from './helpers.mjs';

const PAGE = 65536;
// Responses say Connection: close. Otherwise Chromium, when a request is
// cancelled mid-body, keeps draining the HTTP/1.1 body for a few seconds to
// reuse the socket (native EventSource too), and the server would count
// those connections as open long after close().
const CLOSE = { Connection: 'close' };
// JS heap growth allowed between the two batches, after a full GC. A leak
// of even 100 bytes per cycle would be 100 KB over 1000 cycles.
const HEAP_SLACK = 64 * 1024;

let server;
let browser;
withServerAndBrowser((env) => ({ server, browser } = env));

async function openPage(transport) {
  const page = await browser.newPage();
  page.errors = [];
  page.on('pageerror', (error) => page.errors.push(error));
  await gotoHarness(page, server.origin, 'script');
  page.cdp = await page.context().newCDPSession(page);
  await page.cdp.send('HeapProfiler.enable');
  page.transport = transport;
  return page;
}

async function heapAfterGc(page) {
  // Several passes: finalizers (the FinalizationRegistry that frees the wasm
  // side of a collected source) run between them.
  for (let i = 0; i < 4; i++) {
    await page.cdp.send('HeapProfiler.collectGarbage');
    await sleep(30);
  }
  const { usedSize } = await page.cdp.send('Runtime.getHeapUsage');
  return usedSize;
}

const diagnostics = (page) => page.evaluate(() => window.EventSourceWasm.diagnostics());

/** Wait until nothing is held, and return the wasm memory size. */
async function settled(page, keys) {
  for (const key of keys) await waitForClosedOnServer(server, key, { timeout: 10000 });
  const d = await waitFor(
    async () => {
      const d = await diagnostics(page);
      return d.sources === 0 && d.timers === 0 && d.listeners === 0 && d.requests === 0 && d.callbacks === 0 && d;
    },
    { timeout: 10000, message: 'diagnostics() back to 0', describe: async () => JSON.stringify(await diagnostics(page)) },
  );
  assert.equal(server.openConnections(), 0, 'no open connection at the server');
  return d.wasmMemoryBytes;
}

// 1000 sources, 10 at a time, closed at three different moments: right
// after construction (no request is ever made), one task later (the request
// is in flight, so close() aborts it), or after the first message (a full
// connection). Keeps WeakRefs to every 10th object when `track` is set.
// Returns how many sources were closed after their message (each of them
// made exactly one request).
function createCloseCycles(page, key, track) {
  const url = sseUrl(server.origin, key, { chunks: ['data: hello\n\n'], end: 'open', headers: CLOSE });
  return page.evaluate(
    async ({ url, transport, track }) => {
      const init = { transport };
      let connected = 0;
      window.__weak = [];
      const task = () => new Promise((resolve) => setTimeout(resolve, 0));
      for (let i = 0; i < 1000; i += 10) {
        const group = [];
        for (let j = i; j < i + 10; j++) {
          const es = new EventSource(url, init);
          if (track && j % 10 < 3) window.__weak.push(new WeakRef(es));
          if (j % 3 === 0) {
            es.close();
          } else if (j % 3 === 1) {
            group.push(task().then(() => es.close()));
          } else {
            connected++;
            group.push(
              new Promise((resolve, reject) => {
                es.onmessage = () => {
                  es.close();
                  resolve();
                };
                es.onerror = () => reject(new Error(`error event, readyState ${es.readyState}`));
              }),
            );
          }
        }
        await Promise.all(group);
      }
      return connected;
    },
    { url, transport: page.transport, track },
  );
}

function reconnections(page, key, n) {
  const url = sseUrl(server.origin, key, { chunks: ['retry: 0\ndata: x\n\n'], end: 'close', headers: CLOSE });
  return page.evaluate(
    ({ url, transport, n }) =>
      new Promise((resolve, reject) => {
        const es = new EventSource(url, { transport });
        let opens = 0;
        let messages = 0;
        es.onopen = () => opens++;
        es.onmessage = () => {
          messages++;
          if (messages === n) {
            es.close();
            resolve({ opens, messages });
          }
        };
        es.onerror = () => {
          if (es.readyState === 2) reject(new Error('the source failed'));
        };
        window.__weak = [new WeakRef(es)];
      }),
    { url, transport: page.transport, n },
  );
}

async function assertCollected(page, what) {
  const alive = await waitFor(
    async () => {
      await heapAfterGc(page);
      const alive = await page.evaluate(() => window.__weak.filter((w) => w.deref() !== undefined).length);
      return alive === 0 ? 'none' : false;
    },
    { timeout: 5000, message: `the closed ${what} to be garbage collected`, describe: () => page.evaluate(() => `${window.__weak.filter((w) => w.deref() !== undefined).length} of ${window.__weak.length} alive`) },
  );
  assert.equal(alive, 'none');
  await page.evaluate(() => (window.__weak = []));
}

for (const transport of ['fetch', 'xhr']) {
  describe(`leaks (${transport})`, () => {
    it('1000 create/close cycles, twice: no connection, no resource, flat wasm memory and JS heap, objects collected', async () => {
      const page = await openPage(transport);
      try {
        const k1 = uniqueKey(`leak-cycles-${transport}-a`);
        const expected1 = await createCloseCycles(page, k1, true);
        const memory1 = await settled(page, [k1]);
        const requests1 = server.log(k1).requests.length;
        assert.ok(requests1 >= expected1 && requests1 <= expected1 + 333, `${requests1} requests for ${expected1} full connections`);
        await assertCollected(page, 'sources');
        const heap1 = await heapAfterGc(page);

        const k2 = uniqueKey(`leak-cycles-${transport}-b`);
        const expected2 = await createCloseCycles(page, k2, false);
        const memory2 = await settled(page, [k2]);
        const requests2 = server.log(k2).requests.length;
        assert.ok(requests2 >= expected2 && requests2 <= expected2 + 333, `${requests2} requests for ${expected2} full connections`);
        const heap2 = await heapAfterGc(page);

        console.log(`create/close (${transport}): wasm memory ${memory1} → ${memory2} bytes; JS heap ${heap1} → ${heap2} bytes (${heap2 - heap1 >= 0 ? '+' : ''}${heap2 - heap1})`);
        assert.ok(memory2 - memory1 <= PAGE, `wasm memory grew from ${memory1} to ${memory2} bytes over the second 1000 cycles`);
        assert.ok(heap2 - heap1 <= HEAP_SLACK, `JS heap grew by ${heap2 - heap1} bytes over the second 1000 cycles (from ${heap1})`);
        assert.deepEqual(page.errors.map(String), []);
      } finally {
        await page.close();
      }
    });

    it('1000 reconnections, twice: no connection, no resource, flat wasm memory and JS heap', async () => {
      const page = await openPage(transport);
      try {
        const k1 = uniqueKey(`leak-reconnect-${transport}-a`);
        const first = await reconnections(page, k1, 1000);
        const memory1 = await settled(page, [k1]);
        assert.deepEqual(first, { opens: 1000, messages: 1000 });
        assert.equal(server.log(k1).requests.length, 1000, 'one request per open');
        await assertCollected(page, 'source');
        const heap1 = await heapAfterGc(page);

        const k2 = uniqueKey(`leak-reconnect-${transport}-b`);
        const second = await reconnections(page, k2, 1000);
        const memory2 = await settled(page, [k2]);
        assert.deepEqual(second, { opens: 1000, messages: 1000 });
        await page.evaluate(() => (window.__weak = []));
        const heap2 = await heapAfterGc(page);

        console.log(`reconnections (${transport}): wasm memory ${memory1} → ${memory2} bytes; JS heap ${heap1} → ${heap2} bytes (${heap2 - heap1 >= 0 ? '+' : ''}${heap2 - heap1})`);
        assert.ok(memory2 - memory1 <= PAGE, `wasm memory grew from ${memory1} to ${memory2} bytes over the second 1000 reconnections`);
        assert.ok(heap2 - heap1 <= HEAP_SLACK, `JS heap grew by ${heap2 - heap1} bytes over the second 1000 reconnections (from ${heap1})`);
        // Reconnections sent Last-Event-ID? The stream has no ids: never.
        assert.ok(server.log(k2).requests.every((r) => r.lastEventId === null));
        assert.deepEqual(page.errors.map(String), []);
      } finally {
        await page.close();
      }
    });

    it('a source dropped without close() keeps running: its listeners get messages after full GCs', async () => {
      const page = await openPage(transport);
      try {
        const key = uniqueKey(`leak-dropped-${transport}`);
        const chunks = ['retry: 50\n'];
        for (let i = 1; i <= 80; i++) chunks.push(`data: ${i}\n\n`, { delay: 50 });
        const url = sseUrl(server.origin, key, { chunks, end: 'open', headers: CLOSE });
        await page.evaluate(
          ({ url, transport }) => {
            window.__received = [];
            // The only references: a WeakRef, and the listener's closure
            // over a global array. Nothing reaches the object from the page.
            (() => {
              const es = new EventSource(url, { transport });
              es.addEventListener('message', (e) => window.__received.push(e.data));
              window.__weak = [new WeakRef(es)];
            })();
          },
          { url, transport },
        );
        await waitFor(() => page.evaluate(() => window.__received.length >= 3), { message: 'the first messages' });
        for (let i = 0; i < 3; i++) await heapAfterGc(page);
        const before = await page.evaluate(() => window.__received.length);
        await waitFor(() => page.evaluate((n) => window.__received.length >= n + 5, before), {
          timeout: 5000,
          message: 'messages after the GCs',
          describe: () => page.evaluate(() => `${window.__received.length} received; object alive: ${!!window.__weak[0].deref()}`),
        });
        for (let i = 0; i < 3; i++) await heapAfterGc(page);
        const state = await page.evaluate(() => {
          const es = window.__weak[0].deref();
          return { alive: es !== undefined, readyState: es && es.readyState, received: window.__received.slice() };
        });
        assert.equal(state.alive, true, 'the object is kept alive while OPEN');
        assert.equal(state.readyState, 1);
        assert.deepEqual(state.received, state.received.map((_, i) => String(i + 1)), 'in order, none lost');
        assert.equal(server.log(key).open, 1);
        // close() through the WeakRef: now it goes, and takes everything with it.
        await page.evaluate(() => window.__weak[0].deref().close());
        await settled(page, [key]);
        await assertCollected(page, 'dropped source');
        assert.deepEqual(page.errors.map(String), []);
      } finally {
        await page.close();
      }
    });
  });
}
