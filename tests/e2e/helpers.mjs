// Shared helpers for the browser end-to-end suites (and, for polling and the
// memory checks, the Node and package suites): polling, unique keys, the
// harness page, and a small in-page recorder so that tests can watch an
// EventSource from Node.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';

import { freePort, sseUrl, startServer } from '../server/server.mjs';

export { freePort };
import { launch } from './browser.mjs';

export { sseUrl };

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Poll `fn` (sync or async) until it returns a truthy value, and return that
 * value. On timeout, throw with `message` and, if given, `describe()` of the
 * last state, so that a failure says what was seen instead.
 */
export async function waitFor(fn, { timeout = 5000, interval = 20, message = 'condition', describe } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) {
      let seen = '';
      if (describe) {
        try {
          seen = `; last seen: ${await describe()}`;
        } catch (error) {
          seen = `; describe() failed: ${error.message}`;
        }
      }
      throw new Error(`timed out after ${timeout} ms waiting for ${message}${seen}`);
    }
    await sleep(interval);
  }
}

let counter = 0;
/** A key no other test uses (the server logs requests per key). */
export function uniqueKey(name) {
  counter += 1;
  return `${name}-${counter}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

// Runs in the page before any of its scripts (page.addInitScript): a
// registry of sources and what each dispatched, in order, with the
// readyState at the time of dispatch.
function installRecorder() {
  const sources = [];
  window.__sources = sources;
  const summarize = (es, event) => ({
    type: event.type,
    readyState: es.readyState,
    data: event.data,
    lastEventId: event.lastEventId,
    origin: event.origin,
    isMessageEvent: typeof MessageEvent === 'function' && event instanceof MessageEvent,
    reason: event.reason,
    status: event.status,
    time: Date.now(),
  });
  const constructors = {
    // The page's global EventSource (ours on the harness page).
    global: () => window.EventSource,
    // Chromium's own, which the harness keeps as window.nativeEventSource.
    native: () => window.nativeEventSource || window.EventSource,
    // The package's class, whatever the global is.
    wasm: () => window.EventSourceWasm.EventSource,
  };
  window.watch = (url, { init, ctor = 'global', types = [] } = {}) => {
    const C = constructors[ctor]();
    const es = init === undefined ? new C(url) : new C(url, init);
    const log = [];
    for (const type of new Set(['open', 'message', 'error', ...types])) {
      es.addEventListener(type, (event) => log.push(summarize(es, event)));
    }
    sources.push({ es, log, initialReadyState: es.readyState });
    return sources.length - 1;
  };
  window.closeAll = () => {
    for (const { es } of sources) es.close();
  };
}

/**
 * A page (in its own browser context: own cookies and connections) with the
 * in-page recorder installed; `page.errors` collects uncaught page errors
 * since the last navigation by the helpers below. Navigating gives each test
 * a fresh document, which is much cheaper than a fresh page.
 */
export async function newPage(browser) {
  const page = await browser.newPage();
  page.errors = [];
  page.on('pageerror', (error) => page.errors.push(error));
  await page.addInitScript(installRecorder);
  return page;
}

/**
 * Navigate `page` to the harness with the package loaded as `load`
 * (script | esm | auto), and wait until it is loaded.
 */
export async function gotoHarness(page, origin, load, extra = '') {
  page.errors = [];
  await page.goto(`${origin}/tests/pages/harness.html?load=${load}${extra}`);
  await page.evaluate(() => window.loaded);
  return page;
}

/**
 * Navigate `page` to `${origin}/__e2e/plain.html`: an ordinary same-origin
 * page where the native EventSource is still in place (served by routing,
 * since the test server has no such page).
 */
const routed = new WeakSet();
export async function gotoPlainPage(page, origin) {
  page.errors = [];
  const url = `${origin}/__e2e/plain.html`;
  if (!routed.has(page)) {
    routed.add(page);
    await page.route(url, (route) =>
      route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: '<!doctype html><meta charset="utf-8"><title>plain page</title>' }),
    );
  }
  await page.goto(url);
  return page;
}

/** Construct a source in the page and record its events; returns its id. */
export function watch(page, url, options = {}) {
  return page.evaluate(([url, options]) => window.watch(url, options), [url, options]);
}

/** What source `id` dispatched so far. */
export function events(page, id) {
  return page.evaluate((id) => window.__sources[id].log, id);
}

/** readyState, url and withCredentials of source `id`, and its readyState right after construction. */
export function state(page, id) {
  return page.evaluate((id) => {
    const { es, initialReadyState } = window.__sources[id];
    return { readyState: es.readyState, url: es.url, withCredentials: es.withCredentials, initialReadyState };
  }, id);
}

export function closeSource(page, id) {
  return page.evaluate((id) => window.__sources[id].es.close(), id);
}

/** Wait until `predicate(log)` holds for source `id`; returns the log. */
export function waitForEvents(page, id, predicate, { timeout = 5000, message = 'events' } = {}) {
  return waitFor(
    async () => {
      const log = await events(page, id);
      return predicate(log) ? log : false;
    },
    { timeout, message, describe: async () => JSON.stringify((await events(page, id)).map(brief)) },
  );
}

/** An event summary reduced to what most assertions compare. */
export function brief(e) {
  const out = { type: e.type, readyState: e.readyState };
  if (e.data !== undefined && e.data !== null) out.data = e.data;
  return out;
}

export const count = (log, type) => log.filter((e) => e.type === type).length;

/** Wait until the server has seen `n` requests for `key`; returns them. */
export function waitForRequests(server, key, n, options = {}) {
  return waitFor(() => server.log(key).requests.length >= n && server.log(key).requests, {
    message: `${n} request(s) for ${key}`,
    describe: () => `${server.log(key).requests.length} request(s), ${server.log(key).open} open`,
    ...options,
  });
}

/** Wait until the server holds no open connection for `key`. */
export function waitForClosedOnServer(server, key, options = {}) {
  return waitFor(() => server.log(key).open === 0, {
    message: `no open connection for ${key}`,
    describe: () => `${server.log(key).open} open`,
    ...options,
  });
}

/**
 * What the release build's panic handler reports (src/web/panic.rs): a
 * fixed sentence and the wasm frames it ran on (`function:offset`, the
 * handler's first), at least two: the handler and the code that panicked.
 */
export const PANIC_MESSAGE = /^eventsource-wasm panicked \(wasm \d+:0x[0-9a-f]+( < \d+:0x[0-9a-f]+)+\)\. This is a bug: please report it/;

export const MiB = 1024 * 1024;
export const PAGE = 65536;

/**
 * Wasm memory after each of several 16 MiB events: it must not grow after
 * the first. The first event takes the peak (about 2 to 4 times its size:
 * the parser's data buffer, doubled as the event's chunks came, and the
 * batch handed to JavaScript); the parser and the batch keep those buffers
 * while large events recur, so the later ones of the same size allocate
 * nothing large, and the small buffers (a chunk, 64 KiB at most) fit the
 * free memory the first event's doubling left. Before they were kept, each
 * event grew new buffers in memory split by how its chunks fell, and the
 * memory grew by 32 to 63 MiB more in 12 of 30 runs of the Node test.
 */
export function assertReused(memory) {
  console.log(`wasm memory after each event (MiB): ${memory.map((m) => (m / MiB).toFixed(2)).join(' → ')}`);
  assert.deepEqual(
    memory.map((m) => (m - memory[0]) / MiB),
    memory.map(() => 0),
    `wasm memory growth after the first 16 MiB event (MiB), from ${memory[0] / MiB} MiB: ${memory.join(', ')}`,
  );
}

/** A plan chunk of raw bytes: strings as UTF-8, arrays as they are. */
export const bytes = (...parts) => ({ bytes: parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p, 'utf8')] : p)) });

/**
 * @sinonjs/fake-timers for pages, as a user's test bundle would have it:
 * built once into test-artifacts/pages/fake-timers.js (served as
 * /test-artifacts/pages/fake-timers.js), where it is `window.FakeTimers`.
 */
export async function buildFakeTimers(root) {
  const esbuild = await import('esbuild');
  mkdirSync(join(root, 'test-artifacts/pages'), { recursive: true });
  await esbuild.build({
    entryPoints: [join(root, 'node_modules/@sinonjs/fake-timers/src/fake-timers-src.js')],
    bundle: true,
    format: 'iife',
    globalName: 'FakeTimers',
    platform: 'browser',
    outfile: join(root, 'test-artifacts/pages/fake-timers.js'),
    // Node-only paths it guards at run time.
    external: ['util', 'timers', 'timers/promises'],
    logLevel: 'error',
  });
}

/**
 * A loopback port nothing listens on (a connection to it is refused): a
 * free port, whose probe has closed.
 */
export const closedPort = freePort;

/**
 * The setup most browser test files share: a test server and a browser,
 * started before the file's tests and closed after them. `set` receives
 * `{ server, browser }` once both are up (files keep their own `server` and
 * `browser` variables: `withServerAndBrowser((env) => ({ server, browser } = env))`);
 * an async `set` finishes the file's setup (a page, say) in the same hook.
 */
export function withServerAndBrowser(set) {
  const env = {};
  before(async () => {
    env.server = await startServer();
    env.browser = await launch();
    await set(env);
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.close();
  });
}
