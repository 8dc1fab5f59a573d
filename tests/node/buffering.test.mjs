// The buffering diagnosis in Node, against the test server's buffering
// proxy mode: a source warns once (console and a `warning` event) when a
// buffer of 4 KiB flushes the stream when full, when an interval proxy holds
// the body back, and when the stream is gzip-compressed; and never when the
// same application streams directly, however slow or bursty it is.
// (Chromium, over fetch and XHR: tests/e2e/buffering.test.mjs.)

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

import { startServer, sseUrl } from '../server/server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let server;
let EventSource;
let n = 0;
const key = (name) => `${name}-${++n}-${Date.now()}`;

// Every console warning of the file (the tests run at once: each keeps
// those about its own URL).
const consoled = [];
let original;

before(async () => {
  original = console.warn;
  console.warn = (message) => consoled.push(String(message));
  server = await startServer();
  ({ EventSource } = await import(join(root, 'dist/index.js')));
});
after(async () => {
  console.warn = original;
  await server.close();
});

// An application that writes a 100-byte event every 20 ms.
const EVENT = `data: ${'x'.repeat(92)}\n\n`;
const paced = (count) => ({ repeat: count, every: 20, text: EVENT });

/** Watch a source on `plan` for `ms`: its warning events, console warnings and messages. */
async function watch(plan, ms) {
  const warnings = [];
  const url = sseUrl(server.origin, key('buffering'), plan);
  const es = new EventSource(url);
  let messages = 0;
  es.onmessage = () => messages++;
  es.addEventListener('warning', (e) => warnings.push({ warning: e.warning, sign: e.sign, waited: e.waited, events: e.events, bufferSize: e.bufferSize, message: e.message }));
  try {
    await sleep(ms);
  } finally {
    es.close();
  }
  return { warnings, consoled: consoled.filter((m) => m.includes(url)), messages };
}

describe('buffering diagnosis (Node, fetch)', { concurrency: true }, () => {
  test('a 4 KiB buffer flushed when full: one warning, sign buffer-sized-bursts, naming the server settings', async () => {
    // 41 events at once first: the first block leaves at once (so the only
    // sign is the blocks' size, however slow a loaded machine is), then one
    // about every 0.8 s.
    const { warnings, consoled, messages } = await watch({ chunks: [{ repeat: 41, text: EVENT }, paced(300)], proxy: { block: 4096 } }, 4500);
    assert.ok(messages > 0, 'events came through');
    assert.equal(warnings.length, 1, JSON.stringify(warnings));
    assert.equal(warnings[0].warning, 'buffering');
    assert.equal(warnings[0].sign, 'buffer-sized-bursts');
    assert.equal(warnings[0].bufferSize, 4096);
    assert.match(warnings[0].message, /bursts of exactly 4 KiB/);
    assert.match(warnings[0].message, /X-Accel-Buffering: no/);
    assert.match(warnings[0].message, /Cache-Control: no-transform/);
    assert.deepEqual(consoled, [warnings[0].message], 'the same words, once, on the console');
  });

  test('an interval proxy holding the body back: one warning, sign late-first-bytes', async () => {
    const { warnings } = await watch({ chunks: [paced(150)], proxy: { interval: 1200 } }, 2500);
    assert.equal(warnings.length, 1, JSON.stringify(warnings));
    assert.equal(warnings[0].sign, 'late-first-bytes');
    assert.ok(warnings[0].waited >= 1000, `waited ${warnings[0].waited}`);
    assert.ok(warnings[0].events >= 8, `events ${warnings[0].events}`);
  });

  test('a gzip-compressed event stream: one warning, sign compressed, and the events still arrive', async () => {
    const { warnings, messages } = await watch({ chunks: [paced(100)], proxy: { interval: 300, gzip: true } }, 1500);
    assert.equal(warnings.length, 1, JSON.stringify(warnings));
    assert.equal(warnings[0].sign, 'compressed');
    assert.match(warnings[0].message, /do not compress text\/event-stream/);
    assert.ok(messages > 10, `${messages} messages`);
  });

  test('no warning when the same application streams directly, slowly or in bursts', async () => {
    const steady = watch({ chunks: [paced(200)] }, 4500);
    const slow = watch({ chunks: ['data: a\n\n', { delay: 1500 }, 'data: b\n\n', { delay: 1500 }, 'data: c\n\n'], end: 'open' }, 4000);
    const burst = { repeat: 60, text: EVENT };
    const bursty = watch({ chunks: [burst, { delay: 1000 }, burst, { delay: 1000 }, burst, { delay: 1000 }, burst], end: 'open' }, 4000);
    for (const { warnings, consoled, messages } of await Promise.all([steady, slow, bursty])) {
      assert.ok(messages >= 3, `${messages} messages`);
      assert.deepEqual(warnings, []);
      assert.deepEqual(consoled, []);
    }
  });
});
