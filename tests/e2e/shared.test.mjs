// The `shared` option in Chromium: several pages of one browser context
// (tabs of one profile and origin) against a server that numbers its events
// with IDs, resumes after Last-Event-ID and counts its open connections.
// One connection for every tab; when the leading tab goes (closed, crashed,
// navigated, put in the back/forward cache) another leads within a second
// and every remaining tab has each event exactly once.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { launchWithBackForwardCache } from './browser.mjs';
import { sleep, uniqueKey, waitFor, withServerAndBrowser } from './helpers.mjs';

let server;
let browser;
withServerAndBrowser((env) => ({ server, browser } = env));

const ticks = (key, { every = 20, per = 1, total, echo } = {}) =>
  `${server.origin}/ticks?key=${encodeURIComponent(key)}&every=${every}&per=${per}${total ? `&total=${total}` : ''}${echo ? '&echo=1' : ''}`;

// In the page: a shared source that records what it dispatches. (A hook
// cannot cross from Node: `resumeWith` makes a beforeReconnect that asks
// for a GET of the URL with that suffix, `hookAnswers` one that answers
// that, `headersFrom` a headers function that answers that.)
function openShared([url, init]) {
  const { EventSource, sharing } = window.EventSourceWasm;
  window.__asked = [];
  if (init.resumeWith) {
    const suffix = init.resumeWith;
    init = { ...init, resumeWith: undefined, beforeReconnect: (info) => (window.__asked.push(info), { url: url + suffix, method: 'GET' }) };
  }
  if (init.hookAnswers) {
    const answer = init.hookAnswers;
    init = { ...init, hookAnswers: undefined, beforeReconnect: (info) => (window.__asked.push(info), answer) };
  }
  if (init.headersFrom) {
    const headers = init.headersFrom;
    init = { ...init, headersFrom: undefined, headers: () => headers };
  }
  window.__reported = [];
  window.addEventListener('error', (e) => window.__reported.push(e.message));
  const es = new EventSource(url, init);
  // `whos`: whose request brought each event (the /ticks?echo=1 server
  // ends its data with the request's Authorization).
  const log = { ids: [], opens: 0, errors: [], types: [], whos: [] };
  window.__es = es;
  window.__log = log;
  window.__sharing = () => sharing(es);
  es.onopen = () => log.opens++;
  es.onerror = (e) => log.errors.push([e.reason, es.readyState]);
  es.onmessage = (e) => {
    log.ids.push(Number(e.lastEventId));
    if (e.origin !== location.origin) log.types.push(`bad origin ${e.origin}`);
    if (Number(e.data.split(' ')[0]) !== Number(e.lastEventId)) log.types.push(`data ${e.data} under id ${e.lastEventId}`);
    const who = e.data.split(' ').slice(2).join(' ');
    if (who && !log.whos.includes(who)) log.whos.push(who);
  };
}

/** A tab of `context` on the harness page (the package's ESM entry), loaded. */
async function harnessTab(context) {
  const page = await context.newPage();
  await page.goto(`${server.origin}/tests/pages/harness.html?load=esm`);
  await page.evaluate(() => window.loaded);
  return page;
}

/** A harness tab with a shared source on `url`. */
async function openTab(context, url, init = { shared: true }) {
  const page = await harnessTab(context);
  await page.evaluate(openShared, [url, init]);
  return page;
}

const log = (page) => page.evaluate(() => window.__log);
const leading = (page) => page.evaluate(() => window.__sharing().leading).catch(() => false);

/** Each event exactly once, in order, from the first this tab saw. */
function assertExactlyOnce(ids, what) {
  assert.ok(ids.length > 0, `${what}: no event`);
  for (let i = 1; i < ids.length; i++) {
    if (ids[i] !== ids[i - 1] + 1) {
      const around = ids.slice(Math.max(0, i - 3), i + 3).join(', ');
      assert.fail(`${what}: event ${ids[i - 1]} is followed by ${ids[i]} (${ids[i] <= ids[i - 1] ? 'repeated' : 'lost'}; … ${around} …)`);
    }
  }
}

async function leaderOf(pages) {
  return waitFor(
    async () => {
      const flags = await Promise.all(pages.map(leading));
      const leaders = pages.filter((_, i) => flags[i]);
      return leaders.length === 1 ? leaders[0] : false;
    },
    { timeout: 5000, message: 'exactly one leading tab' },
  );
}

/** Wait until every page has seen event `id`. */
function allReach(pages, id, timeout = 10000) {
  return waitFor(async () => (await Promise.all(pages.map(log))).every((l) => l.ids.at(-1) >= id), {
    timeout,
    message: `every tab to reach event ${id}`,
    describe: async () => JSON.stringify((await Promise.all(pages.map(log))).map((l) => l.ids.at(-1))),
  });
}

describe('shared: one connection for every tab', () => {
  test('eight tabs hold one connection and each receives every event in order, as its own MessageEvents', async () => {
    const context = await browser.newContext();
    try {
      const key = uniqueKey('shared-eight');
      const url = ticks(key);
      const pages = [];
      for (let i = 0; i < 8; i++) pages.push(await openTab(context, url));
      const logs0 = await Promise.all(pages.map(log));
      const target = Math.max(...logs0.map((l) => l.ids.at(-1) || 0)) + 40;
      await allReach(pages, target);
      const logs = await Promise.all(pages.map(log));
      const s = server.log(key);
      assert.equal(s.requests.length, 1, 'one request for eight tabs');
      assert.equal(s.maxOpen, 1, 'never more than one connection');
      for (const [i, l] of logs.entries()) {
        assertExactlyOnce(l.ids, `tab ${i}`);
        assert.deepEqual(l.types, [], `tab ${i}: origin and data`);
        assert.equal(l.opens, 1, `tab ${i}: one open event`);
        assert.deepEqual(l.errors, [], `tab ${i}: no error`);
      }
      // Everyone saw the same events: each tab's list is a suffix of the first tab's.
      const first = logs[0].ids;
      for (const l of logs) assert.ok(l.ids.every((id) => first.includes(id) || id > first.at(-1)));
      const flags = await Promise.all(pages.map(leading));
      assert.equal(flags.filter(Boolean).length, 1, 'exactly one tab leads');
      const modes = await Promise.all(pages.map((p) => p.evaluate(() => window.__sharing().mode)));
      assert.deepEqual([...new Set(modes)], ['shared']);
      assert.equal(await pages[3].evaluate(() => window.__es.readyState), 1);
    } finally {
      await context.close();
    }
  });
});

/**
 * Take the leading tab away with `how` mid-stream; another must lead within
 * a second, the server must see Last-Event-ID, and every remaining tab must
 * have each event exactly once across the change.
 */
async function takeover(context, how, { tabs = 3 } = {}) {
  const key = uniqueKey(`shared-${how.name}`);
  const url = ticks(key);
  const pages = [];
  for (let i = 0; i < tabs; i++) pages.push(await openTab(context, url));
  const leader = await leaderOf(pages);
  const rest = pages.filter((p) => p !== leader);
  const before = Math.max(...(await Promise.all(rest.map(log))).map((l) => l.ids.at(-1) || 0));
  await allReach(rest, before + 10);
  const gone = Date.now();
  await how(leader);
  const request = await waitFor(() => server.log(key).requests[1], { timeout: 3000, message: 'a second request (the takeover)' });
  const took = request.time - gone;
  const next = await leaderOf(rest);
  const after = Math.max(...(await Promise.all(rest.map(log))).map((l) => l.ids.at(-1) || 0));
  await allReach(rest, after + 20);
  const logs = await Promise.all(rest.map(log));
  for (const [i, l] of logs.entries()) {
    assertExactlyOnce(l.ids, `${how.name}: remaining tab ${i}`);
    assert.deepEqual(l.errors, [], `${how.name}: remaining tab ${i} saw no error (the takeover is silent)`);
    assert.equal(l.opens, 1, `${how.name}: remaining tab ${i} opened once`);
  }
  const s = server.log(key);
  assert.equal(s.requests.length, 2, `${how.name}: one takeover request`);
  assert.match(String(s.requests[1].lastEventId), /^\d+$/, `${how.name}: the takeover sends Last-Event-ID`);
  assert.ok(took < 1000, `${how.name}: another tab led after ${took} ms`);
  await waitFor(() => server.log(key).open === 1, { message: 'one open connection after the takeover' });
  console.log(`takeover after the leader was ${how.name}: ${took} ms to the new request, resumed from ${s.requests[1].lastEventId}`);
  return { pages: rest, next, took };
}

test('a group whose sources read over XHR relays the same: one connection, every event once', async () => {
  const context = await browser.newContext();
  try {
    const key = uniqueKey('shared-xhr');
    const url = ticks(key);
    const pages = [];
    for (let i = 0; i < 3; i++) pages.push(await openTab(context, url, { shared: true, transport: 'xhr' }));
    await allReach(pages, 30);
    assert.equal(server.log(key).requests.length, 1);
    for (const [i, page] of pages.entries()) assertExactlyOnce((await log(page)).ids, `tab ${i}`);
    assert.ok((await Promise.all(pages.map((p) => p.evaluate(() => window.__xhrOpens)))).some((n) => n === 1), 'the leader read over XHR');
  } finally {
    await context.close();
  }
});

test('a leader whose long XHR response is recycled relays only what its stream took: every tab gets every event once', async () => {
  const context = await browser.newContext();
  try {
    // 10 000 events of about 1 KiB: one recycle (at 8 MiB) on the leader.
    const total = 10000;
    const key = uniqueKey('shared-recycle');
    const url = `${server.origin}/numbers?key=${key}&total=${total}&size=1000&end=open`;
    // The second tab joins first (the stream would be over before it joined).
    const pages = [];
    for (let i = 0; i < 2; i++) {
      const page = await context.newPage();
      await page.goto(`${server.origin}/tests/pages/harness.html?load=esm`);
      await page.evaluate(() => window.loaded);
      pages.push(page);
    }
    await Promise.all(pages.map((page) => page.evaluate(openShared, [url, { shared: true, transport: 'xhr' }])));
    await allReach(pages, total, 30000);
    for (const [i, page] of pages.entries()) {
      const { ids } = await log(page);
      assertExactlyOnce(ids, `tab ${i}`);
      assert.equal(ids.at(-1), total);
    }
    assert.ok(server.log(key).requests.length >= 2, 'the leader recycled its response');
  } finally {
    await context.close();
  }
});

describe('shared: another tab takes over when the leader goes', () => {
  test('the leading tab closed: another leads within a second, resuming with Last-Event-ID, no event lost or repeated', async () => {
    const context = await browser.newContext();
    try {
      await takeover(context, async function closed(page) {
        await page.close();
      });
    } finally {
      await context.close();
    }
  });

  test('the leading tab crashed (closed without unload handlers, then a renderer crash): the same', async () => {
    const context = await browser.newContext();
    try {
      await takeover(context, async function closedWithoutUnload(page) {
        await page.close({ runBeforeUnload: false });
      });
      // A renderer crash (CDP Page.crash): no pagehide at all; the lock goes with the process.
      const { pages } = await takeover(context, async function crashed(page) {
        const cdp = await context.newCDPSession(page);
        const crashed = new Promise((resolve) => page.once('crash', resolve));
        // (The command never answers: the renderer is gone.)
        cdp.send('Page.crash').catch(() => {});
        await crashed;
      });
      assert.ok(pages.length >= 2);
    } finally {
      await context.close();
    }
  });

  test('the leading tab navigated away: the same', async () => {
    const context = await browser.newContext();
    try {
      await takeover(context, async function navigated(page) {
        await page.goto(`${server.origin}/tests/pages/blank.html`);
      });
    } finally {
      await context.close();
    }
  });

  test('the leading tab put in the back/forward cache: the same, and back from it the tab follows again', async () => {
    const chromium = await launchWithBackForwardCache();
    try {
      const context = chromium.browser.contexts()[0];
      let cached;
      const { pages } = await takeover(context, async function putInTheBackForwardCache(page) {
        cached = page;
        await page.evaluate(() => window.addEventListener('pageshow', (e) => (window.__restored = e.persisted)));
        await page.goto(`${server.origin}/tests/pages/blank.html`);
      });
      await cached.goBack({ waitUntil: 'commit' });
      await waitFor(() => cached.evaluate(() => window.__restored === true).catch(() => false), {
        message: 'the page back from the back/forward cache',
        describe: () => cached.evaluate(() => JSON.stringify(performance.getEntriesByType('navigation')[0]?.notRestoredReasons ?? null)),
      });
      const seen = (await log(cached)).ids.at(-1);
      const now = Math.max(...(await Promise.all(pages.map(log))).map((l) => l.ids.at(-1)));
      await allReach([cached, ...pages], now + 20);
      const back = await log(cached);
      assert.ok(back.ids.at(-1) > seen, 'the restored tab receives events again');
      assertExactlyOnce(back.ids.filter((id) => id > now), 'the restored tab, since it came back');
      assert.equal(await cached.evaluate(() => window.__sharing().leading), false, 'it follows');
    } finally {
      await chromium.close();
    }
  });
});

test('shared chaos: 20 random leader changes over 5000 events lose and repeat nothing in any tab', async () => {
  const context = await browser.newContext();
  try {
    const key = uniqueKey('shared-chaos');
    const url = ticks(key, { every: 10, per: 5 });
    const pages = [];
    for (let i = 0; i < 4; i++) pages.push(await openTab(context, url));
    let seed = 20261201;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const checked = [];
    let changes = 0;
    const started = Date.now();
    while (changes < 20 || Math.max(...(await Promise.all(pages.map(log))).map((l) => l.ids.at(-1) || 0)) < 5000) {
      const leader = await leaderOf(pages);
      const requests = server.log(key).requests.length;
      await sleep(150 + random() * 400);
      // The leaving tab's events so far must be exactly once too.
      checked.push({ what: `leader ${changes}`, ids: (await log(leader)).ids });
      pages.splice(pages.indexOf(leader), 1);
      const how = random();
      if (how < 0.5) await leader.close();
      else if (how < 0.8) await leader.close({ runBeforeUnload: false });
      else await leader.goto(`${server.origin}/tests/pages/blank.html`).then(() => leader.close());
      changes++;
      pages.push(await openTab(context, url));
      await waitFor(() => server.log(key).requests.length > requests, { timeout: 3000, message: `takeover ${changes}` });
      assert.ok(Date.now() - started < 60000, 'the chaos run takes too long');
    }
    // (A tab opened a moment ago may have nothing yet.)
    const last = Math.max(...(await Promise.all(pages.map(log))).map((l) => l.ids.at(-1) || 0));
    await allReach(pages, last + 10);
    for (const [i, page] of pages.entries()) checked.push({ what: `tab ${i} at the end`, ids: (await log(page)).ids });
    for (const { what, ids } of checked) assertExactlyOnce(ids, what);
    const s = server.log(key);
    // One connection per leader. (A closed or navigated tab's socket may
    // linger a moment in the browser's network service after the next
    // leader connected, so the count of open sockets is not the measure.)
    assert.equal(s.requests.length, changes + 1, 'one connection per leader, none besides');
    await waitFor(() => server.log(key).open === 1, { message: 'one open connection at the end' });
    assert.ok(s.requests.slice(1).every((r) => /^\d+$/.test(String(r.lastEventId))), 'every takeover resumed with Last-Event-ID');
    const events = Math.max(...checked.map((c) => c.ids.at(-1)));
    console.log(`shared chaos: ${changes} leader changes, ${events} events, ${s.requests.length} requests, ${checked.length} tab logs checked: 0 lost, 0 repeated`);
  } finally {
    await context.close();
  }
});

test('a keyed shared stream started by a POST is taken over with the request beforeReconnect returns, not a second POST', async () => {
  const context = await browser.newContext();
  try {
    const key = uniqueKey('shared-post');
    const url = ticks(key);
    // A key: with shared: true no hook may change the group's request (below).
    const init = { shared: 'chat', method: 'POST', body: JSON.stringify({ prompt: 'hello' }), resumeWith: '&resume=1' };
    const pages = [await openTab(context, url, init), await openTab(context, url, init)];
    const leader = await leaderOf(pages);
    const other = pages.find((p) => p !== leader);
    await allReach(pages, 10);
    await leader.close();
    await waitFor(() => server.log(key).requests.length === 2, { message: 'the takeover' });
    const at = (await log(other)).ids.at(-1);
    await allReach([other], at + 10);
    const [first, second] = server.log(key).requests;
    assert.equal(first.method, 'POST');
    assert.equal(second.method, 'GET', 'the new leader resumes with a GET');
    assert.match(second.url, /&resume=1$/);
    assert.match(String(second.lastEventId), /^\d+$/);
    assertExactlyOnce((await log(other)).ids, 'the tab that took over');
    assert.equal((await other.evaluate(() => window.__asked))[0].reason, 'network');
  } finally {
    await context.close();
  }
});

test('reconnect(source) in any tab reconnects the group’s one connection, with Last-Event-ID, and no tab loses or repeats an event', async () => {
  const context = await browser.newContext();
  try {
    const key = uniqueKey('shared-reconnect');
    const url = ticks(key);
    const pages = [await openTab(context, url), await openTab(context, url)];
    const leader = await leaderOf(pages);
    const other = pages.find((p) => p !== leader);
    await allReach(pages, 10);
    // The follower asks: the leader reconnects.
    await other.evaluate(() => window.EventSourceWasm.reconnect(window.__es));
    await waitFor(() => server.log(key).requests.length === 2, { message: 'the reconnection the follower asked for' });
    let at = (await log(other)).ids.at(-1);
    await allReach(pages, at + 10);
    // The leader asks: it reconnects.
    await leader.evaluate(() => window.EventSourceWasm.reconnect(window.__es));
    await waitFor(() => server.log(key).requests.length === 3, { message: 'the reconnection the leader asked for' });
    at = (await log(other)).ids.at(-1);
    await allReach(pages, at + 10);
    const requests = server.log(key).requests;
    for (const request of requests.slice(1)) assert.match(String(request.lastEventId), /^\d+$/, 'resumed with Last-Event-ID');
    assert.equal(await leading(leader), true, 'the same tab still leads');
    for (const page of pages) {
      const { ids, errors } = await log(page);
      assertExactlyOnce(ids, 'each tab');
      assert.deepEqual(errors, [], 'no error event');
    }
  } finally {
    await context.close();
  }
});

test('with pauseWhenHidden, a hidden leader hands the stream to a visible tab and follows again when shown', async () => {
  const context = await browser.newContext();
  try {
    const key = uniqueKey('shared-hidden');
    const url = ticks(key);
    const init = { shared: true, pauseWhenHidden: true };
    const pages = [await openTab(context, url, init), await openTab(context, url, init)];
    const leader = await leaderOf(pages);
    const other = pages.find((p) => p !== leader);
    await allReach(pages, 10);
    const setVisibility = (page, state) =>
      page.evaluate((state) => {
        Object.defineProperty(document, 'visibilityState', { value: state, configurable: true });
        document.dispatchEvent(new Event('visibilitychange'));
      }, state);
    await setVisibility(leader, 'hidden');
    await waitFor(() => server.log(key).requests.length === 2, { message: 'the visible tab to take over' });
    const at = (await log(other)).ids.at(-1);
    await allReach([other], at + 10);
    assert.equal(await leader.evaluate(() => window.__es.readyState), 0, 'the hidden tab waits, CONNECTING');
    const hiddenAt = (await log(leader)).ids.length;
    await sleep(200);
    assert.equal((await log(leader)).ids.length, hiddenAt, 'the hidden tab receives nothing');
    await setVisibility(leader, 'visible');
    const now = (await log(other)).ids.at(-1);
    await allReach([leader, other], now + 10);
    assert.equal(server.log(key).requests.length, 2, 'shown again, it follows: no connection of its own');
    assert.equal(await leader.evaluate(() => window.__sharing().leading), false);
    assertExactlyOnce((await log(other)).ids, 'the tab that took over');
    assertExactlyOnce((await log(leader)).ids.slice(hiddenAt), 'the tab shown again, since it came back');
  } finally {
    await context.close();
  }
});

describe('shared: workers, close(), and where sharing is not possible', () => {
  test('a dedicated worker follows the tab’s connection, and takes it over when the tab closes its source', async () => {
    const context = await browser.newContext();
    try {
      const key = uniqueKey('shared-worker');
      const url = ticks(key);
      const page = await openTab(context, url);
      await waitFor(() => page.evaluate(() => window.__log.ids.length > 3), { message: 'the tab to lead and receive' });
      await page.evaluate((url) => {
        window.__worker = { ids: [], leading: null };
        const worker = new Worker('/tests/pages/worker-shared.js', { type: 'module' });
        worker.onmessage = (e) => Object.assign(window.__worker, e.data);
        worker.postMessage({ url });
        window.__w = worker;
      }, url);
      const worker = () => page.evaluate(() => window.__worker);
      await waitFor(async () => (await worker()).ids.length >= 20, { message: 'the worker to receive 20 events' });
      let w = await worker();
      assert.equal(w.leading, false, 'the worker follows');
      assert.equal(w.origin, server.origin);
      assert.equal(server.log(key).requests.length, 1, 'one connection for the tab and its worker');
      assertExactlyOnce(w.ids, 'the worker');
      await page.evaluate(() => window.__es.close());
      await waitFor(() => server.log(key).requests.length === 2, { message: 'the worker to take over' });
      const at = (await worker()).ids.at(-1);
      await waitFor(async () => (await worker()).ids.at(-1) >= at + 20, { message: 'the worker to receive on its own connection' });
      w = await worker();
      assert.equal(w.leading, true);
      assertExactlyOnce(w.ids, 'the worker through the takeover');
      await page.evaluate(() => window.__w.postMessage({ close: true }));
      await waitFor(() => server.log(key).open === 0, { message: 'no connection once the last source closed' });
    } finally {
      await context.close();
    }
  });

  test('a frame in a tab follows the tab’s connection', async () => {
    const context = await browser.newContext();
    try {
      const key = uniqueKey('shared-frame');
      const url = ticks(key);
      const page = await openTab(context, url);
      await page.evaluate(
        () =>
          new Promise((resolve) => {
            const frame = document.createElement('iframe');
            frame.src = '/tests/pages/harness.html?load=esm';
            frame.onload = resolve;
            document.body.appendChild(frame);
          }),
      );
      const frame = page.frames().find((f) => f !== page.mainFrame());
      await frame.evaluate(() => window.loaded);
      await frame.evaluate(openShared, [url, { shared: true }]);
      await waitFor(async () => (await frame.evaluate(() => window.__log.ids.length)) >= 15, { message: 'the frame to receive 15 events' });
      assert.equal(server.log(key).requests.length, 1, 'one connection for the tab and its frame');
      assert.equal(await frame.evaluate(() => window.__sharing().leading), false);
      const { ids, types } = await frame.evaluate(() => window.__log);
      assertExactlyOnce(ids, 'the frame');
      assert.deepEqual(types, [], 'origin and data');
    } finally {
      await context.close();
    }
  });

  test('close() on a follower detaches only it; the connection ends when the last source closes', async () => {
    const context = await browser.newContext();
    try {
      const key = uniqueKey('shared-close');
      const url = ticks(key);
      const pages = [await openTab(context, url), await openTab(context, url), await openTab(context, url)];
      const leader = await leaderOf(pages);
      const [a, b] = pages.filter((p) => p !== leader);
      await allReach(pages, 5);
      // close() from a follower's own message handler, mid-dispatch.
      await a.evaluate(
        () =>
          new Promise((resolve) => {
            const es = window.__es;
            es.addEventListener('message', () => (es.close(), resolve()), { once: true });
          }),
      );
      const closedAt = (await log(a)).ids.length;
      await waitFor(() => a.evaluate(() => window.EventSourceWasm.diagnostics().sources === 0), { message: 'the closed source to be freed' });
      await sleep(300);
      assert.equal((await log(a)).ids.length, closedAt, 'a closed follower receives nothing');
      assert.equal(await a.evaluate(() => window.__es.readyState), 2);
      assert.equal(server.log(key).requests.length, 1, "a follower's close leaves the connection alone");
      assert.equal(server.log(key).open, 1);
      // Several sources in one page share it too: a second one in tab b.
      await b.evaluate((url) => {
        window.__second = [];
        const es = new window.EventSourceWasm.EventSource(url, { shared: true });
        es.onmessage = (e) => window.__second.push(Number(e.lastEventId));
        window.__es2 = es;
      }, url);
      await waitFor(() => b.evaluate(() => window.__second.length > 5), { message: 'the second source in one page' });
      assert.equal(server.log(key).requests.length, 1, 'still one connection');
      await leader.evaluate(() => window.__es.close());
      await waitFor(() => server.log(key).requests.length === 2, { message: 'the takeover after the leader closed' });
      const at = (await log(b)).ids.at(-1);
      await allReach([b], at + 10);
      await b.evaluate(() => window.__es.close());
      await sleep(200);
      assert.equal(server.log(key).open, 1, 'the second source in tab b still holds it');
      await b.evaluate(() => window.__es2.close());
      await waitFor(() => server.log(key).open === 0, { message: 'the server to see 0 connections once the last source closed' });
      assertExactlyOnce(await b.evaluate(() => window.__second), 'the second source');
      // Nothing is left behind: no driver, timer, listener, request or callback, and no lock.
      const { wasmMemoryBytes, ...held } = await b.evaluate(() => window.EventSourceWasm.diagnostics());
      assert.deepEqual(held, { sources: 0, timers: 0, listeners: 0, requests: 0, callbacks: 0 });
      assert.ok(wasmMemoryBytes > 0);
      const locks = await b.evaluate(() => navigator.locks.query());
      assert.deepEqual([...locks.held, ...locks.pending].filter((l) => l.name.startsWith('eventsource-wasm:')), []);
    } finally {
      await context.close();
    }
  });

  test('without Web Locks, each source holds its own connection, and says so', async () => {
    const context = await browser.newContext();
    try {
      await context.addInitScript(() => Object.defineProperty(Navigator.prototype, 'locks', { get: () => undefined, configurable: true }));
      const key = uniqueKey('shared-fallback');
      const url = ticks(key);
      const pages = [await openTab(context, url), await openTab(context, url)];
      await allReach(pages, 10);
      assert.equal(server.log(key).requests.length, 2, 'two tabs, two connections');
      for (const page of pages) {
        assert.deepEqual(await page.evaluate(() => window.__sharing()), { mode: 'own', leading: true });
        assert.equal(await page.evaluate(() => window.EventSourceWasm.environment().shared), false);
        assertExactlyOnce((await log(page)).ids, 'a tab on its own');
      }
      for (const page of pages) await page.evaluate(() => window.__es.close());
      await waitFor(() => server.log(key).open === 0, { message: 'both closed' });
    } finally {
      await context.close();
    }
  });
});

describe('shared: sharing and credentials', () => {
  const alice = { Authorization: 'Bearer alice' };
  const bob = { Authorization: 'Bearer bob' };
  const GROUP_NAME = /^eventsource-wasm:[0-9a-f]{64}$/;

  /** The names of this package's locks that `page` sees (held and waiting). */
  const lockNames = (page) =>
    page.evaluate(async () => {
      const { held, pending } = await navigator.locks.query();
      return [...new Set([...held, ...pending].map((l) => l.name).filter((n) => n.startsWith('eventsource-wasm')))];
    });

  test('two tabs signed in as different users hold a connection each, and each receives only its own events', async () => {
    const context = await browser.newContext();
    try {
      const key = uniqueKey('shared-users');
      const url = ticks(key, { echo: true });
      const pages = [await openTab(context, url, { shared: true, headers: alice }), await openTab(context, url, { shared: true, headers: bob })];
      await allReach(pages, 15);
      const [a, b] = await Promise.all(pages.map(log));
      assert.deepEqual(a.whos, ['Bearer alice'], "Alice's tab dispatches only events of Alice's request");
      assert.deepEqual(b.whos, ['Bearer bob'], "Bob's tab dispatches only events of Bob's request");
      const s = server.log(key);
      assert.deepEqual(s.requests.map((r) => r.headers.authorization).sort(), ['Bearer alice', 'Bearer bob'], 'one request each');
      assert.deepEqual(await Promise.all(pages.map(leading)), [true, true], 'each leads its own group');
      for (const [i, l] of [a, b].entries()) assertExactlyOnce(l.ids, `tab ${i}`);
      // Two groups, named by a digest: no URL, key or header in clear.
      const names = await lockNames(pages[0]);
      assert.equal(names.length, 2, `two groups: ${names}`);
      for (const name of names) assert.match(name, GROUP_NAME);
    } finally {
      await context.close();
    }
  });

  test('sources whose headers differ only in order, name case and form share one connection', async () => {
    const context = await browser.newContext();
    try {
      const key = uniqueKey('shared-same-headers');
      const url = ticks(key, { echo: true });
      const pages = [
        await openTab(context, url, { shared: true, headers: { Authorization: 'Bearer alice', 'X-Tenant': 'blue' } }),
        await openTab(context, url, { shared: true, headers: [['x-tenant', 'blue'], ['AUTHORIZATION', 'Bearer alice']] }),
      ];
      await allReach(pages, 15);
      assert.equal(server.log(key).requests.length, 1, 'one connection for both');
      assert.equal((await Promise.all(pages.map(leading))).filter(Boolean).length, 1, 'one leads');
      for (const page of pages) assert.deepEqual((await log(page)).whos, ['Bearer alice']);
    } finally {
      await context.close();
    }
  });

  test('shared: true with a headers function, a fetch function or a body that cannot be read throws a TypeError that names the fix', async () => {
    const context = await browser.newContext();
    try {
      const page = await harnessTab(context);
      const key = uniqueKey('shared-incomparable');
      const url = ticks(key);
      const outcomes = await page.evaluate((url) => {
        const { EventSource } = window.EventSourceWasm;
        const file = new FormData();
        file.append('upload', new File(['x'], 'x.txt'));
        const cases = {
          'headers function': { headers: () => ({ Authorization: 'Bearer alice' }) },
          'fetch function': { fetch: (...args) => fetch(...args) },
          Blob: { body: new Blob(['x']) },
          ReadableStream: { body: new ReadableStream() },
          'FormData with a file': { body: file },
        };
        const out = {};
        for (const [name, init] of Object.entries(cases)) {
          try {
            new EventSource(url, { shared: true, ...init }).close();
            out[name] = 'constructed';
          } catch (error) {
            out[name] = `${error.name}: ${error.message}`;
          }
        }
        return out;
      }, url);
      const names = { 'headers function': /headers given by a function/, 'fetch function': /a fetch function/, Blob: /a Blob body/, ReadableStream: /a ReadableStream body/, 'FormData with a file': /a FormData body with a file/ };
      for (const [name, what] of Object.entries(names)) {
        assert.match(outcomes[name], /^TypeError: eventsource-wasm: shared: true shares a connection only among sources whose requests are the same/, name);
        assert.match(outcomes[name], what, name);
        assert.match(outcomes[name], /cannot be compared; give it as a value, or pass shared: 'a key' to promise that every source with that key may see the same events$/, name);
      }
      await sleep(300);
      assert.equal(server.log(key).requests.length, 0, 'no request was made');
    } finally {
      await context.close();
    }
  });

  test('with a key, sources whose headers come from a function share one connection; given headers that differ still split it', async () => {
    const context = await browser.newContext();
    try {
      const key = uniqueKey('shared-keyed');
      const url = ticks(key, { echo: true });
      const pages = [
        await openTab(context, url, { shared: 'alice', headersFrom: alice }),
        await openTab(context, url, { shared: 'alice', headersFrom: alice }),
      ];
      await allReach(pages, 15);
      assert.equal(server.log(key).requests.length, 1, 'one connection for the key');
      for (const page of pages) assert.deepEqual((await log(page)).whos, ['Bearer alice']);
      for (const name of await lockNames(pages[0])) assert.match(name, GROUP_NAME, 'a key is not in the name in clear either');

      const split = uniqueKey('shared-keyed-split');
      const other = ticks(split, { echo: true });
      const more = [await openTab(context, other, { shared: 'feed', headers: alice }), await openTab(context, other, { shared: 'feed', headers: bob })];
      await allReach(more, 10);
      assert.equal(server.log(split).requests.length, 2, 'a key does not join requests that can be compared and differ');
      assert.deepEqual((await log(more[0])).whos, ['Bearer alice']);
      assert.deepEqual((await log(more[1])).whos, ['Bearer bob']);
    } finally {
      await context.close();
    }
  });

  test('bodies that can be read are compared: the same bytes and kind share, another kind does not', async () => {
    const context = await browser.newContext();
    try {
      const page = await harnessTab(context);
      const key = uniqueKey('shared-bodies');
      const url = ticks(key);
      await page.evaluate((url) => {
        const { EventSource } = window.EventSourceWasm;
        const form = () => {
          const f = new FormData();
          f.append('a', '1');
          return f;
        };
        // Four groups: params, text (the same characters, another
        // Content-Type), bytes (as a view and as a buffer), form.
        const bodies = [new URLSearchParams('a=1'), new URLSearchParams({ a: '1' }), 'a=1', new Uint8Array([1, 2]), new Uint8Array([1, 2]).buffer, form(), form()];
        window.__sources = bodies.map((body) => new EventSource(url, { shared: true, body }));
      }, url);
      await waitFor(() => server.log(key).requests.length >= 4, { message: 'four connections' });
      await sleep(500);
      assert.equal(server.log(key).requests.length, 4, 'four groups');
      const flags = await page.evaluate(() => window.__sources.map((es) => window.EventSourceWasm.sharing(es).leading));
      const groups = [flags.slice(0, 2), flags.slice(2, 3), flags.slice(3, 5), flags.slice(5, 7)];
      assert.deepEqual(
        groups.map((g) => g.filter(Boolean).length),
        [1, 1, 1, 1],
        `one leader in each group: ${JSON.stringify(flags)}`,
      );
      assert.ok(server.log(key).requests.every((r) => r.method === 'POST'));
      await page.evaluate(() => window.__sources.forEach((es) => es.close()));
    } finally {
      await context.close();
    }
  });

  test('a follower never receives a frame of another request’s group, also across a takeover', async () => {
    const context = await browser.newContext();
    try {
      const key = uniqueKey('shared-takeover-users');
      const url = ticks(key, { echo: true });
      const alices = [await openTab(context, url, { shared: true, headers: alice }), await openTab(context, url, { shared: true, headers: alice })];
      const bobs = [await openTab(context, url, { shared: true, headers: bob }), await openTab(context, url, { shared: true, headers: bob })];
      await allReach([...alices, ...bobs], 10);
      assert.equal(server.log(key).requests.length, 2, 'one connection per user');
      // Alice's leader goes: her other tab takes over; Bob's group goes on.
      const leader = await leaderOf(alices);
      await leader.close();
      const rest = [alices.find((p) => p !== leader), ...bobs];
      await waitFor(() => server.log(key).requests.length === 3, { message: "Alice's takeover" });
      const at = Math.max(...(await Promise.all(rest.map(log))).map((l) => l.ids.at(-1)));
      await allReach(rest, at + 10);
      const takeover = server.log(key).requests[2];
      assert.equal(takeover.headers.authorization, 'Bearer alice', "the takeover is Alice's request");
      assert.match(String(takeover.lastEventId), /^\d+$/);
      const [a, b1, b2] = await Promise.all(rest.map(log));
      assert.deepEqual(a.whos, ['Bearer alice'], "Alice's remaining tab: only Alice's events, before and after the takeover");
      assert.deepEqual(b1.whos, ['Bearer bob']);
      assert.deepEqual(b2.whos, ['Bearer bob']);
      for (const [i, l] of [a, b1, b2].entries()) assertExactlyOnce(l.ids, `remaining tab ${i}`);
      // And Bob's leader goes: his other tab takes over, Alice's group is untouched.
      const bobLeader = await leaderOf(bobs);
      await bobLeader.close();
      const bobLeft = bobs.find((p) => p !== bobLeader);
      await waitFor(() => server.log(key).requests.length === 4, { message: "Bob's takeover" });
      const now = Math.max(...(await Promise.all([rest[0], bobLeft].map(log))).map((l) => l.ids.at(-1)));
      await allReach([rest[0], bobLeft], now + 10);
      assert.equal(server.log(key).requests[3].headers.authorization, 'Bearer bob');
      assert.deepEqual((await log(rest[0])).whos, ['Bearer alice']);
      assert.deepEqual((await log(bobLeft)).whos, ['Bearer bob']);
    } finally {
      await context.close();
    }
  });

  test('with shared: true, a request that beforeReconnect returns is refused with a report, and the group’s request is made', async () => {
    const context = await browser.newContext();
    try {
      const key = uniqueKey('shared-hook-refused');
      const url = ticks(key, { echo: true });
      const page = await openTab(context, url, { shared: true, headers: alice, hookAnswers: { headers: { Authorization: 'Bearer mallory' } } });
      await allReach([page], 5);
      server.cut(key);
      await waitFor(() => server.log(key).requests.length === 2, { message: 'the reconnection' });
      const at = (await log(page)).ids.at(-1);
      await allReach([page], at + 5);
      assert.equal(server.log(key).requests[1].headers.authorization, 'Bearer alice', "the group's request, not the hook's");
      const asked = (await page.evaluate(() => window.__asked)).length;
      assert.ok(asked >= 1, 'the hook was asked');
      const reported = await page.evaluate(() => window.__reported);
      assert.equal(reported.length, asked, `one report each time it answered a request: ${JSON.stringify(reported)}`);
      assert.match(reported[0], /beforeReconnect returned a request .* for a source with shared: true.*the request is not changed; pass shared: 'a key'/);
      assert.deepEqual((await log(page)).whos, ['Bearer alice']);
    } finally {
      await context.close();
    }
  });
});
