#!/usr/bin/env node
// Repeated panics in one realm. A panic is contained (the source errors with
// reason 'panic' and goes CLOSED, the others go on: tests/e2e/bad-input and
// tests/node/bad-input), but does it leave anything behind? This drives
// `--panics N` sources with the __testPanicOnChunk hook, 10 at a time, and
// after every 100 checks that a normal source still receives an event
// intact, printing diagnostics() and the wasm memory. Exits 1 if the realm
// stops working (or crashes) before N panics.
//
//   node tests/soak/panic-repeat.mjs [--panics 4000] [--runtime node|chromium]
//
// Not part of `npm test` (a few minutes). What it found is in SECURITY.md.

import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { startServer, sseUrl } from '../server/server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

function option(name, fallback) {
  const argv = process.argv.slice(2);
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback;
}

const total = Number(option('panics', 4000));
const runtime = option('runtime', 'chromium');

// One round: 100 panicking sources (10 at a time), then one normal source.
// Runs in the page or in Node alike.
async function round(EventSource, panicUrl, okUrl) {
  for (let i = 0; i < 100; i += 10) {
    await Promise.all(
      Array.from(
        { length: 10 },
        () =>
          new Promise((resolve) => {
            const es = new EventSource(panicUrl, { __testPanicOnChunk: true });
            es.onerror = (e) => resolve(e.reason);
          }),
      ),
    );
  }
  return new Promise((resolve) => {
    let es;
    try {
      es = new EventSource(okUrl);
    } catch (error) {
      resolve(`constructor threw ${error}`);
      return;
    }
    const timer = setTimeout(() => {
      es.close();
      resolve('timeout');
    }, 3000);
    es.onmessage = (e) => {
      clearTimeout(timer);
      es.close();
      resolve(`${e.data}|${e.lastEventId}`);
    };
    es.onerror = (e) => {
      clearTimeout(timer);
      es.close();
      resolve(`error ${e.reason}`);
    };
  });
}

const server = await startServer();
const panicUrl = sseUrl(server.origin, 'panic-repeat', { chunks: ['data: boom\n\n'], end: 'open', headers: { Connection: 'close' } });
const okUrl = sseUrl(server.origin, 'panic-repeat-ok', { chunks: ['id: é1\ndata: hello wörld\n\n'], end: 'open', headers: { Connection: 'close' } });
const EXPECTED = 'hello wörld|é1';
let broke = null;
let browser;
const uncaught = [];

try {
  let step;
  let diagnostics;
  if (runtime === 'node') {
    process.on('uncaughtException', (error) => uncaught.push(String(error)));
    // Each panic prints its message with console.error: count them instead.
    let reported = 0;
    console.error = (...args) => (String(args[0]).includes('panicked') ? reported++ : process.stderr.write(`${args.join(' ')}\n`));
    process.on('exit', () => process.stdout.write(`(${reported} panic messages on console.error)\n`));
    const api = await import(pathToFileURL(join(root, 'test-artifacts/hooks-dist/index.js')).href);
    step = () => round(api.EventSource, panicUrl, okUrl);
    diagnostics = async () => api.diagnostics();
  } else {
    const { launch } = await import('../e2e/browser.mjs');
    browser = await launch();
    const page = await browser.newPage();
    page.on('pageerror', (error) => uncaught.push(String(error)));
    page.on('crash', () => uncaught.push('the renderer crashed'));
    await page.goto(`${server.origin}/tests/pages/harness.html?load=script&dist=hooks`);
    await page.evaluate(() => window.loaded);
    await page.evaluate(`window.__round = ${round.toString()}`);
    step = () => page.evaluate(([p, o]) => window.__round(window.EventSource, p, o), [panicUrl, okUrl]);
    diagnostics = () => page.evaluate(() => window.EventSourceWasm.diagnostics());
  }
  for (let done = 100; done <= total; done += 100) {
    let outcome;
    try {
      outcome = await step();
    } catch (error) {
      outcome = `failed: ${String(error.message).split('\n')[0]}`;
    }
    const d = await diagnostics().catch(() => null);
    console.log(`${String(done).padStart(5)} panics: normal source → ${outcome}; ${d ? `sources ${d.sources}, wasm memory ${(d.wasmMemoryBytes / 1048576).toFixed(2)} MiB` : 'no diagnostics'}${uncaught.length ? `; uncaught: ${[...new Set(uncaught)].join(' | ')}` : ''}`);
    if (outcome !== EXPECTED || uncaught.length) {
      broke = done;
      break;
    }
  }
} finally {
  await browser?.close().catch(() => {});
  await server.close();
}

if (broke === null) {
  console.log(`✓ ${total} panics in one ${runtime} realm: every normal source still worked`);
  process.exit(0);
}
console.log(`✗ the ${runtime} realm stopped working after ${broke - 100}–${broke} panics`);
process.exit(1);
