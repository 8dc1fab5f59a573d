// The cause behind a failed connection: error events carry what the
// platform threw (`event.cause`), and their message names it, for every
// failure where something was thrown; nothing where nothing was.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { startServer, sseUrl } from '../server/server.mjs';
import { closedPort } from '../e2e/helpers.mjs';

const root = join(fileURLToPath(import.meta.url), '../../..');
const { EventSource } = await import(join(root, 'dist/index.js'));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let server;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server.close();
});

/** The first error event of a source made with these arguments (closed then). */
function firstError(url, init) {
  const es = new EventSource(url, init);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      es.close();
      reject(new Error('no error event within 5 s'));
    }, 5000);
    es.onerror = (event) => {
      clearTimeout(timer);
      es.close();
      resolve(event);
    };
  });
}

test('a refused connection: the error event carries fetch\'s TypeError as its cause, and the message names it and its own cause', async () => {
  const port = await closedPort();
  const event = await firstError(`http://127.0.0.1:${port}/events`);
  assert.equal(event.reason, 'network');
  assert.ok(event.cause instanceof TypeError, `cause: ${event.cause}`);
  assert.equal(event.cause.message, 'fetch failed');
  assert.equal(event.cause.cause.code, 'ECONNREFUSED');
  assert.match(event.message, /^the connection failed or was dropped \(TypeError: fetch failed \(.*ECONNREFUSED.*\)\); reconnecting$/);
});

test('a stream broken off by the server: the cause is the body read\'s error', async () => {
  const url = sseUrl(server.origin, `cause-reset-${Date.now()}`, { chunks: ['data: one\n\n', { delay: 50 }], end: 'reset' });
  const event = await firstError(url);
  assert.equal(event.reason, 'network');
  assert.ok(event.cause instanceof Error, `cause: ${event.cause}`);
  assert.ok(event.message.includes(event.cause.message), event.message);
});

test('the fetch option\'s rejection is the cause, as it was thrown (the very object)', async () => {
  const thrown = new TypeError('Promise.withResolvers is not a function');
  const event = await firstError('http://127.0.0.1:1/events', { fetch: () => Promise.reject(thrown) });
  assert.equal(event.reason, 'network');
  assert.equal(event.cause, thrown);
  assert.match(event.message, /\(TypeError: Promise\.withResolvers is not a function\)/);
});

test('a headers function that throws: its error is the cause', async () => {
  const thrown = new Error('token expired');
  const event = await firstError(sseUrl(server.origin, `cause-headers-${Date.now()}`, { chunks: ['data: x\n\n'] }), {
    headers: () => {
      throw thrown;
    },
  });
  assert.equal(event.cause, thrown);
  assert.match(event.message, /token expired/);
});

test('where nothing was thrown (the server ended the stream, a wrong status) there is no cause, also after an earlier failure', async () => {
  let calls = 0;
  const k = `cause-none-${Date.now()}`;
  const es = new EventSource(sseUrl(server.origin, k, [{ chunks: ['retry: 20\ndata: one\n\n'] }, { status: 500 }]), {
    // The first request fails (a cause), the second streams and ends, the
    // third gets a 500.
    fetch: (url, init) => (++calls === 1 ? Promise.reject(new TypeError('first try')) : fetch(url, init)),
    reconnect: { initialDelay: 20 },
  });
  const errors = [];
  es.onerror = (e) => errors.push([e.reason, e.cause === undefined ? 'none' : e.cause.message, e.message.includes('first try')]);
  const start = Date.now();
  while (errors.length < 3 && Date.now() - start < 5000) await sleep(10);
  es.close();
  assert.deepEqual(errors, [
    ['network', 'first try', true],
    ['ended', 'none', false],
    ['status', 'none', false],
  ]);
});
