// The package in Node (≥ 20), as users load it: ESM, CJS (require), and the
// auto-installing entry, against the scriptable test server on loopback.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

import { startServer, sseUrl } from '../server/server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(predicate, what, timeout = 5000) {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeout) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

let server;
let keyCount = 0;
const key = (name) => `${name}-${++keyCount}-${Date.now()}`;

before(async () => {
  server = await startServer();
});
after(async () => {
  await server.close();
});

/** Record everything a source dispatches. */
function record(es, types = []) {
  const log = [];
  es.onopen = () => log.push(['open', es.readyState]);
  es.onmessage = (e) => log.push(['message', e.data, e.lastEventId, e.origin]);
  es.onerror = (e) => log.push(['error', es.readyState, e.reason]);
  for (const type of types) es.addEventListener(type, (e) => log.push([type, e.data, e.lastEventId]));
  return log;
}

for (const [label, load] of [
  ['ESM', async () => import(join(root, 'dist/index.js'))],
  ['CJS (require)', async () => require(join(root, 'dist/index.cjs'))],
]) {
  describe(`Node, ${label}`, () => {
    let EventSource;
    before(async () => {
      ({ EventSource } = await load());
    });

    test('messages and custom event types arrive in order with origin and lastEventId', async () => {
      const k = key('messages');
      const es = new EventSource(sseUrl(server.origin, k, { chunks: ['id: 7\ndata: one\n\nevent: update\ndata: {"a":1}\n\ndata: two\n\n'], end: 'open' }));
      const log = record(es, ['update']);
      await waitFor(() => log.length >= 4, 'four events');
      es.close();
      assert.deepEqual(log, [
        ['open', 1],
        ['message', 'one', '7', server.origin],
        ['update', '{"a":1}', '7'],
        ['message', 'two', '7', server.origin],
      ]);
      const request = server.log(k).requests[0];
      assert.equal(request.headers.accept, 'text/event-stream');
      assert.equal(request.lastEventId, null, 'no Last-Event-ID on the first request');
    });

    test('an ended stream reconnects after retry with Last-Event-ID as UTF-8', async () => {
      const k = key('reconnect');
      const es = new EventSource(sseUrl(server.origin, k, [
        { chunks: ['retry: 80\nid: é€😀-1\ndata: first\n\n'] },
        { chunks: ['data: second\n\n'], end: 'open' },
      ]));
      const log = record(es);
      await waitFor(() => log.some((e) => e[1] === 'second'), 'the second connection');
      es.close();
      assert.deepEqual(log.map((e) => e[0]), ['open', 'message', 'error', 'open', 'message']);
      assert.deepEqual(log[2], ['error', 0, 'ended']);
      const [first, second] = server.log(k).requests;
      assert.equal(second.lastEventId, 'é€😀-1');
      assert.ok(second.time - first.time >= 60, `waited ${second.time - first.time} ms for retry: 80`);
    });

    test('a reset connection reconnects', async () => {
      const k = key('reset');
      const es = new EventSource(sseUrl(server.origin, k, [
        { chunks: ['retry: 50\nid: 3\ndata: a\n\n'], end: 'open' },
        { chunks: ['data: b\n\n'], end: 'open' },
      ]));
      const log = record(es);
      // An RST only once the client has the data (it may drop unread data).
      await waitFor(() => log.some((e) => e[1] === 'a'), 'the first message');
      server.cut(k);
      await waitFor(() => log.some((e) => e[1] === 'b'), 'the reconnection');
      es.close();
      assert.equal(server.log(k).requests[1].lastEventId, '3');
    });

    for (const [what, spec] of [
      ['a 404', { status: 404 }],
      ['a 500', { status: 500 }],
      ['a 204', { status: 204 }],
      ['text/plain', { type: 'text/plain', chunks: ['data: x\n\n'] }],
      ['no Content-Type', { type: null, chunks: ['data: x\n\n'] }],
    ]) {
      test(`${what} fails the connection for good`, async () => {
        const k = key('fail');
        const es = new EventSource(sseUrl(server.origin, k, spec));
        const log = record(es);
        await waitFor(() => log.length >= 1, 'the error');
        await sleep(150);
        assert.equal(log.length, 1);
        assert.equal(log[0][0], 'error');
        assert.equal(log[0][1], 2, 'readyState CLOSED in the error event');
        assert.equal(es.readyState, 2);
        assert.equal(server.log(k).requests.length, 1, 'no reconnection');
      });
    }

    test('a failure on a reconnection is final too', async () => {
      const k = key('fail-later');
      const es = new EventSource(sseUrl(server.origin, k, [{ chunks: ['retry: 30\ndata: a\n\n'] }, { status: 503 }]));
      const log = record(es);
      await waitFor(() => log.some((e) => e[0] === 'error' && e[1] === 2), 'the final error');
      await sleep(150);
      assert.equal(server.log(k).requests.length, 2);
      assert.equal(es.readyState, 2);
    });

    test('redirects are followed and origin is the final one while url stays', async () => {
      const k = key('redirect');
      const target = sseUrl(server.crossOrigin, k + '-target', { chunks: ['data: moved\n\n'], end: 'open' });
      const url = sseUrl(server.origin, k, { status: 307, redirect: target });
      const es = new EventSource(url);
      const log = record(es);
      await waitFor(() => log.some((e) => e[1] === 'moved'), 'the message');
      es.close();
      assert.equal(es.url, url);
      assert.equal(log[1][3], server.crossOrigin);
    });

    test('close() right after construction sends no request', async () => {
      const k = key('close-now');
      const es = new EventSource(sseUrl(server.origin, k, { chunks: ['data: x\n\n'] }));
      es.close();
      assert.equal(es.readyState, 2);
      await sleep(100);
      assert.equal(server.log(k).requests.length, 0);
    });

    test('close() while open releases the connection and stops events', async () => {
      const k = key('close-open');
      const es = new EventSource(sseUrl(server.origin, k, { chunks: ['data: a\n\n', { delay: 200 }, 'data: b\n\n'], end: 'open' }));
      const log = record(es);
      await waitFor(() => log.some((e) => e[1] === 'a'), 'the first message');
      es.close();
      await waitFor(() => server.log(k).open === 0, 'the server to see the close');
      await sleep(300);
      assert.ok(!log.some((e) => e[1] === 'b'));
    });

    test('a relative URL is a SyntaxError that says why', () => {
      assert.throws(() => new EventSource('/events'), (e) => e.name === 'SyntaxError' && /absolute URL/.test(e.message));
    });

    test('an unusable transport option is a TypeError that says why', () => {
      assert.throws(() => new EventSource(server.origin, { transport: 'xhr' }), (e) => e instanceof TypeError && /XMLHttpRequest/.test(e.message));
    });
  });
}

test('the auto entry installs EventSource in Node where it is missing', async () => {
  assert.equal(globalThis.EventSource, undefined, 'Node 20 has no EventSource of its own');
  const m = await import(join(root, 'dist/auto.js'));
  try {
    assert.equal(globalThis.EventSource, m.EventSource);
    assert.ok(m.isPolyfill());
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'EventSource');
    assert.deepEqual([descriptor.writable, descriptor.enumerable, descriptor.configurable], [true, false, true]);
  } finally {
    delete globalThis.EventSource;
  }
});

test('isPolyfill() recognises another copy of the package (the CommonJS build, eventsource-wasm/static, a second bundle) by its Symbol.for brand, and nothing else (not a subclass)', async () => {
  const esm = await import(join(root, 'dist/index.js'));
  const cjs = require(join(root, 'dist/index.cjs'));
  const fixed = await import(join(root, 'dist/static.js'));
  assert.notEqual(esm.EventSource, cjs.EventSource, 'two copies of the class');
  assert.notEqual(esm.EventSource, fixed.EventSource, 'eventsource-wasm/static has its own copy');
  assert.equal(esm.isPolyfill(cjs.EventSource), true);
  assert.equal(cjs.isPolyfill(esm.EventSource), true);
  assert.equal(esm.isPolyfill(fixed.EventSource), true);
  assert.equal(fixed.isPolyfill(esm.EventSource), true);
  assert.equal(esm.EventSource[Symbol.for('eventsource-wasm.EventSource')], true);
  const { EventSource: Other } = await import(join(root, 'node_modules/eventsource/dist/index.js'));
  // Nor a subclass a page made of it (the brand is an own property).
  for (const other of [Other, class EventSource extends EventTarget {}, class extends esm.EventSource {}, undefined, null, {}, () => {}]) assert.equal(esm.isPolyfill(other), false);
  // The brand is not enumerable and has no string key.
  assert.deepEqual(Object.keys(esm.EventSource), ['CONNECTING', 'OPEN', 'CLOSED']);
});

test('supportsSSE() and environment() describe Node', async () => {
  const { supportsSSE, environment } = await import(join(root, 'dist/index.js'));
  assert.equal(supportsSSE(), true);
  assert.deepEqual(environment(), { native: false, transport: 'fetch', eventTarget: 'native', shared: false });
});

test('a source that is closed lets the process exit (no timer or socket left)', async () => {
  const k = key('exit');
  const url = sseUrl(server.origin, k, { chunks: ['data: x\n\n'], end: 'open' });
  const script = `
    const { EventSource } = await import(${JSON.stringify(join(root, 'dist/index.js'))});
    const es = new EventSource(${JSON.stringify(url)});
    es.onmessage = () => { es.close(); console.log('closed'); };
  `;
  // The server runs in this process, so run the child asynchronously.
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const code = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error('the child did not exit within 5 s after close()'));
    }, 5000);
    child.on('exit', (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  assert.equal(code, 0);
  assert.equal(out.trim(), 'closed');
});

// The shell gives a source its lifecycle, network and group signals through
// one wasm export, `signal(code, argument)`, the code being the name's index
// in state.js's table (issue 25: one export instead of ten). A code outside
// that table can only come from a core and a shell of different builds: the
// core must answer that it does not know it (the shell then throws an error
// that says so, next test), never take it for another signal, and stay
// freeable (a throw from inside the method would leave it borrowed).
test('a signal code the core does not know is answered as unknown, changes nothing, and the source can still be closed and freed', async () => {
  const { EventSource } = await import(join(root, 'dist/index.js'));
  const es = new EventSource(sseUrl(server.origin, key('signal-code'), [{ chunks: ['data: one\n\n'], end: 'open' }]));
  const log = record(es);
  try {
    await waitFor(() => log.some((entry) => entry[0] === 'message'), 'the first message');
    const symbol = Object.getOwnPropertySymbols(es).find((s) => es[s] && typeof es[s] === 'object' && 'source' in es[s]);
    assert.ok(symbol, 'the source keeps its state under a symbol');
    const source = es[symbol].source;
    assert.equal(typeof source.signal, 'function', 'the core exports signal()');
    assert.equal(source.signal(200, undefined), false, 'an unknown code is answered false');
    assert.equal(es.readyState, EventSource.OPEN, 'a refused code changes nothing');
    assert.deepEqual(log.map((entry) => entry[0]), ['open', 'message']);
    // close() drives the `close` signal and frees the source: no borrow left behind.
    es.close();
    assert.equal(es.readyState, EventSource.CLOSED);
    assert.equal(es[symbol].source, null, 'the source was released');
  } finally {
    es.close();
  }
});

test('the shell reports a core that does not know one of its signals as a mismatched build, naming the signal, and leaves the source as it was', async () => {
  // The shell's side of the answer above, with a core that knows no signal.
  const { drive } = await import(join(root, 'src/js/state.js'));
  const calls = [];
  const state = { source: { signal: (code, argument) => (calls.push([code, argument]), false) }, busy: 0, readyState: 1, onClosed: [] };
  assert.throws(() => drive(state, 'online', false), {
    message: "eventsource-wasm: the core does not know the signal 'online' (a core and a shell of different builds)",
  });
  assert.deepEqual(calls, [[3, false]], "'online' is code 3, its flag passed along");
  assert.equal(state.busy, 0, 'the call is over');
  assert.equal(state.readyState, 1, 'not taken for a trap');
});
