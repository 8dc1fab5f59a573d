// What every runtime test runs inside its runtime (Bun, Deno, a workerd
// worker): an EventSource class against the scriptable test server
// (tests/server/server.mjs), reporting what it saw as plain data, which the
// Node test that started the runtime checks. Uses only web platform APIs.

function plan(specs) {
  return btoa(JSON.stringify(specs)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function sseUrl(origin, key, specs) {
  return `${origin}/sse?key=${encodeURIComponent(key)}&plan=${plan(specs)}`;
}

async function requestsOf(origin, key) {
  const response = await fetch(`${origin}/log?key=${encodeURIComponent(key)}`);
  const { requests } = await response.json();
  return requests.map((r) => ({ method: r.method, lastEventId: r.lastEventId, test: r.headers['x-test'] ?? null, body: r.body }));
}

// Everything a source dispatches, counted per handler and per listener:
// where the platform's EventTarget calls on<type> itself, a handler that
// were also a listener would be counted twice. Resolves (closing the
// source) once `until` holds, after the dispatch that made it hold.
function watch(es, until) {
  const seen = { onopen: 0, onmessage: 0, onerror: 0, open: 0, message: 0, error: 0, events: [], errors: [] };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      es.close();
      reject(new Error(`timed out; saw ${JSON.stringify(seen)}`));
    }, 8000);
    let done = false;
    const check = () => {
      if (done || !until(seen)) return;
      done = true;
      Promise.resolve().then(() => {
        clearTimeout(timer);
        es.close();
        resolve(seen);
      });
    };
    es.onopen = () => {
      seen.onopen++;
    };
    es.onmessage = () => {
      seen.onmessage++;
    };
    es.onerror = () => {
      seen.onerror++;
    };
    es.addEventListener('open', () => seen.open++);
    for (const type of ['message', 'update']) {
      es.addEventListener(type, (e) => {
        if (type === 'message') seen.message++;
        seen.events.push([e.type, e.data, e.lastEventId]);
        check();
      });
    }
    es.addEventListener('error', (e) => {
      seen.error++;
      seen.errors.push([e.reason, es.readyState]);
    });
  });
}

/** Events, reconnection with Last-Event-ID, and a POST with a header. */
export async function scenario(EventSource, origin, name, { post = true } = {}) {
  const key = (what) => `${name}-${what}-${Date.now()}-${Math.random()}`;
  const out = {};

  const k1 = key('events');
  out.events = await watch(
    new EventSource(sseUrl(origin, k1, [{ chunks: ['id: 1\ndata: one\n\nevent: update\ndata: two\n\n', 'id: 3\ndata: thr', 'ee\n\n'], end: 'open' }])),
    (seen) => seen.message === 2,
  );

  const k2 = key('reconnect');
  out.reconnect = await watch(
    new EventSource(sseUrl(origin, k2, [{ chunks: ['retry: 50\nid: 7\ndata: first\n\n'], end: 'close' }, { chunks: ['id: 8\ndata: second\n\n'], end: 'open' }])),
    (seen) => seen.message === 2,
  );
  out.reconnect.requests = await requestsOf(origin, k2);

  if (!post) return out;
  const k3 = key('post');
  out.post = await watch(
    new EventSource(sseUrl(origin, k3, [{ chunks: ['data: answer\n\n'], end: 'open' }]), { method: 'POST', body: 'prompt', headers: { 'X-Test': 'yes' } }),
    (seen) => seen.message === 1,
  );
  out.post.requests = await requestsOf(origin, k3);
  return out;
}

/** What `scenario` must report, in every runtime. */
export const EXPECTED = {
  events: { onopen: 1, onmessage: 2, onerror: 0, open: 1, message: 2, error: 0, events: [['message', 'one', '1'], ['update', 'two', '1'], ['message', 'three', '3']], errors: [] },
  reconnect: {
    onopen: 2,
    onmessage: 2,
    onerror: 1,
    open: 2,
    message: 2,
    error: 1,
    events: [['message', 'first', '7'], ['message', 'second', '8']],
    errors: [['ended', 0]],
    requests: [
      { method: 'GET', lastEventId: null, test: null, body: '' },
      { method: 'GET', lastEventId: '7', test: null, body: '' },
    ],
  },
  post: { onopen: 1, onmessage: 1, onerror: 0, open: 1, message: 1, error: 0, events: [['message', 'answer', '']], errors: [], requests: [{ method: 'POST', lastEventId: null, test: 'yes', body: 'prompt' }] },
};
