// The opt-in options (beyond the spec), in Node against the test server:
// headers (fixed, per connection, async), method and body, a custom fetch,
// the reconnection policy, beforeReconnect, heartbeatTimeout, lastEventId,
// size limits, error details and async iteration. The browser suite checks
// the same options in Chromium (tests/e2e/options.test.mjs).

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

import { startServer, sseUrl } from '../server/server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(predicate, what, timeout = 5000) {
  const start = Date.now();
  for (;;) {
    const value = await predicate();
    if (value) return value;
    if (Date.now() - start > timeout) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

let server;
let EventSource;
let events;
let reconnect;
let n = 0;
const key = (name) => `${name}-${++n}-${Date.now()}`;

before(async () => {
  server = await startServer();
  ({ EventSource, events, reconnect } = await import(join(root, 'dist/index.js')));
});
after(async () => {
  await server.close();
});

function record(es, types = []) {
  const log = [];
  es.onopen = () => log.push(['open']);
  es.onmessage = (e) => log.push(['message', e.data, e.lastEventId]);
  es.onerror = (e) => log.push(['error', es.readyState, e.reason, e.status, e.statusText]);
  for (const type of types) es.addEventListener(type, (e) => log.push([type, e.data]));
  return log;
}

const gaps = (requests) => requests.slice(1).map((r, i) => r.time - requests[i].time);

describe('headers, method, body, fetch', () => {
  test('fixed headers are sent on every request, beside Accept and Last-Event-ID', async () => {
    const k = key('headers');
    const es = new EventSource(sseUrl(server.origin, k, [{ chunks: ['retry: 20\nid: 1\ndata: a\n\n'] }, { chunks: ['data: b\n\n'], end: 'open' }]), {
      headers: { Authorization: 'Bearer fixed', 'X-Client': 'tests' },
    });
    const log = record(es);
    await waitFor(() => log.some((e) => e[1] === 'b'), 'the reconnection');
    es.close();
    const [first, second] = server.log(k).requests;
    for (const r of [first, second]) {
      assert.equal(r.headers.authorization, 'Bearer fixed');
      assert.equal(r.headers['x-client'], 'tests');
      assert.equal(r.headers.accept, 'text/event-stream');
    }
    assert.equal(second.lastEventId, '1');
  });

  test('a headers function is asked before every connection, so a token can be refreshed', async () => {
    const k = key('token');
    let issued = 0;
    const calls = [];
    const es = new EventSource(sseUrl(server.origin, k, [{ chunks: ['retry: 20\nid: 5\ndata: a\n\n'] }, { chunks: ['data: b\n\n'], end: 'open' }]), {
      headers: async (info) => {
        calls.push(info);
        await sleep(5);
        return { Authorization: `Bearer token-${++issued}` };
      },
    });
    const log = record(es);
    await waitFor(() => log.some((e) => e[1] === 'b'), 'the reconnection');
    es.close();
    const requests = server.log(k).requests;
    assert.deepEqual(requests.map((r) => r.headers.authorization), ['Bearer token-1', 'Bearer token-2']);
    assert.deepEqual(calls.map((c) => c.lastEventId), ['', '5']);
    assert.equal(calls[0].url, es.url);
  });

  test('method and body: a POST stream, as LLM APIs use; a body alone means POST', async () => {
    for (const [init, method] of [[{ method: 'POST', body: '{"prompt":"hi"}' }, 'POST'], [{ body: 'q=1' }, 'POST'], [{ method: 'PUT', body: 'x' }, 'PUT']]) {
      const k = key('post');
      const es = new EventSource(sseUrl(server.origin, k, { chunks: ['data: answer\n\n'], end: 'open' }), {
        ...init,
        headers: { 'Content-Type': 'application/json' },
      });
      const log = record(es);
      await waitFor(() => log.some((e) => e[1] === 'answer'), 'the answer');
      es.close();
      const [request] = server.log(k).requests;
      assert.equal(request.method, method);
      await waitFor(() => request.body === init.body, 'the body');
    }
  });

  test('a custom fetch function carries the requests', async () => {
    const k = key('fetch');
    const seen = [];
    const es = new EventSource(sseUrl(server.origin, k, { chunks: ['data: via custom fetch\n\n'], end: 'open' }), {
      fetch: (url, init) => {
        seen.push([url, init.method, init.headers.get('accept')]);
        return fetch(url, init);
      },
    });
    const log = record(es);
    await waitFor(() => log.some((e) => e[1] === 'via custom fetch'), 'the message');
    es.close();
    assert.deepEqual(seen, [[es.url, 'GET', 'text/event-stream']]);
  });
});

describe('reconnection policy', () => {
  test('exponential backoff doubles the delay up to maxDelay, measured at the server', async () => {
    const k = key('backoff');
    const es = new EventSource(sseUrl(server.origin, k, { drop: true }), {
      reconnect: { initialDelay: 100, maxDelay: 400, backoff: 'exponential' },
    });
    await waitFor(() => server.log(k).requests.length >= 5, 'five attempts', 8000);
    es.close();
    const [a, b, c, d] = gaps(server.log(k).requests);
    // Each gap is the delay plus a little; never shorter than the delay.
    for (const [gap, delay] of [[a, 100], [b, 200], [c, 400], [d, 400]]) {
      assert.ok(gap >= delay - 5 && gap < delay + 250, `gap ${gap} ms for a delay of ${delay} ms (${[a, b, c, d]})`);
    }
  });

  test('after maxRetries failed attempts the source fails: error, CLOSED', async () => {
    const k = key('max-retries');
    const es = new EventSource(sseUrl(server.origin, k, { drop: true }), { reconnect: { initialDelay: 20, maxRetries: 2 } });
    const log = record(es);
    await waitFor(() => es.readyState === 2, 'CLOSED');
    await sleep(150);
    assert.equal(server.log(k).requests.length, 3, 'the first attempt and two retries');
    assert.deepEqual(log.map((e) => e.slice(0, 3)), [['error', 0, 'network'], ['error', 0, 'network'], ['error', 2, 'retries']]);
  });

  test('a retry field from the server wins over the backoff', async () => {
    const k = key('server-retry');
    const es = new EventSource(sseUrl(server.origin, k, [{ chunks: ['retry: 150\ndata: x\n\n'] }, { drop: true }]), {
      reconnect: { initialDelay: 10, backoff: 'exponential' },
    });
    await waitFor(() => server.log(k).requests.length >= 4, 'four requests', 8000);
    es.close();
    for (const gap of gaps(server.log(k).requests)) assert.ok(gap >= 145 && gap < 400, `gap ${gap}`);
  });

  test('jitter lengthens the delay by up to its fraction, never shortens it', async () => {
    const k = key('jitter');
    const es = new EventSource(sseUrl(server.origin, k, { drop: true }), { reconnect: { initialDelay: 200, jitter: 0.5 } });
    await waitFor(() => server.log(k).requests.length >= 6, 'six attempts', 8000);
    es.close();
    const all = gaps(server.log(k).requests);
    for (const gap of all) assert.ok(gap >= 195 && gap < 600, `gap ${gap}`);
    assert.ok(new Set(all.map((g) => Math.round(g / 10))).size > 1, `the delays vary: ${all}`);
  });

  test('beforeReconnect sees each reconnection and may change the URL', async () => {
    const k = key('before');
    const k2 = key('before-moved');
    const moved = sseUrl(server.origin, k2, { chunks: ['data: moved\n\n'], end: 'open' });
    const infos = [];
    const es = new EventSource(sseUrl(server.origin, k, { chunks: ['retry: 20\nid: 3\ndata: first\n\n'] }), {
      beforeReconnect: (info) => {
        infos.push(info);
        return { url: moved };
      },
    });
    const log = record(es);
    await waitFor(() => log.some((e) => e[1] === 'moved'), 'the moved stream');
    es.close();
    assert.equal(es.url, sseUrl(server.origin, k, { chunks: ['retry: 20\nid: 3\ndata: first\n\n'] }), 'url stays the constructor’s');
    assert.deepEqual(infos, [{ attempt: 1, delay: 20, reason: 'ended', lastEventId: '3', url: es.url }]);
    assert.equal(server.log(k2).requests[0].lastEventId, '3');
  });

  test('beforeReconnect returning false vetoes: error with reason vetoed, CLOSED', async () => {
    const k = key('veto');
    const es = new EventSource(sseUrl(server.origin, k, { chunks: ['retry: 20\ndata: x\n\n'] }), { beforeReconnect: () => false });
    const log = record(es);
    await waitFor(() => es.readyState === 2, 'CLOSED');
    await sleep(100);
    assert.equal(server.log(k).requests.length, 1);
    assert.deepEqual(log.map((e) => e.slice(0, 3)), [['open'], ['message', 'x', ''], ['error', 0, 'ended'], ['error', 2, 'vetoed']]);
  });
});

describe('heartbeat, lastEventId, limits, error details', () => {
  test('heartbeatTimeout: silence for that long reconnects with Last-Event-ID', async () => {
    const k = key('heartbeat');
    const es = new EventSource(sseUrl(server.origin, k, [{ chunks: ['retry: 20\nid: 9\ndata: then silence\n\n'], end: 'open' }, { chunks: ['data: back\n\n'], end: 'open' }]), {
      heartbeatTimeout: 200,
    });
    const log = record(es);
    await waitFor(() => log.some((e) => e[1] === 'back'), 'the reconnection');
    es.close();
    assert.deepEqual(log.find((e) => e[0] === 'error').slice(0, 3), ['error', 0, 'timeout']);
    const [first, second] = server.log(k).requests;
    assert.equal(second.lastEventId, '9');
    assert.ok(second.time - first.time >= 200, 'not before the timeout');
  });

  test('heartbeatTimeout: comments keep the connection alive', async () => {
    const k = key('heartbeat-comments');
    const pings = Array.from({ length: 12 }, () => [{ delay: 50 }, ': ping\n']).flat();
    const es = new EventSource(sseUrl(server.origin, k, { chunks: ['data: x\n\n', ...pings], end: 'open' }), { heartbeatTimeout: 200 });
    const log = record(es);
    await sleep(700);
    es.close();
    assert.equal(server.log(k).requests.length, 1);
    assert.ok(!log.some((e) => e[0] === 'error'));
  });

  test('heartbeatTimeout also gives up on a server that never sends its head', async () => {
    const k = key('heartbeat-hang');
    const es = new EventSource(sseUrl(server.origin, k, [{ hang: true }, { chunks: ['data: ok\n\n'], end: 'open' }]), {
      heartbeatTimeout: 150,
      reconnect: { initialDelay: 10 },
    });
    const log = record(es);
    await waitFor(() => log.some((e) => e[1] === 'ok'), 'the second attempt');
    es.close();
    assert.deepEqual(log[0].slice(0, 3), ['error', 0, 'timeout']);
  });

  test('lastEventId resumes from a known ID on the very first request', async () => {
    const k = key('initial-id');
    const es = new EventSource(sseUrl(server.origin, k, { chunks: ['data: x\n\n'], end: 'open' }), { lastEventId: 'saved-42' });
    const log = record(es);
    await waitFor(() => log.length >= 2, 'the message');
    es.close();
    assert.equal(server.log(k).requests[0].lastEventId, 'saved-42');
    assert.equal(log[1][2], 'saved-42', 'and events report it until an id changes it');
  });

  test('maxLineLength and maxEventSize fail the connection with a message naming the option', async () => {
    for (const [init, body, option] of [
      [{ maxLineLength: 64 }, `data: ${'x'.repeat(100)}\n\n`, 'maxLineLength'],
      [{ maxEventSize: 64 }, `data: ${'x'.repeat(40)}\ndata: ${'y'.repeat(40)}\n\n`, 'maxEventSize'],
    ]) {
      const k = key('limit');
      const es = new EventSource(sseUrl(server.origin, k, { chunks: ['data: small\n\n', body], end: 'open' }), init);
      let message;
      es.addEventListener('error', (e) => (message = e.message));
      const log = record(es);
      await waitFor(() => es.readyState === 2, 'CLOSED');
      assert.deepEqual(log.map((e) => e.slice(0, 3)), [['open'], ['message', 'small', ''], ['error', 2, 'limit']]);
      assert.match(message, new RegExp(`${option} \\(64 bytes\\)`));
    }
  });

  test('error events carry status and statusText on an HTTP failure', async () => {
    const k = key('status');
    const es = new EventSource(sseUrl(server.origin, k, { status: 503 }));
    const log = record(es);
    await waitFor(() => log.length >= 1, 'the error');
    assert.deepEqual(log[0], ['error', 2, 'status', 503, 'Service Unavailable']);
  });

  test('bad option values are TypeErrors that say which option and what it takes', () => {
    for (const [init, pattern] of [
      [{ heartbeatTimeout: -1 }, /heartbeatTimeout option must be a non-negative number/],
      [{ heartbeatTimeout: 0 }, /heartbeatTimeout option must be a positive number/],
      [{ reconnect: { backoff: 'fibonacci' } }, /reconnect.backoff option must be 'exponential' or 'none'/],
      [{ reconnect: { jitter: 2 } }, /reconnect.jitter option must be a number from 0 to 1/],
      [{ headers: 'Authorization: x' }, /headers option must be/],
      [{ fetch: 'nope' }, /fetch option must be a function/],
      [{ maxEventSize: 'big' }, /maxEventSize option must be a non-negative number/],
    ]) {
      assert.throws(() => new EventSource(server.origin, init), (e) => e instanceof TypeError && pattern.test(e.message), JSON.stringify(init));
    }
  });
});

describe('async iteration', () => {
  test('for await yields the messages in order and ends when the source closes', async () => {
    const k = key('iterate');
    const es = new EventSource(sseUrl(server.origin, k, { chunks: ['data: 1\n\ndata: 2\n\nevent: other\ndata: skip\n\ndata: 3\n\n'], end: 'open' }));
    const seen = [];
    for await (const event of es) {
      seen.push(event.data);
      if (event.data === '3') es.close();
    }
    assert.deepEqual(seen, ['1', '2', '3']);
  });

  test('events(source, { types }) yields the chosen types and ends when the connection fails', async () => {
    const k = key('iterate-types');
    const es = new EventSource(sseUrl(server.origin, k, [{ chunks: ['retry: 10\nevent: a\ndata: A1\n\ndata: m\n\nevent: b\ndata: B1\n\n'] }, { status: 404 }]));
    const seen = [];
    for await (const event of events(es, { types: ['a', 'b'] })) seen.push(`${event.type}:${event.data}`);
    assert.deepEqual(seen, ['a:A1', 'b:B1']);
    assert.equal(es.readyState, 2);
  });

  test('breaking out of the loop stops listening; the source stays open', async () => {
    const k = key('iterate-break');
    const es = new EventSource(sseUrl(server.origin, k, { chunks: ['data: 1\n\ndata: 2\n\n'], end: 'open' }));
    for await (const event of es) {
      assert.equal(event.data, '1');
      break;
    }
    assert.equal(es.readyState, 1);
    es.close();
  });
});

describe('onComment: comment lines, on request', () => {
  test('onComment gets each comment line’s text in stream order among the events, with the source as this; without it nothing changes', async () => {
    const k = key('comments');
    const chunks = [':ok\n\n', 'data: a\n\n', { delay: 30 }, ': keep-alive\n', 'data: b\n:  inside\n\n'];
    const url = sseUrl(server.origin, k, { chunks, end: 'open' });
    const seen = [];
    let self;
    const es = new EventSource(url, {
      onComment(text) {
        self = this;
        seen.push(['comment', text]);
      },
    });
    es.onmessage = (e) => seen.push(['message', e.data]);
    await waitFor(() => seen.some((e) => e[1] === 'b'), 'the second message');
    es.close();
    assert.deepEqual(seen, [['comment', 'ok'], ['message', 'a'], ['comment', 'keep-alive'], ['comment', ' inside'], ['message', 'b']]);
    assert.equal(self, es);
    const plain = new EventSource(sseUrl(server.origin, key('no-comments'), { chunks, end: 'open' }));
    const log = record(plain);
    await waitFor(() => log.some((e) => e[1] === 'b'), 'the second message');
    plain.close();
    assert.deepEqual(log, [['open'], ['message', 'a', ''], ['message', 'b', '']]);
    assert.throws(() => new EventSource('http://127.0.0.1:1/x', { onComment: 'yes' }), /onComment option must be a function/);
  });
});

describe('reconnect(source): a new connection on request', () => {
  test('drops an open stream and connects at once with Last-Event-ID, asking headers again, with no error event', async () => {
    const k = key('reconnect');
    const calls = [];
    const es = new EventSource(sseUrl(server.origin, k, [{ chunks: ['id: 5\ndata: a\n\n'], end: 'open' }, { chunks: ['data: b\n\n'], end: 'open' }]), {
      headers: ({ lastEventId }) => (calls.push(lastEventId), { 'X-Call': `${calls.length}` }),
    });
    const log = record(es);
    const opens = [];
    es.addEventListener('open', (e) => opens.push([e.reopened, e.resumedFrom]));
    await waitFor(() => log.some((e) => e[1] === 'a'), 'the first message');
    const before = Date.now();
    reconnect(es);
    assert.equal(es.readyState, 0, 'CONNECTING at once');
    await waitFor(() => log.some((e) => e[1] === 'b'), 'the new connection');
    es.close();
    const requests = server.log(k).requests;
    assert.deepEqual(requests.map((r) => [r.lastEventId, r.headers['x-call']]), [[null, '1'], ['5', '2']]);
    assert.ok(requests[1].time - before < 1000, 'at once, not after the reconnection time');
    assert.deepEqual(calls, ['', '5']);
    assert.deepEqual(log, [['open'], ['message', 'a', '5'], ['open'], ['message', 'b', '5']], 'no error event');
    assert.deepEqual(opens, [[false, ''], [true, '5']]);
  });

  test('cancels the wait before a reconnection, and does nothing on a CLOSED source', async () => {
    const k = key('reconnect-wait');
    const es = new EventSource(sseUrl(server.origin, k, [{ chunks: ['retry: 60000\nid: 1\ndata: a\n\n'] }, { chunks: ['data: b\n\n'], end: 'open' }]));
    const log = record(es);
    await waitFor(() => log.some((e) => e[0] === 'error'), 'the end of the first response');
    reconnect(es);
    await waitFor(() => log.some((e) => e[1] === 'b'), 'the reconnection, long before 60 s');
    es.close();
    reconnect(es);
    await sleep(100);
    assert.equal(es.readyState, 2);
    assert.equal(server.log(k).requests.length, 2);
    assert.equal(server.log(k).requests[1].lastEventId, '1');
    assert.throws(() => reconnect({}), /reconnect\(\) takes an EventSource of this package/);
  });
});

describe('resuming a request-started stream with another request', () => {
  test('beforeReconnect may return { url, method }: POST the prompt once, then GET the rest with Last-Event-ID', async () => {
    const k = key('resume');
    const url = sseUrl(server.origin, k, [{ chunks: ['retry: 20\nid: 3\ndata: a\n\n'] }, { chunks: ['data: b\n\n'], end: 'open' }]);
    const es = new EventSource(url, {
      method: 'POST',
      body: '{"prompt":"x"}',
      beforeReconnect: () => ({ url: `${url}&resume=1`, method: 'GET' }),
    });
    const log = record(es);
    await waitFor(() => log.some((e) => e[1] === 'b'), 'the resumed stream');
    es.close();
    const [post, get] = server.log(k).requests;
    assert.equal(post.method, 'POST');
    assert.equal(post.body, '{"prompt":"x"}');
    assert.equal(get.method, 'GET');
    assert.equal(get.body, '', 'the GET carries no body');
    assert.equal(get.lastEventId, '3');
    assert.match(get.url, /&resume=1$/);
  });

  test('a POSTed stream that the server ends is not sent again: one error, reason unrepeatable, CLOSED', async () => {
    const k = key('once');
    const plan = { chunks: ['retry: 20\nid: 1\ndata: a\n\nid: 2\ndata: b\n\n'] };
    const es = new EventSource(sseUrl(server.origin, k, plan), { method: 'POST', body: '{"prompt":"x"}' });
    let error;
    es.addEventListener('error', (e) => (error = e));
    const log = record(es);
    await waitFor(() => es.readyState === 2, 'CLOSED');
    await sleep(200);
    assert.deepEqual(server.log(k).requests.map((r) => r.method), ['POST'], 'one POST, even with retry: 20');
    assert.deepEqual(log, [['open'], ['message', 'a', '1'], ['message', 'b', '2'], ['error', 2, 'unrepeatable', 0, '']]);
    assert.match(error.message, /server ended the response/);
    assert.match(error.message, /POST request with a body is not sent again/);
    assert.match(error.message, /beforeReconnect/);
    assert.match(error.message, /reconnect: \{ resend: true \}/);
  });

  test('a POST whose beforeReconnect answers nothing is asked once, before the error, then closes', async () => {
    const k = key('once-hook');
    const infos = [];
    const es = new EventSource(sseUrl(server.origin, k, { chunks: ['retry: 20\nid: 4\ndata: a\n\n'] }), {
      body: 'prompt',
      beforeReconnect: (info) => {
        infos.push([info.reason, es.readyState, log.length]);
      },
    });
    const log = record(es);
    await waitFor(() => es.readyState === 2, 'CLOSED');
    await sleep(200);
    assert.equal(server.log(k).requests.length, 1);
    // Asked before the error event, which is what changes readyState.
    assert.deepEqual(infos, [['ended', 1, 2]], 'asked after the message, before any error event');
    assert.deepEqual(log, [['open'], ['message', 'a', '4'], ['error', 2, 'unrepeatable', 0, '']]);
  });

  test('a POST whose beforeReconnect returns {} is sent again, and the hook is asked each time', async () => {
    const k = key('once-same');
    let asked = 0;
    const es = new EventSource(sseUrl(server.origin, k, { chunks: ['retry: 20\ndata: a\n\n'] }), {
      body: 'prompt',
      beforeReconnect: () => (++asked < 3 ? {} : undefined),
    });
    const log = record(es);
    await waitFor(() => es.readyState === 2, 'CLOSED');
    const requests = server.log(k).requests;
    assert.deepEqual(requests.map((r) => [r.method, r.body]), [['POST', 'prompt'], ['POST', 'prompt'], ['POST', 'prompt']]);
    assert.equal(asked, 3);
    assert.deepEqual(log.filter((e) => e[0] === 'error').map((e) => e.slice(1, 3)), [[0, 'ended'], [0, 'ended'], [2, 'unrepeatable']]);
  });

  test('reconnect.resend: true sends an idempotent request with a body again, as a GET is', async () => {
    const k = key('resend');
    const es = new EventSource(sseUrl(server.origin, k, [{ chunks: ['retry: 20\nid: 1\ndata: a\n\n'] }, { chunks: ['data: b\n\n'], end: 'open' }]), {
      method: 'REPORT',
      body: '<feed/>',
      reconnect: { resend: true },
    });
    const log = record(es);
    await waitFor(() => log.some((e) => e[1] === 'b'), 'the second response');
    es.close();
    const requests = server.log(k).requests;
    assert.deepEqual(requests.map((r) => [r.method, r.body, r.lastEventId]), [['REPORT', '<feed/>', null], ['REPORT', '<feed/>', '1']]);
    assert.deepEqual(log.filter((e) => e[0] === 'error').map((e) => e.slice(1, 3)), [[0, 'ended']]);
    assert.throws(() => new EventSource('http://127.0.0.1:1/x', { reconnect: { resend: 'yes' } }), /reconnect\.resend option must be a boolean/);
  });

  test('shared and persistLastEventId in Node: without Web Locks each source holds its own connection, and says so', async () => {
    const k = key('node-shared');
    const es = new EventSource(sseUrl(server.origin, k, { chunks: ['id: 1\ndata: a\n\n'], end: 'open' }), { shared: true });
    const log = record(es);
    await waitFor(() => log.some((e) => e[1] === 'a'), 'the message');
    const { sharing, environment } = await import(join(root, 'dist/index.js'));
    // Node 20 has BroadcastChannel but no navigator.locks.
    const can = environment().shared;
    assert.equal(can, typeof globalThis.navigator?.locks?.request === 'function');
    if (!can) assert.deepEqual(sharing(es), { mode: 'own', leading: true });
    es.close();
    assert.throws(() => new EventSource('http://127.0.0.1:1/x', { persistLastEventId: 'session' }), /needs sessionStorage/);
    assert.throws(() => new EventSource('http://127.0.0.1:1/x', { shared: 3 }), /shared option must be/);
  });

  test('shared: true refuses a request it cannot compare in Node too, where each source holds its own connection; a key accepts it', () => {
    // The same code must not construct in one runtime and throw in another.
    const url = 'http://127.0.0.1:1/x';
    assert.throws(() => new EventSource(url, { shared: true, headers: () => ({}) }), {
      name: 'TypeError',
      message: /shared: true shares a connection only among sources whose requests are the same .* headers given by a function cannot be compared; give it as a value, or pass shared: 'a key'/,
    });
    assert.throws(() => new EventSource(url, { shared: true, fetch: globalThis.fetch }), /a fetch function \(it may send anything\) cannot be compared/);
    assert.throws(() => new EventSource(url, { shared: true, body: new Blob(['x']) }), /a Blob body cannot be compared/);
    const keyed = new EventSource(url, { shared: 'mine', headers: () => ({}), fetch: globalThis.fetch, body: new Blob(['x']) });
    keyed.close();
    new EventSource(url, { shared: true, body: new URLSearchParams('a=1'), headers: { Authorization: 'Bearer a' } }).close();
  });
});
