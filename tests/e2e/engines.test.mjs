// The core behaviour in the two engines besides Chromium: Gecko (Debian's
// firefox-esr over WebDriver BiDi) and WebKit (Debian's WebKitWebDriver and
// MiniBrowser under xvfb), each on the harness page with the package as an ES
// module over streaming fetch, and as the classic script forced onto XHR.
// Each case gives the same stream to the engine's own EventSource (kept by
// the harness as window.nativeEventSource) and expects both to dispatch the
// same events (HTML §9.2). An engine that cannot start fails its tests and
// says why: a silently skipped engine would not be tested.

import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { launchFirefox, launchWebKit } from './engines.mjs';
import { startServer } from '../server/server.mjs';
import { sseUrl, uniqueKey } from './helpers.mjs';

const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 2;

let server;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.close();
});

/**
 * Runs in the page: one source of ours (the page's EventSource) and, with
 * `nativeUrl`, one of the engine's own, each recording what it dispatches
 * until `stop.count` events of `stop.type` came (with `stop.readyState`, if
 * given), then `stop.settle` ms more (to catch what must not follow), then
 * closed. Resolves with both logs.
 */
async function scenario({ url, nativeUrl, init, types, stop, timeout }) {
  const record = (C, u) =>
    new Promise((resolve) => {
      const es = init ? new C(u, init) : new C(u);
      const log = [];
      let finishing = false;
      const finish = () => {
        es.close();
        resolve(log);
      };
      const timer = setTimeout(() => {
        log.push({ type: 'timeout', readyState: es.readyState });
        finish();
      }, timeout);
      for (const type of new Set(['open', 'message', 'error', ...types])) {
        es.addEventListener(type, (e) => {
          log.push({ type: e.type, readyState: es.readyState, data: typeof e.data === 'string' ? e.data : null, lastEventId: typeof e.lastEventId === 'string' ? e.lastEventId : null });
          const n = log.filter((x) => x.type === stop.type).length;
          if (!finishing && n >= stop.count && (stop.readyState === undefined || es.readyState === stop.readyState)) {
            finishing = true;
            clearTimeout(timer);
            setTimeout(finish, stop.settle || 0);
          }
        });
      }
    });
  const [ours, native] = await Promise.all([record(window.EventSource, url), nativeUrl ? record(window.nativeEventSource, nativeUrl) : null]);
  return { ours, native, xhrOpens: window.__xhrOpens, isNative: window.EventSource === window.nativeEventSource };
}

const brief = (e) => {
  const out = { type: e.type, readyState: e.readyState };
  if (e.data !== null) out.data = e.data;
  if (e.type !== 'open' && e.type !== 'error') out.lastEventId = e.lastEventId;
  return out;
};

const bytes = (...parts) => ({ bytes: parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p, 'utf8')] : p)) });

const ENGINES = [
  ['gecko', launchFirefox],
  ['webkit', launchWebKit],
];

const VARIANTS = [
  ['ES module, streaming fetch', 'esm', '', 'fetch'],
  ['classic script, forced XHR', 'script', '&transport=xhr', 'xhr'],
];

for (const [engineId, launchEngine] of ENGINES) {
  describe(`in ${engineId === 'gecko' ? 'Gecko (Debian firefox-esr over WebDriver BiDi)' : 'WebKit (Debian WebKitWebDriver + MiniBrowser under xvfb)'}`, () => {
    let engine;
    let launchError;
    before(async () => {
      try {
        engine = await launchEngine();
        console.log(`${engineId}: ${engine.name} ${engine.version}`);
      } catch (error) {
        launchError = error;
      }
    });
    after(async () => {
      await engine?.close();
    });

    const page = () => {
      if (launchError) throw new Error(`${engineId} could not be started, so the package is not tested in it: ${launchError.message}`, { cause: launchError });
      return engine;
    };

    it('starts, so that its tests run (an engine missing here fails, never skips), and is the engine it claims', async () => {
      const e = page();
      assert.ok(e.version, 'the engine reports its version');
      await e.goto(`${server.origin}/tests/pages/blank.html`);
      const agent = await e.evaluate(() => navigator.userAgent);
      if (engineId === 'gecko') assert.match(agent, /Gecko\/\d+ Firefox\//, agent);
      else assert.ok(/AppleWebKit\//.test(agent) && !/Chrome\//.test(agent), `a WebKit user agent, not Chromium's: ${agent}`);
    });

    for (const [variantName, load, extra, transport] of VARIANTS) {
      describe(variantName, () => {
        beforeEach(async () => {
          if (!engine) return;
          await engine.goto(`${server.origin}/tests/pages/harness.html?load=${load}${extra}`);
          await engine.evaluate(() => window.loaded.then(() => true));
        });

        /** Our source and the engine's on `plan` (each under its own key). */
        async function both(name, plan, { init, types = [], stop, timeout = 8000, native = true } = {}) {
          const e = page();
          const key = uniqueKey(`${engineId}-${name}`);
          const nativeKey = `${key}~native`;
          const result = await e.evaluate(scenario, {
            url: sseUrl(server.origin, key, plan),
            nativeUrl: native ? sseUrl(server.origin, nativeKey, plan) : null,
            init: init ?? null,
            types,
            stop,
            timeout,
          });
          assert.equal(result.isNative, false, 'the page runs the package’s EventSource, not the engine’s');
          if (transport === 'xhr') assert.ok(result.xhrOpens >= 1, 'the stream went over XHR');
          else assert.equal(result.xhrOpens, 0, 'the stream went over fetch (no XHR at all)');
          return { ...result, key, nativeKey };
        }

        it('dispatches open, then messages with their data and last event ID, like the engine’s own EventSource', async () => {
          const plan = { chunks: ['data: one\n\n', 'id: 7\ndata: two\ndata: lines\n\n', ': a comment\ndata: three\n\n'], end: 'open' };
          const { ours, native } = await both('events', plan, { stop: { type: 'message', count: 3 } });
          const expected = [
            { type: 'open', readyState: OPEN },
            { type: 'message', readyState: OPEN, data: 'one', lastEventId: '' },
            { type: 'message', readyState: OPEN, data: 'two\nlines', lastEventId: '7' },
            { type: 'message', readyState: OPEN, data: 'three', lastEventId: '7' },
          ];
          assert.deepEqual(ours.map(brief), expected);
          assert.deepEqual(native.map(brief), expected, 'the engine’s own EventSource');
        });

        it('dispatches custom event types to their listeners and nothing for types nobody listens to, like the engine’s own', async () => {
          const plan = { chunks: ['event: ping\ndata: p\n\n', 'event: other\ndata: unheard\n\n', 'data: m\n\n'], end: 'open' };
          const { ours, native } = await both('types', plan, { types: ['ping'], stop: { type: 'message', count: 1 } });
          const expected = [
            { type: 'open', readyState: OPEN },
            { type: 'ping', readyState: OPEN, data: 'p', lastEventId: '' },
            { type: 'message', readyState: OPEN, data: 'm', lastEventId: '' },
          ];
          assert.deepEqual(ours.map(brief), expected);
          assert.deepEqual(native.map(brief), expected, 'the engine’s own EventSource');
        });

        it('decodes UTF-8 split across chunks, and an invalid byte as U+FFFD, like the engine’s own', async () => {
          const plan = {
            chunks: [bytes('data: caf', [0xc3]), { delay: 60 }, bytes([0xa9], '\ndata: ', [0xe2, 0x82]), { delay: 60 }, bytes([0xac], ' ', [0xff], '\n\n')],
            end: 'open',
          };
          const { ours, native } = await both('utf8', plan, { stop: { type: 'message', count: 1 } });
          const expected = [
            { type: 'open', readyState: OPEN },
            { type: 'message', readyState: OPEN, data: 'café\n€ \uFFFD', lastEventId: '' },
          ];
          assert.deepEqual(ours.map(brief), expected);
          assert.deepEqual(native.map(brief), expected, 'the engine’s own EventSource');
        });

        it('reconnects after the server ends the stream, after the retry delay it set, sending Last-Event-ID, like the engine’s own', async () => {
          const plan = [{ chunks: ['retry: 300\nid: 42\ndata: first\n\n'] }, { chunks: ['data: second\n\n'], end: 'open' }];
          const { ours, native, key, nativeKey } = await both('reconnect', plan, { stop: { type: 'message', count: 2 } });
          const expected = [
            { type: 'open', readyState: OPEN },
            { type: 'message', readyState: OPEN, data: 'first', lastEventId: '42' },
            { type: 'error', readyState: CONNECTING },
            { type: 'open', readyState: OPEN },
            { type: 'message', readyState: OPEN, data: 'second', lastEventId: '42' },
          ];
          assert.deepEqual(ours.map(brief), expected);
          assert.deepEqual(native.map(brief), expected, 'the engine’s own EventSource');
          for (const [who, k] of [['ours', key], ['native', nativeKey]]) {
            const requests = server.log(k).requests;
            assert.equal(requests.length, 2, `${who}: two requests`);
            assert.equal(requests[0].lastEventId, null, `${who}: no Last-Event-ID on the first request`);
            assert.equal(requests[1].lastEventId, '42', `${who}: Last-Event-ID on the reconnection`);
            const gap = requests[1].time - requests[0].time;
            assert.ok(gap >= 290, `${who}: reconnected after ${gap} ms, before the 300 ms the stream's retry field set`);
          }
        });

        for (const [what, spec] of [
          ['HTTP 204', { status: 204 }],
          ['a Content-Type other than text/event-stream', { type: 'text/plain', chunks: ['retry: 50\ndata: not for you\n\n'] }],
        ]) {
          it(`fails on ${what}: one error event, CLOSED, no reconnection, like the engine’s own`, async () => {
            const { ours, native, key, nativeKey } = await both('fail', spec, { stop: { type: 'error', count: 1, readyState: CLOSED, settle: 400 } });
            const expected = [{ type: 'error', readyState: CLOSED }];
            assert.deepEqual(ours.map(brief), expected);
            assert.deepEqual(native.map(brief), expected, 'the engine’s own EventSource');
            assert.equal(server.log(key).requests.length, 1, 'ours made one request');
            assert.equal(server.log(nativeKey).requests.length, 1, 'native made one request');
          });
        }

        it('POSTs a body with request headers (which the engine’s own EventSource cannot)', async () => {
          const plan = { chunks: ['data: answer\n\n'], end: 'open' };
          const init = { method: 'POST', headers: { 'X-Request-Token': 'abc123', 'Content-Type': 'application/json' }, body: '{"prompt":"hello"}' };
          const { ours, key } = await both('post', plan, { init, native: false, stop: { type: 'message', count: 1 } });
          assert.deepEqual(ours.map(brief), [
            { type: 'open', readyState: OPEN },
            { type: 'message', readyState: OPEN, data: 'answer', lastEventId: '' },
          ]);
          const [request] = server.log(key).requests;
          assert.equal(request.method, 'POST');
          assert.equal(request.headers['x-request-token'], 'abc123');
          assert.equal(request.headers['content-type'], 'application/json');
          assert.equal(request.headers.accept, 'text/event-stream');
          assert.equal(request.body, '{"prompt":"hello"}');
        });
      });
    }
  });
}
