// Engines that cannot construct EventTarget (IE-era, old WebViews): the
// EventSource falls back to its own listener registry and event objects.
// The same listener scenario runs on a page with the platform's EventTarget
// and on one without it; both must log exactly the same.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';

import { sseUrl } from '../server/server.mjs';
import { withServerAndBrowser } from './helpers.mjs';

let server;
let browser;
withServerAndBrowser((env) => ({ server, browser } = env));

// Runs in the page: exercises addEventListener/removeEventListener/
// dispatchEvent on a closed EventSource with synthetic events made the way
// IE-era code makes them (document.createEvent), which works on both pages.
async function listenerScenario() {
  const log = [];
  const es = new EventSource('/never', {});
  es.close();
  const fire = (type) => {
    const event = document.createEvent('Event');
    event.initEvent(type, false, false);
    return es.dispatchEvent(event);
  };
  const a = () => log.push('a');
  const b = () => log.push('b');
  // Duplicates are ignored; capture makes a distinct registration.
  es.addEventListener('x', a);
  es.addEventListener('x', a);
  es.addEventListener('x', a, true);
  fire('x');
  log.push('|');
  es.removeEventListener('x', a, { capture: true });
  // once
  es.addEventListener('x', b, { once: true });
  fire('x');
  fire('x');
  log.push('|');
  // removal during dispatch: an earlier listener removes a later one
  const c = () => log.push('c (must not run)');
  const remover = () => {
    log.push('remover');
    es.removeEventListener('y', c);
  };
  es.addEventListener('y', remover);
  es.addEventListener('y', c);
  fire('y');
  log.push('|');
  // a listener added during dispatch does not run in that dispatch
  const late = () => log.push('late');
  es.addEventListener('z', () => {
    log.push('adder');
    es.addEventListener('z', late);
  });
  fire('z');
  fire('z');
  log.push('|');
  // handleEvent objects, `this`, target and currentTarget
  es.addEventListener('w', {
    handleEvent(e) {
      log.push(`handleEvent ${e.type} ${e.target === es} ${e.currentTarget === es}`);
    },
  });
  es.addEventListener('w', function (e) {
    log.push(`this ${this === es}`);
  });
  fire('w');
  log.push('|');
  // stopImmediatePropagation stops later listeners
  es.addEventListener('s', (e) => {
    log.push('s1');
    e.stopImmediatePropagation();
  });
  es.addEventListener('s', () => log.push('s2 (must not run)'));
  fire('s');
  log.push('|');
  // an exception in one listener is reported and the next one still runs
  es.addEventListener('t', () => {
    throw new Error('boom');
  });
  es.addEventListener('t', () => log.push('after boom'));
  fire('t');
  log.push('|');
  // an aborted signal removes the listener
  const controller = new AbortController();
  es.addEventListener('u', () => log.push('u'), { signal: controller.signal });
  fire('u');
  controller.abort();
  fire('u');
  log.push('|');
  // onmessage keeps its place among listeners
  es.addEventListener('message', () => log.push('listener'));
  es.onmessage = () => log.push('handler 1');
  es.addEventListener('message', () => log.push('listener 2'));
  es.onmessage = () => log.push('handler 2');
  fire('message');
  return log;
}

async function run(pagePath) {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await page.goto(`${server.origin}${pagePath}`);
    await page.waitForFunction(() => window.EventSourceWasm);
    const environment = await page.evaluate(() => EventSourceWasm.environment());
    const log = await page.evaluate(listenerScenario);
    await new Promise((r) => setTimeout(r, 100));
    return { environment, log, errors };
  } finally {
    await page.close();
  }
}

test('the fallback listener registry behaves exactly like the platform EventTarget', async () => {
  const native = await run('/tests/pages/harness.html?load=script');
  const fallback = await run('/tests/pages/no-eventtarget.html');
  assert.equal(native.environment.eventTarget, 'native');
  assert.equal(fallback.environment.eventTarget, 'fallback');
  assert.deepEqual(fallback.log, native.log);
  // Spot-check the reference itself, so both being wrong the same way fails.
  assert.deepEqual(native.log.slice(0, 7), ['a', 'a', '|', 'a', 'b', 'a', '|']);
  assert.ok(native.log.includes('after boom'));
  assert.ok(!native.log.some((l) => l.includes('must not run')));
  assert.deepEqual(native.log.slice(-3), ['listener', 'handler 2', 'listener 2']);
  assert.ok(fallback.errors.some((m) => m.includes('boom')), 'the exception is reported, not swallowed');
});

test('a stream works end to end without EventTarget, Event or MessageEvent constructors', async () => {
  const page = await browser.newPage();
  try {
    await page.goto(`${server.origin}/tests/pages/no-eventtarget.html`);
    const k = `fallback-stream-${Date.now()}`;
    const url = sseUrl(server.origin, k, [
      { chunks: ['retry: 50\nid: 1\ndata: one\n\nevent: custom\ndata: two\n\n'] },
      { chunks: ['data: three\n\n'], end: 'open' },
    ]);
    const log = await page.evaluate(
      (url) =>
        new Promise((resolve) => {
          const log = [];
          const es = new EventSource(url);
          es.onopen = (e) => log.push(['open', e.type, es.readyState]);
          es.onmessage = (e) => {
            log.push(['message', e.data, e.lastEventId, e.origin === location.origin, e.target === es]);
            if (e.data === 'three') {
              es.close();
              resolve(log);
            }
          };
          es.addEventListener('custom', (e) => log.push(['custom', e.data]));
          es.onerror = (e) => log.push(['error', es.readyState, e.reason]);
          setTimeout(() => resolve(log), 5000);
        }),
      url,
    );
    assert.deepEqual(log, [
      ['open', 'open', 1],
      ['message', 'one', '1', true, true],
      ['custom', 'two'],
      ['error', 0, 'ended'],
      ['open', 'open', 1],
      ['message', 'three', '1', true, true],
    ]);
  } finally {
    await page.close();
  }
});
