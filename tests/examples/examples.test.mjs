// The Rust examples (examples/): each is built as a user would build it
// (scripts/examples.mjs: cargo --release, wasm-bindgen, wasm-opt), served by
// the test server from build/examples/, and opened in headless Chromium. The
// tests read what the page shows and what the server received.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';

import { buildExample, checkWasmBindgen } from '../../scripts/examples.mjs';
import { sseUrl, uniqueKey, waitFor, waitForClosedOnServer, waitForRequests, withServerAndBrowser } from '../e2e/helpers.mjs';

let server;
let browser;

// Built before the browser starts: a cold build (a fresh target/examples)
// takes minutes, a warm one seconds.
const built = {};
before(() => {
  for (const name of ['leptos', 'minimal', 'yew', 'dioxus']) {
    built[name] = buildExample(name, { quiet: true });
    console.log(`examples/${name}: built in ${built[name].seconds.toFixed(1)} s; wasm ${built[name].raw} B, ${built[name].gzip} B gzipped`);
  }
});
withServerAndBrowser((env) => ({ server, browser } = env));

/**
 * A fresh page on example `name` with `query`. The test fails on any
 * uncaught error and any console error (a panic's message goes there) but
 * those `allowed` (the browser's own log of a refused response, say).
 * `prepare(page)` runs before the page loads (to route its requests).
 */
async function open(t, name, query, { allowed = [], prepare } = {}) {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && !allowed.some((re) => re.test(message.text()))) errors.push(message.text());
  });
  t.after(async () => {
    await page.close();
    assert.deepEqual(errors, [], 'errors on the page');
  });
  await prepare?.(page);
  await page.goto(`${server.origin}/build/examples/${name}/?${new URLSearchParams(query)}`);
  return page;
}

/** The list items the page shows: [{kind, type, id, text}]. */
function shown(page) {
  return page.$$eval('#events li', (items) =>
    items.map((li) => ({ kind: li.dataset.kind, type: li.dataset.type, id: li.dataset.id, text: li.textContent })),
  );
}

function readyState(page) {
  return page.textContent('#ready-state');
}

/** Wait until the page shows `n` list items; returns them. */
function waitForShown(page, n) {
  return waitFor(async () => ((await shown(page)).length >= n ? shown(page) : false), {
    timeout: 10_000,
    message: `${n} events shown`,
    describe: async () => JSON.stringify(await shown(page)),
  });
}

describe('the Leptos example', () => {
  test('streams a POST with an Authorization header and shows the events and the readyState', async (t) => {
    const key = uniqueKey('leptos');
    const stream = sseUrl(server.origin, key, { chunks: ['id: 1\ndata: first\n\n', 'event: tick\nid: 2\ndata: second\n\n'], end: 'open' });
    const page = await open(t, 'leptos', { stream, token: 'test-token' });
    const items = await waitForShown(page, 3);
    assert.deepEqual(items, [
      { kind: 'open', type: undefined, id: undefined, text: 'open' },
      { kind: 'message', type: 'message', id: '1', text: 'message first' },
      { kind: 'message', type: 'tick', id: '2', text: 'tick second' },
    ]);
    assert.equal(await readyState(page), 'OPEN');
    const [request] = await waitForRequests(server, key, 1);
    assert.equal(request.method, 'POST');
    assert.equal(request.headers.authorization, 'Bearer test-token');
    assert.equal(request.headers['content-type'], 'application/json');
    assert.equal(request.body, '{"topic":"news"}');
    assert.equal(request.headers.accept, 'text/event-stream');

    // Close: readyState CLOSED, and the server sees the connection go.
    await page.click('#close');
    await waitFor(async () => (await readyState(page)) === 'CLOSED', { message: 'readyState CLOSED after Close' });
    await waitForClosedOnServer(server, key);
    assert.equal(server.log(key).requests.length, 1, 'no request after Close');
  });

  test('shows a refused response as an error with its status, and readyState CLOSED', async (t) => {
    const key = uniqueKey('leptos-refused');
    const page = await open(t, 'leptos', { stream: sseUrl(server.origin, key, { status: 403, type: 'text/plain', chunks: ['no'] }), token: 'wrong' }, {
      allowed: [/^Failed to load resource: the server responded with a status of 403/],
    });
    const items = await waitForShown(page, 1);
    assert.equal(items[0].kind, 'error');
    assert.match(items[0].text, /403/, 'the error names the status');
    await waitFor(async () => (await readyState(page)) === 'CLOSED', { message: 'readyState CLOSED after a 403' });
    assert.equal(server.log(key).requests.length, 1, 'a refused response is not retried');
  });
});

describe('the Leptos example, failing early', () => {
  test('shows a URL the builder refuses as an error, with readyState CLOSED and no request', async (t) => {
    const key = uniqueKey('leptos-bad-url');
    const page = await open(t, 'leptos', { stream: `http://[${key}/`, token: 'x' });
    const [item] = await waitForShown(page, 1);
    assert.equal(item.kind, 'error');
    assert.match(item.text, /^error: eventsource-wasm: the URL "http:\/\/\[.*" cannot be used: /);
    assert.equal(await readyState(page), 'CLOSED');
    assert.equal(server.log(key).requests.length, 0);
  });
});

describe('building the examples', () => {
  const lock = '[[package]]\nname = "wasm-bindgen"\nversion = "0.2.130"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\n';
  test('goes on when the example locks the CLI\'s wasm-bindgen', () => {
    assert.equal(checkWasmBindgen('examples/x', lock, 'wasm-bindgen 0.2.130\n'), undefined);
  });

  test('refuses an example that locks another wasm-bindgen than the CLI, and says where to pin it', () => {
    assert.throws(() => checkWasmBindgen('examples/x', lock, 'wasm-bindgen 0.2.131\n'), {
      message: /^examples\/x\/Cargo\.lock has wasm-bindgen 0\.2\.130 but the CLI is wasm-bindgen 0\.2\.131: pin wasm-bindgen = "=X" in examples\/x\/Cargo\.toml/,
    });
  });

  test('refuses an example whose lock has no wasm-bindgen', () => {
    assert.throws(() => checkWasmBindgen('examples/x', '[[package]]\nname = "other"\nversion = "1.0.0"\n', 'wasm-bindgen 0.2.130'), {
      message: /^examples\/x\/Cargo\.lock has no wasm-bindgen/,
    });
  });
});

describe('the minimal example (no framework)', () => {
  test('streams a GET and shows the events and the readyState', async (t) => {
    const key = uniqueKey('minimal');
    const stream = sseUrl(server.origin, key, { chunks: ['data: hello\n\n', 'event: tick\ndata: again\n\n'], end: 'open' });
    const page = await open(t, 'minimal', { stream });
    const items = await waitForShown(page, 3);
    assert.deepEqual(
      items.map(({ kind, text }) => ({ kind, text })),
      [
        { kind: 'open', text: 'open' },
        { kind: 'message', text: 'hello' },
        { kind: 'tick', text: 'again' },
      ],
    );
    assert.equal(await readyState(page), 'OPEN');
    const [request] = await waitForRequests(server, key, 1);
    assert.equal(request.method, 'GET');
    assert.equal(request.headers.accept, 'text/event-stream');
  });
});

describe('the demo site', () => {
  test('serves the Leptos example at /rust/, whose POST with the demo token the stream answers', async (t) => {
    const { startDemoServer } = await import('../../www/server.mjs');
    const demo = await startDemoServer({ port: 0, rustDir: built.leptos.out });
    t.after(() => demo.close());
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    t.after(async () => {
      await page.close();
      assert.deepEqual(errors, [], 'errors on the page');
    });
    await page.goto(new URL(`/rust/?${new URLSearchParams({ stream: '/demo/rust?interval=100' })}`, demo.url).href);
    const items = await waitForShown(page, 3);
    assert.deepEqual(items.slice(0, 2).map(({ kind, type }) => ({ kind, type })), [
      { kind: 'open', type: undefined },
      { kind: 'message', type: 'request' },
    ]);
    // What the demo server received, as it reports it in its first event.
    const request = JSON.parse(items[1].text.replace(/^request /, ''));
    assert.deepEqual(request, { method: 'POST', authorization: 'Bearer demo-token', body: '{"topic":"news"}' });
    assert.equal(items[2].type, 'tick');
    assert.equal(await readyState(page), 'OPEN');
  });
});

// The README's Yew and Dioxus snippets are these examples' code: each
// component asks for `/events` (a POST with `Authorization: Bearer token`),
// which the page's route answers here with two events. When the response
// ends the source closes: a POST is not sent again unless the policy says
// `resend(true)` (issue 22), so it shows readyState 2 and asked once.
for (const [name, title] of [['yew', 'Yew'], ['dioxus', 'Dioxus']]) {
  describe(`the ${title} example (the README's snippet)`, () => {
    test('is the code the README shows', () => {
      const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
      const section = readme.slice(readme.indexOf('### Yew and Dioxus'), readme.indexOf('### What it weighs'));
      const snippet = [...section.matchAll(/```rust\n([\s\S]*?)```/g)].map((m) => m[1]).find((code) => code.startsWith(`// ${title} `));
      assert.ok(snippet, `README.md's "Yew and Dioxus" has no rust block starting with "// ${title} "`);
      const code = readFileSync(new URL(`../../examples/${name}/src/lib.rs`, import.meta.url), 'utf8');
      assert.ok(code.includes(snippet), `examples/${name}/src/lib.rs must hold the README's ${title} snippet verbatim: copy one into the other`);
    });

    test('streams a POST with an Authorization header and shows the messages and the readyState', async (t) => {
      const requests = [];
      const page = await open(t, name, {}, {
        prepare: (page) =>
          page.route('**/events', (route) => {
            const request = route.request();
            requests.push({ method: request.method(), authorization: request.headers().authorization, body: request.postData() });
            route.fulfill({ status: 200, contentType: 'text/event-stream', body: 'data: one\n\ndata: two\n\n' });
          }),
      });
      await waitFor(async () => (await page.$$eval('li', (items) => items.map((li) => li.textContent))).join() === 'one,two', {
        timeout: 10_000,
        message: 'the two messages listed',
        describe: () => page.textContent('body'),
      });
      await waitFor(async () => /readyState 2/.test(await page.textContent('p')), { message: 'readyState 2 (CLOSED) after the response ended', describe: () => page.textContent('p') });
      assert.deepEqual(requests, [{ method: 'POST', authorization: 'Bearer token', body: '{"topic":"news"}' }]);
    });
  });
}
