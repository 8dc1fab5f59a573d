// Browser end-to-end tests of EventSource behaviour (HTML §9.2), in headless
// Chromium against the scriptable test server, once with the classic script
// (load=script) and once with the ES module (load=esm). Where cheap, the same
// stream is also given to Chromium's own EventSource (kept by the harness as
// window.nativeEventSource) to show that both behave alike; the places where
// native Chromium departs from the spec are named in the test titles.

import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { brief, closeSource, count, events, gotoHarness, gotoPlainPage, newPage, sleep, sseUrl, state, uniqueKey, waitFor, waitForClosedOnServer, waitForEvents, waitForRequests, watch, withServerAndBrowser } from './helpers.mjs';

const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 2;

// How long to wait when proving that something did NOT happen.
const QUIET = 400;

let server;
let browser;
withServerAndBrowser((env) => ({ server, browser } = env));

const messages = (log) => log.filter((e) => e.type === 'message');
const has = (type, n = 1) => (log) => count(log, type) >= n;

// The behaviour suite runs four times: the classic script and the ES module
// over the default transport (streaming fetch), then over XHR, once forced
// with the transport option and once chosen by the feature test because the
// page's fetch cannot stream.
for (const [load, variant, extra] of [
  ['script', 'fetch', ''],
  ['esm', 'fetch', ''],
  ['script', 'xhr forced', '&transport=xhr'],
  ['esm', 'xhr by feature test', '&nostream=1'],
]) {
  describe(`EventSource behaviour (load=${load}, ${variant})`, () => {
    // One page per load, and a fresh document (a new navigation) per test:
    // navigating away aborts every connection the previous test left.
    let page;

    before(async () => {
      page = await newPage(browser);
    });

    beforeEach(async () => {
      await gotoHarness(page, server.origin, load, extra);
    });

    after(async () => {
      await page?.close();
    });

    /**
     * Start our EventSource on `plan` and, with `native`, Chromium's on the
     * same plan (under its own key). Returns the keys and source ids.
     */
    async function start(name, plan, { native = false, origin = server.origin, init, types } = {}) {
      const key = uniqueKey(name);
      const url = sseUrl(origin, key, plan);
      const ours = await watch(page, url, { init, types });
      const run = { key, url, ours };
      if (native) {
        run.nativeKey = `${key}~native`;
        run.nativeUrl = sseUrl(origin, run.nativeKey, plan);
        run.native = await watch(page, run.nativeUrl, { init, types, ctor: 'native' });
      }
      return run;
    }

    it('runs against the package’s EventSource, not Chromium’s', async () => {
      const check = await page.evaluate(() => ({
        replaced: typeof window.nativeEventSource === 'function' && window.EventSource !== window.nativeEventSource,
        isPolyfill: window.EventSourceWasm.isPolyfill(window.EventSource),
        sameClass: window.EventSource === window.EventSourceWasm.EventSource,
      }));
      assert.deepEqual(check, { replaced: true, isPolyfill: !extra.includes('transport'), sameClass: !extra.includes('transport') });
    });

    it(`carries the streams over ${variant === 'fetch' ? 'fetch (no XHR at all)' : 'XHR'}`, async () => {
      const run = await start('transport', { chunks: ['data: x\n\n'], end: 'open' });
      await waitFor(async () => (await events(page, run.ours)).some((e) => e.type === 'message'), { message: 'a message' });
      const opens = await page.evaluate(() => window.__xhrOpens);
      const environment = await page.evaluate(() => window.EventSourceWasm.environment());
      if (variant === 'fetch') assert.equal(opens, 0);
      else assert.ok(opens >= 1, 'the request went over XHR');
      assert.equal(environment.transport, variant === 'xhr by feature test' ? 'xhr' : 'fetch');
    });

    describe('readyState and the order of events', () => {
      it('goes CONNECTING → OPEN (in onopen) → CONNECTING (in the error event of an ended stream) → OPEN again, dispatching open, messages, error, open, like native', async () => {
        const plan = [{ chunks: ['retry: 50\ndata: first\n\n'] }, { chunks: ['data: second\n\n'], end: 'open' }];
        const run = await start('order', plan, { native: true });
        const done = (log) => messages(log).length >= 2;
        const ours = await waitForEvents(page, run.ours, done);
        const native = await waitForEvents(page, run.native, done);
        const expected = [
          { type: 'open', readyState: OPEN },
          { type: 'message', readyState: OPEN, data: 'first' },
          { type: 'error', readyState: CONNECTING },
          { type: 'open', readyState: OPEN },
          { type: 'message', readyState: OPEN, data: 'second' },
        ];
        assert.deepEqual(ours.map(brief), expected);
        assert.deepEqual(native.map(brief), expected, 'native Chromium');
        // The reason rides on our error event as an extra property.
        assert.equal(ours[2].reason, 'ended');
        const s = await state(page, run.ours);
        assert.equal(s.initialReadyState, CONNECTING, 'readyState right after construction');
        assert.equal(s.readyState, OPEN, 'readyState after onopen, in a later task');
      });

      it('reconnects after a connection reset mid-stream, with readyState CONNECTING in the error event and the last id sent', async () => {
        const plan = [
          { chunks: ['retry: 50\nid: r1\ndata: before reset\n\n'], end: 'open' },
          { chunks: ['data: after reset\n\n'], end: 'open' },
        ];
        const run = await start('reset', plan, { native: true });
        // Cut with an RST only once both clients have the first message: an
        // RST can make the kernel drop data the client has not read yet.
        const first = (log) => messages(log).length >= 1;
        await waitForEvents(page, run.ours, first);
        await waitForEvents(page, run.native, first);
        server.cut(run.key);
        server.cut(run.nativeKey);
        const done = (log) => messages(log).length >= 2;
        const ours = await waitForEvents(page, run.ours, done);
        const native = await waitForEvents(page, run.native, done);
        const expected = [
          { type: 'open', readyState: OPEN },
          { type: 'message', readyState: OPEN, data: 'before reset' },
          { type: 'error', readyState: CONNECTING },
          { type: 'open', readyState: OPEN },
          { type: 'message', readyState: OPEN, data: 'after reset' },
        ];
        assert.deepEqual(ours.map(brief), expected);
        assert.deepEqual(native.map(brief), expected, 'native Chromium');
        assert.equal(ours[2].reason, 'network');
        assert.equal(ours[4].lastEventId, 'r1', 'the last event ID survives the reconnection');
        assert.equal(server.log(run.key).requests[1].lastEventId, 'r1');
      });

      it('is CLOSED after close(), and close() dispatches no event', async () => {
        const run = await start('close-state', { chunks: ['data: x\n\n'], end: 'open' });
        await waitForEvents(page, run.ours, has('message'));
        const readyState = await page.evaluate((id) => {
          const { es } = window.__sources[id];
          es.close();
          return es.readyState;
        }, run.ours);
        assert.equal(readyState, CLOSED, 'CLOSED synchronously');
        await sleep(QUIET);
        assert.deepEqual((await events(page, run.ours)).map((e) => e.type), ['open', 'message']);
        assert.equal((await state(page, run.ours)).readyState, CLOSED);
      });
    });

    describe('messages', () => {
      it('dispatches MessageEvents of type "message" with multi-line data, the stream origin and a lastEventId that persists until changed, like native', async () => {
        const body =
          'id: 7\ndata: line 1\ndata: line 2\n\n' +
          'data: no id field\n\n' +
          ': a comment\n' +
          'id\ndata: id reset\n\n' +
          'data:  one leading space removed\n\n' +
          'data\ndata\n\n';
        const run = await start('message', { chunks: [body], end: 'open' }, { native: true });
        const done = (log) => messages(log).length >= 5;
        const ours = messages(await waitForEvents(page, run.ours, done));
        const native = messages(await waitForEvents(page, run.native, done));
        const summary = (e) => [e.type, e.isMessageEvent, e.data, e.lastEventId, e.origin];
        const expected = [
          ['message', true, 'line 1\nline 2', '7', server.origin],
          ['message', true, 'no id field', '7', server.origin],
          ['message', true, 'id reset', '', server.origin],
          ['message', true, ' one leading space removed', '', server.origin],
          ['message', true, '\n', '', server.origin],
        ];
        assert.deepEqual(ours.map(summary), expected);
        assert.deepEqual(native.map(summary), expected, 'native Chromium');
      });

      it('dispatches MessageEvents that read as native’s (instanceof, constructor, toStringTag, own keys, for…in, JSON, attributes), with each stream’s own origin', async () => {
        const plan = { cors: true, chunks: ['id: 1\ndata: a\n\nevent: custom\ndata: b\n\n'], end: 'open' };
        const same = sseUrl(server.origin, uniqueKey('shape'), plan);
        const cross = sseUrl(server.crossOrigin, uniqueKey('shape-x'), plan);
        const sameNative = sseUrl(server.origin, uniqueKey('shape-n'), plan);
        const crossNative = sseUrl(server.crossOrigin, uniqueKey('shape-xn'), plan);
        const shapes = await page.evaluate(
          ([urls]) =>
            new Promise((resolve, reject) => {
              const describe = (e) => {
                const forIn = [];
                for (const k in e) forIn.push(k);
                return {
                  type: e.type,
                  data: e.data,
                  origin: e.origin,
                  lastEventId: e.lastEventId,
                  instance: e instanceof MessageEvent && e instanceof Event,
                  constructorIsMessageEvent: e.constructor === MessageEvent,
                  tag: Object.prototype.toString.call(e),
                  ownKeys: Reflect.ownKeys(e).map(String).sort(),
                  forIn: forIn.sort(),
                  json: JSON.stringify(e).replace('"isTrusted":true', '"isTrusted":false'),
                  ownOrigin: Object.prototype.hasOwnProperty.call(e, 'origin'),
                  originIn: 'origin' in e,
                  source: e.source,
                  ports: Array.isArray(e.ports) && e.ports.length === 0 && Object.isFrozen(e.ports),
                  bubbles: e.bubbles,
                  cancelable: e.cancelable,
                  composed: e.composed,
                  eventPhase: e.eventPhase,
                  target: e.target === e.currentTarget,
                };
              };
              const out = {};
              const pending = new Set(Object.keys(urls));
              setTimeout(() => reject(new Error(`no events from ${[...pending].join(', ')}`)), 5000);
              for (const [name, url] of Object.entries(urls)) {
                const Ctor = name.endsWith('Native') ? window.nativeEventSource : window.EventSource;
                const es = new Ctor(url);
                const seen = (out[name] = []);
                const take = (e) => {
                  seen.push(describe(e));
                  if (seen.length === 2) {
                    es.close();
                    pending.delete(name);
                    if (pending.size === 0) resolve(out);
                  }
                };
                es.onmessage = take;
                es.addEventListener('custom', take);
              }
            }),
          [{ same, cross, sameNative, crossNative }],
        );
        for (const [ours, native, origin] of [
          [shapes.same, shapes.sameNative, server.origin],
          [shapes.cross, shapes.crossNative, server.crossOrigin],
        ]) {
          assert.deepEqual(ours, native, 'the same as native Chromium’s events (isTrusted aside)');
          assert.deepEqual(
            ours.map((e) => [e.type, e.data, e.origin, e.lastEventId, e.instance, e.constructorIsMessageEvent, e.tag, e.ownOrigin, e.source, e.ports]),
            [
              ['message', 'a', origin, '1', true, true, '[object MessageEvent]', false, null, true],
              ['custom', 'b', origin, '1', true, true, '[object MessageEvent]', false, null, true],
            ],
          );
        }
      });

      it('dispatches custom event types to their listeners only, never to onmessage', async () => {
        const key = uniqueKey('custom');
        const body = 'event: custom\ndata: c1\n\ndata: m1\n\nevent: other\ndata: o1\n\nevent: message\ndata: m2\n\n';
        const url = sseUrl(server.origin, key, { chunks: [body], end: 'open' });
        await page.evaluate((url) => {
          const es = new EventSource(url);
          const seen = (window.customSeen = []);
          es.onmessage = (e) => seen.push(['onmessage', e.type, e.data]);
          es.addEventListener('message', (e) => seen.push(['message listener', e.type, e.data]));
          es.addEventListener('custom', (e) => seen.push(['custom listener', e.type, e.data, e instanceof MessageEvent, e.origin]));
          window.customSource = es;
        }, url);
        await waitFor(() => page.evaluate(() => window.customSeen.length >= 5), { message: 'five dispatches' });
        await sleep(100);
        const seen = await page.evaluate(() => {
          window.customSource.close();
          return window.customSeen;
        });
        assert.deepEqual(seen, [
          ['custom listener', 'custom', 'c1', true, server.origin],
          ['onmessage', 'message', 'm1'],
          ['message listener', 'message', 'm1'],
          ['onmessage', 'message', 'm2'],
          ['message listener', 'message', 'm2'],
        ]);
      });

      it('decodes UTF-8 split across network chunks, strips a leading BOM, replaces invalid bytes with U+FFFD and accepts CRLF and CR line ends, like native', async () => {
        const bytes = (s) => ({ bytes: [...Buffer.from(s, 'utf8')] });
        const chunks = [
          { bytes: [0xef, 0xbb] },
          { delay: 30 },
          { bytes: [0xbf] },
          'data: caf',
          { delay: 30 },
          { bytes: [0xc3] },
          { delay: 30 },
          { bytes: [0xa9, 0x0a, 0x0a] },
          { bytes: [...Buffer.from('data: x'), 0xff, ...Buffer.from('y\n\n')] },
          bytes('data: 😀 split\r'),
          { delay: 30 },
          bytes('\n\r\ndata: cr\r\r'),
        ];
        const run = await start('decode', { chunks, end: 'open' }, { native: true });
        const done = (log) => messages(log).length >= 4;
        const ours = messages(await waitForEvents(page, run.ours, done)).map((e) => e.data);
        const native = messages(await waitForEvents(page, run.native, done)).map((e) => e.data);
        const expected = ['café', 'x\uFFFDy', '😀 split', 'cr'];
        assert.deepEqual(ours, expected);
        assert.deepEqual(native, expected, 'native Chromium');
      });

      it('keeps a U+FEFF that starts an event\'s data (only the stream\'s first BOM is dropped), like native', async () => {
        const chunks = [{ bytes: [0xef, 0xbb, 0xbf] }, 'data: \uFEFFfirst\n\n', { delay: 30 }, 'data: \uFEFFsecond\n\n', { delay: 30 }, 'data: a\n\ndata: \uFEFF\n\n'];
        const run = await start('feff', { chunks, end: 'open' }, { native: true });
        const done = (log) => messages(log).length >= 4;
        const expected = ['\uFEFFfirst', '\uFEFFsecond', 'a', '\uFEFF'];
        assert.deepEqual(messages(await waitForEvents(page, run.ours, done)).map((e) => e.data), expected);
        assert.deepEqual(messages(await waitForEvents(page, run.native, done)).map((e) => e.data), expected, 'native Chromium');
      });
    });

    describe('reconnection', () => {
      it('sends Last-Event-ID with the last event ID on reconnection after the server ends the stream, and none on the first request', async () => {
        const plan = [{ chunks: ['retry: 50\nid: 42\ndata: a\n\n'] }, { chunks: ['data: b\n\n'], end: 'open' }];
        const run = await start('last-id', plan);
        const log = await waitForEvents(page, run.ours, (log) => messages(log).length >= 2);
        const requests = server.log(run.key).requests;
        assert.equal(requests.length, 2);
        assert.equal(requests[0].lastEventId, null, 'no Last-Event-ID on the first request');
        assert.equal(requests[1].lastEventId, '42');
        for (const request of requests) {
          assert.equal(request.method, 'GET');
          assert.equal(request.headers.accept, 'text/event-stream');
        }
        assert.equal(messages(log)[1].lastEventId, '42', 'the id persists across the reconnection');
      });

      it('sends a non-ASCII last event ID as UTF-8 bytes, as native Chromium does', async () => {
        const id = 'é€😀-1';
        const plan = [{ chunks: [`retry: 50\nid: ${id}\ndata: a\n\n`] }, { chunks: ['data: b\n\n'], end: 'open' }];
        const run = await start('utf8-id', plan, { native: true });
        await waitForRequests(server, run.key, 2);
        await waitForRequests(server, run.nativeKey, 2);
        for (const key of [run.key, run.nativeKey]) {
          const request = server.log(key).requests[1];
          assert.equal(request.lastEventId, id, key);
          assert.deepEqual(Buffer.from(request.headers['last-event-id'], 'latin1'), Buffer.from(id, 'utf8'), key);
        }
        const log = await waitForEvents(page, run.ours, (log) => messages(log).length >= 2);
        assert.deepEqual(messages(log).map((e) => e.lastEventId), [id, id]);
      });

      it('sends no Last-Event-ID when the id was reset to empty, and ignores an id containing U+0000', async () => {
        const emptied = await start('empty-id', [
          { chunks: ['retry: 50\nid: 1\ndata: a\n\nid\ndata: b\n\n'] },
          { chunks: ['data: c\n\n'], end: 'open' },
        ]);
        const nul = await start('nul-id', [
          { chunks: ['retry: 50\nid: ok\ndata: a\n\nid: bad\0id\ndata: b\n\n'] },
          { chunks: ['data: c\n\n'], end: 'open' },
        ]);
        const [emptiedRequests, nulRequests] = await Promise.all([
          waitForRequests(server, emptied.key, 2),
          waitForRequests(server, nul.key, 2),
        ]);
        assert.equal(emptiedRequests[1].lastEventId, null);
        assert.equal('last-event-id' in emptiedRequests[1].headers, false);
        assert.equal(nulRequests[1].lastEventId, 'ok');
        const log = await waitForEvents(page, nul.ours, (log) => messages(log).length >= 2);
        assert.deepEqual(messages(log).slice(0, 2).map((e) => e.lastEventId), ['ok', 'ok']);
      });

      it('honours retry: with retry: 200 the reconnection comes after about 200 ms, not after the default 3 s', async () => {
        const plan = [{ chunks: ['retry: 200\ndata: a\n\n'] }, { chunks: ['data: b\n\n'], end: 'open' }];
        const run = await start('retry', plan);
        const log = await waitForEvents(page, run.ours, (log) => messages(log).length >= 2);
        const [first, second] = server.log(run.key).requests;
        const errorAt = log.find((e) => e.type === 'error').time;
        assert.ok(second.time - first.time >= 150, `second request ${second.time - first.time} ms after the first`);
        assert.ok(second.time - errorAt >= 150, `second request ${second.time - errorAt} ms after the error event`);
        assert.ok(second.time - first.time < 2500, `second request ${second.time - first.time} ms after the first: retry ignored?`);
      });
    });

    describe('failing the connection', () => {
      const failures = [
        { name: 'HTTP 204', spec: { status: 204 }, reason: 'status', status: 204 },
        { name: 'HTTP 404', spec: { status: 404, chunks: ['retry: 50\ndata: not for you\n\n'] }, reason: 'status', status: 404 },
        { name: 'HTTP 500', spec: { status: 500, chunks: ['retry: 50\ndata: not for you\n\n'] }, reason: 'status', status: 500 },
        { name: 'Content-Type text/plain', spec: { type: 'text/plain', chunks: ['retry: 50\ndata: not for you\n\n'] }, reason: 'mime' },
        { name: 'no Content-Type', spec: { type: null, chunks: ['retry: 50\ndata: not for you\n\n'] }, reason: 'mime' },
      ];

      for (const { name, spec, reason, status } of failures) {
        it(`fails the connection on ${name}: one error event with readyState CLOSED, no open or message, and no reconnection, like native`, async () => {
          const run = await start(`fail-${name}`, spec, { native: true });
          await waitForEvents(page, run.ours, has('error'));
          await waitForEvents(page, run.native, has('error'));
          await sleep(QUIET);
          const ours = await events(page, run.ours);
          const native = await events(page, run.native);
          assert.deepEqual(ours.map(brief), [{ type: 'error', readyState: CLOSED }]);
          assert.deepEqual(native.map(brief), [{ type: 'error', readyState: CLOSED }], 'native Chromium');
          assert.equal(ours[0].reason, reason);
          if (status) assert.equal(ours[0].status, status);
          assert.equal((await state(page, run.ours)).readyState, CLOSED);
          assert.equal(server.log(run.key).requests.length, 1, 'no reconnection');
          assert.equal(server.log(run.nativeKey).requests.length, 1, 'no reconnection (native)');
        });
      }

      for (const { name, spec } of [failures[2], failures[3]]) {
        it(`fails the connection when a reconnection gets ${name}: error (CONNECTING), then error (CLOSED), and no further request, like native`, async () => {
          const plan = [{ chunks: ['retry: 50\ndata: a\n\n'] }, spec];
          const run = await start(`refail-${name}`, plan, { native: true });
          await waitForEvents(page, run.ours, has('error', 2));
          await waitForEvents(page, run.native, has('error', 2));
          await sleep(QUIET);
          const expected = [
            { type: 'open', readyState: OPEN },
            { type: 'message', readyState: OPEN, data: 'a' },
            { type: 'error', readyState: CONNECTING },
            { type: 'error', readyState: CLOSED },
          ];
          assert.deepEqual((await events(page, run.ours)).map(brief), expected);
          assert.deepEqual((await events(page, run.native)).map(brief), expected, 'native Chromium');
          assert.equal(server.log(run.key).requests.length, 2, 'no request after the failure');
          assert.equal((await state(page, run.ours)).readyState, CLOSED);
        });
      }

      it('does not fail on charset=iso-8859-1 and decodes the stream as UTF-8, as the spec says (native Chromium fails the connection instead)', async (t) => {
        const spec = { type: 'text/event-stream; charset=iso-8859-1', chunks: [{ bytes: [...Buffer.from('data: é€\n\n', 'utf8')] }], end: 'open' };
        const run = await start('charset', spec, { native: true });
        const ours = await waitForEvents(page, run.ours, has('message'));
        assert.deepEqual(ours.map(brief), [
          { type: 'open', readyState: OPEN },
          { type: 'message', readyState: OPEN, data: 'é€' },
        ]);
        const native = await waitForEvents(page, run.native, (log) => log.length >= 1);
        t.diagnostic(`native Chromium on charset=iso-8859-1: ${JSON.stringify(native.map(brief))}`);
      });

      it('accepts the MIME type case-insensitively and with parameters, like native', async () => {
        const types = ['TEXT/Event-Stream', 'text/event-stream;charset=utf-8', 'text/event-stream; charset="UTF-8"', 'text/event-stream ; foo=bar'];
        const runs = [];
        for (const type of types) runs.push([type, await start('mime', { type, chunks: ['data: ok\n\n'] }, { native: true })]);
        for (const [type, run] of runs) {
          const ours = await waitForEvents(page, run.ours, has('message'));
          const native = await waitForEvents(page, run.native, has('message'));
          assert.deepEqual(messages(ours).map((e) => e.data), ['ok'], type);
          assert.deepEqual(messages(native).map((e) => e.data), ['ok'], `${type} (native)`);
        }
      });
    });

    describe('redirects', () => {
      for (const status of [301, 302, 307, 308]) {
        for (const target of ['same-origin', 'cross-origin']) {
          it(`follows a ${status} redirect to a ${target} stream: url stays the original, event.origin is the final URL’s origin, like native`, async () => {
            const targetOrigin = target === 'same-origin' ? server.origin : server.crossOrigin;
            const targetKey = uniqueKey(`redirect-target-${status}`);
            const targetUrl = sseUrl(targetOrigin, targetKey, { cors: true, chunks: ['data: redirected\n\n'], end: 'open' });
            const nativeTargetUrl = sseUrl(targetOrigin, `${targetKey}~native`, { cors: true, chunks: ['data: redirected\n\n'], end: 'open' });
            const key = uniqueKey(`redirect-${status}`);
            const url = sseUrl(server.origin, key, { status, redirect: targetUrl });
            const nativeUrl = sseUrl(server.origin, `${key}~native`, { status, redirect: nativeTargetUrl });
            const ours = await watch(page, url);
            const native = await watch(page, nativeUrl, { ctor: 'native' });
            for (const [id, original] of [
              [ours, url],
              [native, nativeUrl],
            ]) {
              const log = await waitForEvents(page, id, has('message'));
              const who = id === ours ? 'ours' : 'native Chromium';
              assert.deepEqual(log.map(brief), [
                { type: 'open', readyState: OPEN },
                { type: 'message', readyState: OPEN, data: 'redirected' },
              ], who);
              assert.equal(log[1].origin, targetOrigin, `${who}: event.origin`);
              assert.equal((await state(page, id)).url, original, `${who}: es.url`);
            }
            // Over XHR a same-origin request carries Cache-Control and Pragma
            // (what fetch's no-store adds), which the other origin of a
            // redirect sees preflighted (README, "How it differs").
            const [request] = server.log(targetKey).requests.filter((r) => r.method === 'GET');
            assert.equal(request.headers.accept, 'text/event-stream');
            if (target === 'cross-origin') assert.equal(request.headers.origin, server.origin);
          });
        }
      }
    });

    describe('CORS and credentials', () => {
      it('connects to a cross-origin stream that allows it without a CORS preflight, sending the same request headers as native', async () => {
        const run = await start('cors-ok', { cors: true, chunks: ['data: hello\n\n'], end: 'open' }, { origin: server.crossOrigin, native: true });
        const log = await waitForEvents(page, run.ours, has('message'));
        await waitForEvents(page, run.native, has('message'));
        assert.deepEqual(log.map(brief), [
          { type: 'open', readyState: OPEN },
          { type: 'message', readyState: OPEN, data: 'hello' },
        ]);
        assert.equal(log[1].origin, server.crossOrigin);
        const relevant = ['accept', 'origin', 'sec-fetch-mode', 'sec-fetch-dest', 'sec-fetch-site', 'cache-control', 'last-event-id', 'cookie'];
        const pick = (key) => server.log(key).requests.map((r) => [r.method, Object.fromEntries(relevant.map((h) => [h, r.headers[h]]))]);
        const ours = pick(run.key);
        const native = pick(run.nativeKey);
        if (variant !== 'fetch') {
          // XHR has no cache mode, and setting Cache-Control by hand would
          // force a preflight cross-origin: the one documented difference.
          for (const [, headers] of native) headers['cache-control'] = undefined;
        }
        assert.deepEqual(ours, native, 'the same requests as native Chromium');
        assert.equal(ours.length, 1, 'one GET, no OPTIONS preflight');
        assert.equal(ours[0][0], 'GET');
        assert.equal(ours[0][1].origin, server.origin);
        assert.equal(ours[0][1]['sec-fetch-mode'], 'cors');
      });

      it('fails a cross-origin stream that CORS denies: an error event, no open or message, and readyState CLOSED, as native Chromium does', async () => {
        const spec = { chunks: ['data: secret\n\n'], end: 'open' };
        const run = await start('cors-denied', spec, { origin: server.crossOrigin, native: true });
        const ours = await waitForEvents(page, run.ours, has('error'));
        const native = await waitForEvents(page, run.native, has('error'));
        assert.deepEqual(native.map(brief), [{ type: 'error', readyState: CLOSED }], 'native Chromium');
        assert.deepEqual(ours.map(brief), [{ type: 'error', readyState: CLOSED }], 'ours: error event must report CLOSED, like native');
        assert.equal((await state(page, run.ours)).readyState, CLOSED);
      });

      it('sends cookies to a cross-origin stream only with withCredentials: true, and always to a same-origin one; withCredentials reflects the option', async () => {
        const cookie = await page.evaluate(async (origin) => {
          await (await fetch(`${origin}/set-cookie?name=esw&value=1`)).text();
          return document.cookie;
        }, server.origin);
        assert.match(cookie, /(^|; )esw=1(;|$)/, 'the cookie is set for the host');
        const spec = { cors: 'credentials', chunks: ['data: hi\n\n'], end: 'open' };
        const withCreds = await start('creds-on', spec, { origin: server.crossOrigin, init: { withCredentials: true } });
        const without = await start('creds-off', spec, { origin: server.crossOrigin, init: { withCredentials: false } });
        const sameOrigin = await start('creds-same', { chunks: ['data: hi\n\n'], end: 'open' });
        for (const run of [withCreds, without, sameOrigin]) await waitForEvents(page, run.ours, has('message'));
        assert.match(server.log(withCreds.key).requests[0].headers.cookie ?? '', /(^|; )esw=1(;|$)/, 'cross-origin, withCredentials: true');
        assert.equal(server.log(without.key).requests[0].headers.cookie, undefined, 'cross-origin, withCredentials: false');
        assert.match(server.log(sameOrigin.key).requests[0].headers.cookie ?? '', /(^|; )esw=1(;|$)/, 'same-origin');
        assert.equal((await state(page, withCreds.ours)).withCredentials, true);
        assert.equal((await state(page, without.ours)).withCredentials, false);
        assert.equal((await state(page, sameOrigin.ours)).withCredentials, false);
      });
    });

    describe('close()', () => {
      for (const [name, spec, settle] of [
        ['a request that never answers', { hang: true }, QUIET],
        ['a response delayed by 500 ms', { delay: 500, chunks: ['data: late\n\n'], end: 'open' }, 700],
      ]) {
        it(`close() while connecting to ${name} aborts the request: CLOSED at once, the server sees the connection go, nothing is dispatched`, async () => {
          const run = await start('close-connecting', spec);
          await waitFor(() => server.log(run.key).open === 1, { message: 'the request to arrive' });
          const readyState = await page.evaluate((id) => {
            const { es } = window.__sources[id];
            es.close();
            return es.readyState;
          }, run.ours);
          assert.equal(readyState, CLOSED);
          await waitForClosedOnServer(server, run.key);
          await sleep(settle);
          assert.deepEqual(await events(page, run.ours), []);
          assert.equal(server.log(run.key).requests.length, 1);
        });
      }

      it('close() while open ends the connection on the server and nothing more is dispatched', async () => {
        const run = await start('close-open', { chunks: ['data: 1\n\n', { delay: 300 }, 'data: 2\n\n'], end: 'open' });
        await waitForEvents(page, run.ours, has('message'));
        await closeSource(page, run.ours);
        await waitForClosedOnServer(server, run.key);
        await sleep(QUIET);
        assert.deepEqual((await events(page, run.ours)).map(brief), [
          { type: 'open', readyState: OPEN },
          { type: 'message', readyState: OPEN, data: '1' },
        ]);
        assert.equal(server.log(run.key).requests.length, 1);
      });

      it('close() twice does not throw and readyState stays CLOSED', async () => {
        const run = await start('close-twice', { chunks: ['data: x\n\n'], end: 'open' });
        await waitForEvents(page, run.ours, has('open'));
        const states = await page.evaluate((id) => {
          const { es } = window.__sources[id];
          es.close();
          const first = es.readyState;
          es.close();
          return [first, es.readyState];
        }, run.ours);
        assert.deepEqual(states, [CLOSED, CLOSED]);
        await waitForClosedOnServer(server, run.key);
        await sleep(100);
        assert.equal(count(await events(page, run.ours), 'error'), 0);
      });

      it('close() in onopen: no message, no error and no reconnection follow', async () => {
        const key = uniqueKey('close-onopen');
        const url = sseUrl(server.origin, key, { chunks: ['retry: 50\ndata: a\n\ndata: b\n\n'] });
        const id = await page.evaluate((url) => {
          const id = window.watch(url);
          const { es } = window.__sources[id];
          es.onopen = () => es.close();
          return id;
        }, url);
        await waitForEvents(page, id, has('open'));
        await sleep(QUIET);
        // The recorder's listener runs before onopen, so it still sees OPEN.
        assert.deepEqual((await events(page, id)).map(brief), [{ type: 'open', readyState: OPEN }]);
        assert.equal((await state(page, id)).readyState, CLOSED);
        assert.equal(server.log(key).requests.length, 1);
      });

      it('close() in the first message handler stops the remaining events of the same chunk, like native', async () => {
        const body = 'retry: 50\ndata: 1\n\ndata: 2\n\nevent: custom\ndata: 3\n\n';
        const results = [];
        for (const ctor of ['global', 'native']) {
          const key = uniqueKey(`close-onmessage-${ctor}`);
          const url = sseUrl(server.origin, key, { chunks: [body] });
          const id = await page.evaluate(([url, ctor]) => {
            const id = window.watch(url, { ctor, types: ['custom'] });
            const { es } = window.__sources[id];
            es.onmessage = () => es.close();
            return id;
          }, [url, ctor]);
          await waitForEvents(page, id, has('message'));
          results.push({ ctor, key, id });
        }
        await sleep(QUIET);
        for (const { ctor, key, id } of results) {
          assert.deepEqual((await events(page, id)).map(brief), [
            { type: 'open', readyState: OPEN },
            { type: 'message', readyState: OPEN, data: '1' },
          ], ctor);
          assert.equal((await state(page, id)).readyState, CLOSED, ctor);
          assert.equal(server.log(key).requests.length, 1, `${ctor}: no reconnection`);
        }
      });

      it('close() in onerror prevents the reconnection', async () => {
        const key = uniqueKey('close-onerror');
        const url = sseUrl(server.origin, key, [{ chunks: ['retry: 50\ndata: a\n\n'] }, { chunks: ['data: b\n\n'], end: 'open' }]);
        const id = await page.evaluate((url) => {
          const id = window.watch(url);
          const { es } = window.__sources[id];
          es.onerror = () => es.close();
          return id;
        }, url);
        await waitForEvents(page, id, has('error'));
        await sleep(QUIET);
        assert.deepEqual((await events(page, id)).map(brief), [
          { type: 'open', readyState: OPEN },
          { type: 'message', readyState: OPEN, data: 'a' },
          { type: 'error', readyState: CONNECTING },
        ]);
        assert.equal((await state(page, id)).readyState, CLOSED);
        assert.equal(server.log(key).requests.length, 1);
      });

      it('close() right after construction: no request ever reaches the server and nothing is dispatched', async () => {
        const key = uniqueKey('close-at-once');
        const url = sseUrl(server.origin, key, { chunks: ['data: x\n\n'], end: 'open' });
        const id = await page.evaluate((url) => {
          const id = window.watch(url);
          window.__sources[id].es.close();
          return id;
        }, url);
        await sleep(QUIET);
        assert.deepEqual(server.log(key).requests, []);
        assert.deepEqual(await events(page, id), []);
        assert.equal((await state(page, id)).readyState, CLOSED);
      });
    });

    describe('releasing connections', () => {
      it('1000 construct-then-close cycles make no request and leave no connection open', async () => {
        const key = uniqueKey('cycles');
        const url = sseUrl(server.origin, key, { chunks: ['data: x\n\n'], end: 'open' });
        const states = await page.evaluate((url) => {
          const seen = new Set();
          window.cycleEvents = 0;
          for (let i = 0; i < 1000; i++) {
            const es = new EventSource(url);
            es.onopen = es.onmessage = es.onerror = () => window.cycleEvents++;
            es.close();
            seen.add(es.readyState);
          }
          return [...seen];
        }, url);
        assert.deepEqual(states, [CLOSED]);
        await sleep(QUIET);
        assert.equal(server.log(key).requests.length, 0);
        assert.equal(server.log(key).open, 0);
        assert.equal(await page.evaluate(() => window.cycleEvents), 0, 'no event dispatched');
        assert.deepEqual(page.errors, []);
      });

      it('50 cycles of construct, wait for open, close leave no connection open on the server', async () => {
        const key = uniqueKey('open-cycles');
        const url = sseUrl(server.origin, key, { chunks: ['data: x\n\n'], end: 'open' });
        const opened = await page.evaluate(async (url) => {
          let opened = 0;
          for (let i = 0; i < 50; i++) {
            const es = new EventSource(url);
            const ok = await new Promise((resolve) => {
              const timer = setTimeout(() => resolve(false), 3000);
              es.onopen = () => {
                clearTimeout(timer);
                resolve(true);
              };
            });
            es.close();
            if (!ok) break;
            opened++;
          }
          return opened;
        }, url);
        assert.equal(opened, 50);
        await waitForClosedOnServer(server, key);
        assert.equal(server.log(key).requests.length, 50);
      });
    });

    describe('exceptions in listeners', () => {
      it('an exception thrown by a handler or listener is reported and does not stop later listeners or later events, like native', async () => {
        const results = {};
        for (const ctor of ['global', 'native']) {
          const key = uniqueKey(`throw-${ctor}`);
          const url = sseUrl(server.origin, key, { chunks: ['data: 1\n\n', { delay: 20 }, 'data: 2\n\n'], end: 'open' });
          await page.evaluate(([url, ctor]) => {
            const C = ctor === 'native' ? window.nativeEventSource : window.EventSource;
            const es = new C(url);
            const seen = (window[`seen_${ctor}`] = []);
            es.onopen = () => {
              throw new Error(`${ctor} onopen`);
            };
            es.onmessage = (e) => {
              seen.push(`onmessage ${e.data}`);
              throw new Error(`${ctor} onmessage ${e.data}`);
            };
            es.addEventListener('message', (e) => {
              seen.push(`listener ${e.data}`);
              throw new Error(`${ctor} listener ${e.data}`);
            });
            es.addEventListener('message', (e) => seen.push(`last ${e.data}`));
          }, [url, ctor]);
          results[ctor] = await waitFor(
            () => page.evaluate((ctor) => window[`seen_${ctor}`].length >= 6 && window[`seen_${ctor}`], ctor),
            { message: `${ctor}: six dispatches` },
          );
        }
        const expected = ['onmessage 1', 'listener 1', 'last 1', 'onmessage 2', 'listener 2', 'last 2'];
        assert.deepEqual(results.global, expected);
        assert.deepEqual(results.native, expected, 'native Chromium');
        const reported = ['onopen', 'onmessage 1', 'listener 1', 'onmessage 2', 'listener 2'].map((m) => `global ${m}`);
        await waitFor(() => reported.every((m) => page.errors.some((e) => e.message === m)), {
          message: 'every exception reported as a page error',
          describe: () => JSON.stringify(page.errors.map((e) => e.message)),
        });
      });
    });
  });
}

describe('installation', () => {
  let page;

  before(async () => {
    page = await newPage(browser);
  });

  after(async () => {
    await page?.close();
  });

  async function usable(ctor) {
    const key = uniqueKey('install');
    const id = await watch(page, sseUrl(server.origin, key, { chunks: ['data: works\n\n'], end: 'open' }), { ctor });
    const log = await waitForEvents(page, id, has('message'));
    assert.deepEqual(messages(log).map((e) => e.data), ['works']);
  }

  it('the classic script leaves an existing native EventSource untouched, and EventSourceWasm.EventSource still works', async () => {
    await gotoPlainPage(page, server.origin);
    await page.evaluate(() => {
      window.originalEventSource = window.EventSource;
    });
    await page.addScriptTag({ url: `${server.origin}/dist/eventsource-wasm.js` });
    const check = await page.evaluate(() => ({
      untouched: window.EventSource === window.originalEventSource,
      native: /\[native code\]/.test(Function.prototype.toString.call(window.EventSource)),
      isPolyfill: window.EventSourceWasm.isPolyfill(),
      ours: window.EventSourceWasm.isPolyfill(window.EventSourceWasm.EventSource),
      environmentNative: window.EventSourceWasm.environment().native,
    }));
    assert.deepEqual(check, { untouched: true, native: true, isPolyfill: false, ours: true, environmentNative: true });
    await usable('wasm');
  });

  it('the classic script installs EventSource, with the global property shape of the platform’s, where the page has none', async () => {
    await gotoPlainPage(page, server.origin);
    const nativeDescriptor = await page.evaluate(() => {
      const { value, ...rest } = Object.getOwnPropertyDescriptor(window, 'EventSource');
      delete window.EventSource;
      return rest;
    });
    await page.addScriptTag({ url: `${server.origin}/dist/eventsource-wasm.js` });
    const check = await page.evaluate(() => {
      const { value, ...descriptor } = Object.getOwnPropertyDescriptor(window, 'EventSource');
      return { isPolyfill: window.EventSourceWasm.isPolyfill(), same: value === window.EventSourceWasm.EventSource, descriptor };
    });
    assert.deepEqual(check, { isPolyfill: true, same: true, descriptor: nativeDescriptor });
    await usable('global');
  });

  it('import("/dist/auto.js") leaves an existing native EventSource untouched, and its EventSource still works', async () => {
    await gotoPlainPage(page, server.origin);
    const check = await page.evaluate(async () => {
      const original = window.EventSource;
      const m = await import('/dist/auto.js');
      window.EventSourceWasm = m;
      return { untouched: window.EventSource === original, isPolyfill: m.isPolyfill(), ours: m.isPolyfill(m.EventSource) };
    });
    assert.deepEqual(check, { untouched: true, isPolyfill: false, ours: true });
    await usable('wasm');
  });

  it('import("/dist/auto.js") installs EventSource where the page has none', async () => {
    await gotoPlainPage(page, server.origin);
    const check = await page.evaluate(async () => {
      delete window.EventSource;
      const m = await import('/dist/auto.js');
      window.EventSourceWasm = m;
      return { isPolyfill: m.isPolyfill(), same: window.EventSource === m.EventSource };
    });
    assert.deepEqual(check, { isPolyfill: true, same: true });
    await usable('global');
  });

  it('the harness’s load=auto installs the package’s EventSource', async () => {
    await gotoHarness(page, server.origin, 'auto');
    const check = await page.evaluate(() => ({
      isPolyfill: window.EventSourceWasm.isPolyfill(),
      same: window.EventSource === window.EventSourceWasm.EventSource,
    }));
    assert.deepEqual(check, { isPolyfill: true, same: true });
    await usable('global');
  });

  it('import("/dist/index.js") never touches the global EventSource', async () => {
    await gotoPlainPage(page, server.origin);
    const check = await page.evaluate(async () => {
      delete window.EventSource;
      const m = await import('/dist/index.js');
      return { global: typeof window.EventSource, isPolyfill: m.isPolyfill(m.EventSource) };
    });
    assert.deepEqual(check, { global: 'undefined', isPolyfill: true });
  });
});
