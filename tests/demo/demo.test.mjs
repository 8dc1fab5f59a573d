// The demo site (www/): its server on its own, then every page in headless
// Chromium with the polyfill forced on. Each page test waits for conditions
// (never for fixed times) and saves a screenshot to test-artifacts/.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { FIELD, startDemoServer } from '../../www/server.mjs';
import { launch } from '../e2e/browser.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const ARTIFACTS = join(root, 'test-artifacts');
const WAIT = { timeout: 20_000, polling: 50 };

let demo;
let browser;

before(async () => {
  if (!existsSync(join(root, 'dist/eventsource-wasm.js'))) {
    const r = spawnSync(process.execPath, ['scripts/build.mjs', '--dev', '--quiet'], { cwd: root, stdio: 'inherit' });
    assert.equal(r.status, 0, 'building dist/ failed');
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  demo = await startDemoServer({ port: 0 });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await demo?.close();
});

/** A fresh page on `path`; fails the test on any page error. */
async function open(t, path) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, colorScheme: 'light' });
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT.timeout);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  t.after(async () => {
    await context.close();
    assert.deepEqual(errors, [], 'errors on the page');
  });
  await page.goto(new URL(path, demo.url).href);
  // dist/ may be mid-rebuild (npm run build deletes it first): give it a moment.
  for (let i = 0; i < 20 && (await page.getAttribute('#status', 'data-impl')) === 'missing'; i++) {
    await new Promise((r) => setTimeout(r, 500));
    errors.length = 0;
    await page.reload();
  }
  return page;
}

async function expectPolyfill(page) {
  await page.waitForSelector('#status[data-impl]', WAIT);
  assert.equal(await page.getAttribute('#status', 'data-impl'), 'polyfill');
  assert.equal(await page.evaluate(() => window.EventSourceWasm.isPolyfill(window.EventSource)), true);
  assert.match(await page.textContent('#status-text'), /eventsource-wasm polyfill.*transport: fetch/);
}

async function screenshot(page, name) {
  await page.screenshot({ path: join(ARTIFACTS, `demo-${name}.png`), fullPage: true });
}

/** Read a stream from the demo server until `done(text)` says so. */
async function readStream(path, headers, done) {
  const controller = new AbortController();
  const res = await fetch(new URL(path, demo.url), { headers, signal: controller.signal });
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const timer = setTimeout(() => controller.abort(), 10_000);
  try {
    while (!done(text)) {
      const { value, done: end } = await reader.read();
      if (end) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return { res, text };
}

describe('demo server', () => {
  test('serves pages and dist/ with the right types, and nothing outside them', async () => {
    const get = (p) => fetch(new URL(p, demo.url));
    let r = await get('/');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^text\/html/);
    assert.match(await r.text(), /eventsource-wasm/);
    for (const [path, type] of [
      ['/common.js', /^text\/javascript/],
      ['/style.css', /^text\/css/],
      ['/dist/eventsource-wasm.js', /^text\/javascript/],
      ['/dist/index.js', /^text\/javascript/],
    ]) {
      r = await get(path);
      assert.equal(r.status, 200, path);
      assert.match(r.headers.get('content-type'), type, path);
      await r.arrayBuffer();
    }
    if (existsSync(join(root, 'dist/eventsource_wasm_bg.wasm'))) {
      r = await get('/dist/eventsource_wasm_bg.wasm');
      assert.equal(r.headers.get('content-type'), 'application/wasm');
      await r.arrayBuffer();
    }
    for (const path of ['/nope.html', '/..%2fpackage.json', '/dist/..%2fpackage.json', '/dist/..%2f..%2fetc/passwd', '/server.mjs/x']) {
      r = await get(path);
      assert.equal(r.status, 404, path);
      await r.arrayBuffer();
    }
  });

  test('movement resumes from a valid Last-Event-ID with one step', async () => {
    const { res, text } = await readStream('/demo/movement?interval=30', { 'Last-Event-ID': '100,200' }, (t) => /\nid: [^\n]*\ndata: [^\n]*\n\n/.test(t));
    assert.match(res.headers.get('content-type'), /^text\/event-stream/);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.match(text, /^retry: 1000\n/);
    const hello = JSON.parse(/event: hello\ndata: (.*)\n/.exec(text)[1]);
    assert.equal(hello.resumedFrom, '100,200');
    assert.equal(hello.step, FIELD.step);
    const m = /\n: [^\n]*\nid: (\d+),(\d+)\ndata: (\d+),(\d+)\n\n/.exec(text);
    assert.ok(m, `no position in ${JSON.stringify(text)}`);
    assert.equal(`${m[1]},${m[2]}`, `${m[3]},${m[4]}`);
    assert.ok(Math.abs(m[1] - 100) <= FIELD.step && Math.abs(m[2] - 200) <= FIELD.step, `jumped to ${m[1]},${m[2]}`);
    assert.notEqual(`${m[1]},${m[2]}`, '100,200');
  });

  test('movement ignores an invalid Last-Event-ID', async () => {
    const { text } = await readStream('/demo/movement', { 'Last-Event-ID': '9999,5' }, (t) => t.includes('\ndata: ') && t.includes('\nid: '));
    assert.equal(JSON.parse(/event: hello\ndata: (.*)\n/.exec(text)[1]).resumedFrom, null);
  });

  test('push sends retry, numbers connections from Last-Event-ID and ends', async () => {
    const res = await fetch(new URL('/demo/push?retry=300&count=2&every=20', demo.url), { headers: { 'Last-Event-ID': '4.2' } });
    const text = await res.text();
    assert.match(text, /^retry: 300\n/);
    const ids = [...text.matchAll(/^id: (.*)$/gm)].map((m) => m[1]);
    assert.deepEqual(ids, ['5.1', '5.2']);
  });

  test('the Rust page\'s stream tells what a POST with a bearer token brought, then ticks', async () => {
    const controller = new AbortController();
    const res = await fetch(new URL('/demo/rust?interval=50', demo.url), {
      method: 'POST',
      headers: { Authorization: 'Bearer t0ken', 'Content-Type': 'application/json' },
      body: '{"topic":"news"}',
      signal: controller.signal,
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^text\/event-stream/);
    const reader = res.body.getReader();
    let text = '';
    while (!/event: tick\n/.test(text)) {
      const { value, done } = await reader.read();
      assert.ok(!done, `the stream ended before a tick: ${JSON.stringify(text)}`);
      text += new TextDecoder().decode(value);
    }
    controller.abort();
    const request = JSON.parse(/^event: request\ndata: (.*)$/m.exec(text)[1]);
    assert.deepEqual(request, { method: 'POST', authorization: 'Bearer t0ken', body: '{"topic":"news"}' });
  });

  test('the Rust page\'s stream refuses a request without a bearer token (401) and a GET (405)', async () => {
    const refused = await fetch(new URL('/demo/rust', demo.url), { method: 'POST' });
    assert.equal(refused.status, 401);
    assert.match(await refused.text(), /bearer token/);
    const get = await fetch(new URL('/demo/rust', demo.url));
    assert.equal(get.status, 405);
    assert.equal(get.headers.get('allow'), 'POST');
  });

  test('/rust/ says how to build the page when the Leptos example is not built', async () => {
    const bare = await startDemoServer({ port: 0, rustDir: join(ARTIFACTS, 'no-such-build') });
    try {
      const res = await fetch(new URL('/rust/', bare.url));
      assert.equal(res.status, 404);
      assert.match(await res.text(), /node scripts\/examples\.mjs leptos/);
    } finally {
      await bare.close();
    }
  });
});

describe('demo pages (polyfill forced)', () => {
  test('index: status line, links, and the switch to the native EventSource', async (t) => {
    const page = await open(t, '/');
    await expectPolyfill(page);
    const links = await page.$$eval('.cards a', (as) => as.map((a) => a.getAttribute('href')));
    assert.deepEqual(links, ['box.html', 'clock.html', 'push.html', 'inspector.html', 'shared.html', '/rust/']);
    // The live panel: the polyfill receives the clock stream on the first page.
    await page.waitForFunction(() => window.liveDemo.events.some((e) => e.kind === 'message'), null, WAIT);
    assert.equal(await page.textContent('#live-state'), 'OPEN');
    assert.equal(await page.evaluate(() => window.EventSourceWasm.isPolyfill(window.liveDemo.source.constructor)), true);
    await screenshot(page, 'index');

    // The switch: ?polyfill=native keeps the browser's EventSource, and the
    // links carry the choice along.
    await page.click('.switch a[data-mode="native"]');
    await page.waitForURL(/polyfill=native/, WAIT);
    await page.waitForSelector('#status[data-impl="native"]', WAIT);
    assert.match(await page.textContent('#status-text'), /native EventSource/);
    assert.equal(await page.evaluate(() => window.EventSourceWasm.isPolyfill(window.EventSource)), false);
    assert.match(await page.getAttribute('.cards a[href*="box.html"]', 'href'), /polyfill=native/);
  });

  test('box: the native EventSource drives the same page', async (t) => {
    const page = await open(t, '/box.html?polyfill=native&interval=60');
    await page.waitForSelector('#status[data-impl="native"]', WAIT);
    await page.waitForFunction(() => window.boxDemo.positions.length >= 3, null, WAIT);
  });

  test('box: moves, and after a drop resumes from Last-Event-ID without a jump', async (t) => {
    const page = await open(t, '/box.html?interval=80');
    await expectPolyfill(page);
    await page.waitForFunction(() => window.boxDemo.client !== null && window.boxDemo.positions.length >= 5, null, WAIT);
    await page.waitForSelector('#drop:not([disabled])', WAIT);
    const before = await page.evaluate(() => window.boxDemo.client);
    await page.click('#drop');
    await page.waitForFunction((old) => window.boxDemo.resumes.some((r) => r.first !== null && r.client !== old), before, WAIT);
    // A few more moves after the resume, for the screenshot.
    await page.waitForFunction(() => {
      const s = window.boxDemo;
      return s.positions.filter((p) => p.client === s.client).length >= 8;
    }, null, WAIT);
    const s = await page.evaluate(() => window.boxDemo);

    const old = s.positions.filter((p) => p.client === before);
    const resume = s.resumes.find((r) => r.client !== before);
    const fresh = s.positions.filter((p) => p.client === resume.client);
    const last = old[old.length - 1];
    // The client sent the last ID it had; the server resumed exactly there.
    assert.equal(resume.from, `${last.x},${last.y}`);
    assert.equal(last.id, resume.from);
    assert.equal(resume.first, `${fresh[0].x},${fresh[0].y}`);
    assert.ok(
      Math.abs(fresh[0].x - last.x) <= FIELD.step && Math.abs(fresh[0].y - last.y) <= FIELD.step,
      `jumped from ${last.x},${last.y} to ${fresh[0].x},${fresh[0].y}`,
    );
    // No jump anywhere: each position is within one step of the one before.
    for (let i = 1; i < s.positions.length; i++) {
      const a = s.positions[i - 1];
      const b = s.positions[i];
      assert.ok(Math.abs(a.x - b.x) <= FIELD.step && Math.abs(a.y - b.y) <= FIELD.step, `jump at ${i}: ${a.x},${a.y} → ${b.x},${b.y}`);
    }
    assert.ok(s.errors >= 1 && s.opens >= 2, `errors ${s.errors}, opens ${s.opens}`);
    assert.equal(await page.textContent('#resumed'), `resumed from ${resume.from}`);
    assert.equal(await page.textContent('#reconnects'), String(s.opens - 1));
    const log = await page.textContent('#log');
    assert.match(log, /reason: network/);
    assert.match(log, /resumed from Last-Event-ID/);
    await page.waitForSelector('#drop:not([disabled])', WAIT);
    await screenshot(page, 'box');
  });

  test('clock: time messages, the JSON message, userlogon and update, origin checked', async (t) => {
    const page = await open(t, '/clock.html?interval=120');
    await expectPolyfill(page);
    await page.waitForFunction(
      () => {
        const s = window.clockDemo;
        const types = new Set(s.custom.map((c) => c.type));
        return s.times.length >= 2 && s.welcome && types.has('userlogon') && types.has('update');
      },
      null,
      WAIT,
    );
    const s = await page.evaluate(() => window.clockDemo);
    assert.match(s.welcome, /^Connected at \d\d:\d\d:\d\d/);
    assert.match(s.times[0].time, /^\d\d:\d\d:\d\d$/);
    assert.ok(!Number.isNaN(Date.parse(s.times[0].id)), `id ${s.times[0].id} is not a date`);
    assert.deepEqual(s.custom.find((c) => c.type === 'userlogon').data, { username: 'John123' });
    assert.deepEqual(s.custom.find((c) => c.type === 'update').data, { username: 'John123', emotion: 'happy' });
    assert.equal(s.originBad, 0);
    assert.ok(s.originOk >= 4);

    // The stream goes on while we look: find the first ones among all shown.
    const feed = await page.$$eval('#feed li', (lis) => lis.map((li) => `${li.dataset.type}: ${li.querySelector(".what").textContent}`));
    assert.ok(feed.some((t) => /^userlogon: John123 logged on$/.test(t)), feed.join('\n'));
    assert.ok(feed.some((t) => /^update: John123 is now happy$/.test(t)), feed.join('\n'));
    assert.equal(await page.textContent('#origin'), new URL(demo.url).origin);
    assert.match(await page.textContent('#origin-check'), /matches location\.origin/);
    assert.match(await page.textContent('#clock'), /^\d\d:\d\d:\d\d$/);
    await screenshot(page, 'clock');
  });

  test('push: the response ends, and the client comes back after the retry the server set', async (t) => {
    const page = await open(t, '/push.html?retry=300');
    await expectPolyfill(page);
    await page.waitForFunction(() => window.pushDemo.delays.length >= 2 && window.pushDemo.events.length >= 7, null, WAIT);
    const s = await page.evaluate(() => window.pushDemo);
    assert.equal(s.asked, 300);
    // Each connection numbered from the Last-Event-ID of the one before.
    assert.deepEqual(s.events.slice(0, 7).map((e) => `${e.connection}.${e.event}`), ['1.1', '1.2', '1.3', '2.1', '2.2', '2.3', '3.1']);
    for (const d of s.delays) {
      // At least the delay asked for, and far from the 3 s default.
      assert.ok(d >= 290 && d < 2000, `measured ${d} ms for retry 300`);
    }
    assert.equal(await page.textContent('#asked'), '300');
    assert.ok(Number(await page.textContent('#reconnects')) >= 2);
    assert.ok(Number(await page.textContent('#measured')) >= 290);
    assert.equal(await page.textContent('#conn-1 td:nth-child(2)'), '3 / 3');
    assert.match(await page.textContent('#log'), /reason: ended/);
    await screenshot(page, 'push');

    // Another retry value opens a new EventSource with a new URL.
    await page.selectOption('#retry', '1000');
    await page.waitForFunction(() => window.pushDemo.url.includes('retry=1000') && window.pushDemo.asked === 1000, null, WAIT);
    assert.match(page.url(), /retry=1000/);
  });

  test('shared: three tabs hold one connection; the leader closes, another takes over without a gap; a reload resumes', async (t) => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, colorScheme: 'light' });
    const errors = [];
    t.after(async () => {
      await context.close();
      assert.deepEqual(errors, [], 'errors on the pages');
    });
    const tab = async () => {
      const page = await context.newPage();
      page.setDefaultTimeout(WAIT.timeout);
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(new URL('/shared.html?interval=100', demo.url).href);
      return page;
    };
    const pages = [await tab(), await tab(), await tab()];
    await expectPolyfill(pages[0]);
    for (const page of pages) await page.waitForFunction(() => window.sharedDemo.ids.length >= 3, null, WAIT);
    await pages[0].waitForFunction(() => window.sharedDemo.connections === 1, null, WAIT);
    const roles = async (list) => Promise.all(list.map((p) => p.getAttribute('body', 'data-role')));
    assert.deepEqual((await roles(pages)).sort(), ['follower', 'follower', 'leader']);
    const leader = pages[(await roles(pages)).indexOf('leader')];
    assert.equal(await leader.textContent('#connections'), '1');
    assert.match(await leader.textContent('#mode'), /one connection for every tab/);
    await screenshot(leader, 'shared');

    // The leading tab goes: another takes over, and neither remaining tab misses an event.
    const rest = pages.filter((p) => p !== leader);
    await leader.close();
    const counts = await Promise.all(rest.map((p) => p.evaluate(() => window.sharedDemo.ids.length)));
    for (const [i, page] of rest.entries()) await page.waitForFunction((n) => window.sharedDemo.ids.length >= n + 5, counts[i], WAIT);
    assert.deepEqual((await roles(rest)).sort(), ['follower', 'leader']);
    for (const page of rest) {
      const s = await page.evaluate(() => window.sharedDemo);
      assert.equal(s.gaps, 0, 'no event lost or repeated through the takeover');
      assert.equal(await page.textContent('#gaps'), '0');
    }
    await rest[0].waitForFunction(() => window.sharedDemo.connections === 1, null, WAIT);
    await screenshot(rest[0], 'shared-takeover');

    // Alone, a tab reloaded resumes from the ID it kept in sessionStorage.
    await rest[0].close();
    const last = rest[1];
    await last.waitForFunction(() => document.body.getAttribute('data-role') === 'leader', null, WAIT);
    const seen = await last.evaluate(() => window.sharedDemo.ids.at(-1));
    await last.reload();
    await last.waitForFunction(() => window.sharedDemo.ids.length >= 2, null, WAIT);
    const s = await last.evaluate(() => window.sharedDemo);
    assert.ok(s.resumedFrom !== '' && Number(s.resumedFrom) >= seen, `resumed from ${s.resumedFrom}, having seen ${seen}`);
    assert.equal(s.ids[0], Number(s.resumedFrom) + 1, 'the first event after the reload follows the stored ID');
    assert.match(await last.textContent('#resumed'), /sessionStorage/);
  });

  test('inspector: a live stream through a 4 KiB proxy buffer or compressed is diagnosed, a direct one is not', async (t) => {
    const page = await open(t, '/inspector.html');
    await expectPolyfill(page);
    const check = async (via) => {
      await page.selectOption('#live-via', via);
      await page.click('#live-connect');
      await page.waitForFunction((via) => window.inspectorDemo.live && window.inspectorDemo.live.url.endsWith(via) && window.inspectorDemo.live.events > 0, via, WAIT);
    };
    await check('block');
    await page.waitForFunction(() => window.inspectorDemo.live.warning !== null, null, WAIT);
    // Its 4 KiB blocks (or, on a machine too loaded to fill the first within
    // a second, their late first bytes).
    assert.ok(['buffer-sized-bursts', 'late-first-bytes'].includes(await page.evaluate(() => window.inspectorDemo.live.warning.sign)));
    assert.match(await page.textContent('#live-diagnosis'), /buffered on its way.*X-Accel-Buffering: no/);
    await screenshot(page, 'inspector-buffered');
    await check('gzip');
    await page.waitForFunction(() => window.inspectorDemo.live.warning !== null, null, WAIT);
    assert.equal(await page.evaluate(() => window.inspectorDemo.live.warning.sign), 'compressed');
    await check('direct');
    // 3 s of events and keep-alive comments, and no sign.
    await page.waitForFunction(() => window.inspectorDemo.live.comments >= 2, null, WAIT);
    assert.equal(await page.evaluate(() => window.inspectorDemo.live.warning), null);
    assert.match(await page.textContent('#live-diagnosis'), /No sign of buffering so far/);
  });

  test('inspector: shows what the wasm parser makes of a stream, live, for any line ending', async (t) => {
    const page = await open(t, '/inspector.html');
    await expectPolyfill(page);
    // The prefilled sample shows every kind of entry.
    await page.waitForSelector('#rows tr[data-kind="incomplete"]', WAIT);
    const kinds = await page.$$eval('#rows tr', (trs) => new Set(trs.map((tr) => tr.dataset.kind)).size);
    assert.equal(kinds, 4);
    await screenshot(page, 'inspector');

    const input = ': hi\nevent: add\ndata: 1\ndata: 2\nid: 42\n\nretry: 750\nretry: 1e3\ncolour: blue\ndata:x\n\ndata: tail';
    // Most of it at once, the last line key by key: the table follows each keystroke.
    const cut = input.lastIndexOf('\n') + 1;
    await page.fill('#input', input.slice(0, cut));
    await page.waitForFunction(() => window.inspectorDemo.report.length === 6, null, WAIT);
    await page.focus('#input');
    await page.keyboard.press('Control+End');
    await page.keyboard.type(input.slice(cut));
    const table = () =>
      page.$$eval('#rows tr', (trs) =>
        trs.map((tr) => {
          const row = { kind: tr.dataset.kind };
          for (const f of tr.querySelectorAll('[data-field]')) row[f.dataset.field] = f.lastChild.textContent;
          return row;
        }),
      );
    const expected = [
      { kind: 'ignored', line: ': hi', reason: /comment/ },
      { kind: 'event', type: 'add', data: '1\n2', lastEventId: '42' },
      { kind: 'retry', retry: '750 ms' },
      { kind: 'ignored', line: 'retry: 1e3', reason: /retry/ },
      { kind: 'ignored', line: 'colour: blue', reason: /unknown field/ },
      { kind: 'event', type: 'message', data: 'x', lastEventId: '42' },
      { kind: 'incomplete', 'pending line': 'data: tail', 'pending data': '0 bytes buffered' },
    ];
    const check = (rows, want, label) => {
      assert.equal(rows.length, want.length, `${label}: ${JSON.stringify(rows)}`);
      want.forEach((w, i) => {
        for (const [k, v] of Object.entries(w)) {
          if (v instanceof RegExp) assert.match(rows[i][k], v, `${label} row ${i + 1} ${k}`);
          else assert.equal(rows[i][k], v, `${label} row ${i + 1} ${k}`);
        }
      });
    };
    check(await table(), expected, 'LF');

    for (const eol of ['crlf', 'cr']) {
      await page.check(`input[name="eol"][value="${eol}"]`);
      await page.waitForFunction((e) => window.inspectorDemo.eol === e, eol, WAIT);
      check(await table(), expected, eol);
    }

    // Finishing the last event (typed, live) dispatches it.
    await page.focus('#input');
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => !document.querySelector('#rows tr[data-kind="incomplete"]'), null, WAIT);
    const rows = await table();
    assert.deepEqual(rows[rows.length - 1], { kind: 'event', type: 'message', data: 'tail', lastEventId: '42' });
    assert.match(await page.textContent('#summary'), /3 events.*ends cleanly/);
  });
});
