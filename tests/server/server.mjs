// The test server: static files (dist/, tests/pages/, www/, the built Rust
// examples in build/examples/) and a scriptable event-stream endpoint, on
// two ports (two origins) so cross-origin and CORS behaviour can be
// tested. Started by the test runner, the wasm browser
// tests and the Node tests; loopback only.
//
// GET /sse?key=K&plan=P
//   P is base64url(JSON) of an array of connection specs; the n-th request
//   made with key K gets P[n] (the last spec repeats). A spec:
//   {
//     status: 200, type: 'text/event-stream' (null: no Content-Type),
//     headers: {...}, cors: true|'credentials'|false, redirect: 'URL' (with status 3xx),
//     delay: ms before the head, hang: true (never answer),
//     drop: true (destroy the socket before any response: a network error),
//     chunks: ['text' | {delay: ms} | {bytes: [..]} | {repeat: n, text: '...'}
//              | {repeat: n, every: ms, text: '...'} (one write every ms)],
//     proxy: {block: bytes} | {interval: ms}, with gzip: true optionally: a
//       buffering intermediary between the stream and the client (see
//       `buffered` below); the head still goes out at once
//     end: 'close' (default) | 'reset' | 'open' (keep open until the client goes)
//     auth: 'user:password' (HTTP Basic: answer 401 with a Basic challenge until
//       a request carries these credentials; a 401 does not use up a spec)
//     echo: true ('{authorization}' in a text chunk is written as the request's
//       Authorization header, '-' for none: whose request brought the event)
//   }
// GET /numbers?key=K&total=N&size=B&end=close|open&cors=1
//   Events `id: i` / `data: i` (padded to B bytes), i = 1..N, resuming after
//   the Last-Event-ID the request carries: a server that loses nothing.
// GET /ticks?key=K&every=ms&per=n&total=N&cors=1
//   Like /numbers, but paced: `per` events every `every` ms (default 1 and
//   20), resuming after Last-Event-ID, open until N is sent (then it ends).
//   For the shared-stream tests: the log counts connections as they come
//   and go. echo=1 ends each event's data with the request's Authorization
//   header ('-' for none): whose request brought it.
// GET /log?key=K   → {requests: [{n, method, url, headers, lastEventId}], open: n}
// GET /reset-log   → forget every key

import { createServer } from 'node:http';
import { createGzip } from 'node:zlib';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const STATIC_ROOTS = ['dist', 'tests/pages', 'www', 'node_modules/.cache/e2e', 'test-artifacts/pages', 'test-artifacts/hooks-dist', 'build/examples'];
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** A free loopback port (for a child process that must be told one). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

export function encodePlan(plan) {
  return Buffer.from(JSON.stringify(plan)).toString('base64url');
}

/** The URL of the scriptable stream on `origin` for `key` following `plan`. */
export function sseUrl(origin, key, plan) {
  return `${origin}/sse?key=${encodeURIComponent(key)}&plan=${encodePlan(Array.isArray(plan) ? plan : [plan])}`;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * A buffering intermediary in front of `res` (what nginx's proxy buffers, a
 * CDN or compression middleware do to an event stream): it holds what the
 * stream writes and passes it on `block` bytes at a time, exactly, cut
 * wherever the block fills, or all it holds every `interval` ms; with
 * `gzip`, compressed (the caller sets Content-Encoding), flushed as it
 * passes bytes on. Returns {write, end, stop}.
 */
function buffered(res, { block, interval, gzip }) {
  const zipped = gzip ? createGzip() : null;
  if (zipped) zipped.pipe(res);
  const out = zipped || res;
  let held = Buffer.alloc(0);
  const pass = (bytes) => {
    out.write(bytes);
    if (zipped) zipped.flush();
  };
  const timer = interval
    ? setInterval(() => {
        if (held.length === 0) return;
        pass(held);
        held = Buffer.alloc(0);
      }, interval)
    : null;
  return {
    write(chunk) {
      held = Buffer.concat([held, Buffer.from(chunk)]);
      while (block && held.length >= block) {
        pass(held.subarray(0, block));
        held = held.subarray(block);
      }
    },
    end() {
      clearInterval(timer);
      if (held.length) out.write(held);
      out.end();
    },
    stop() {
      clearInterval(timer);
    },
  };
}

export async function startServer({ port = 0, crossPort = 0, host = '127.0.0.1' } = {}) {
  const logs = new Map();
  const sockets = new Set();

  function logFor(key) {
    if (!logs.has(key)) logs.set(key, { requests: [], open: 0 });
    return logs.get(key);
  }

  // Open stream sockets by key, so a test can cut them when it chooses
  // (after the client has seen what it must see first).
  const liveSockets = new Map();
  function track(key, req, res) {
    if (!liveSockets.has(key)) liveSockets.set(key, new Set());
    const set = liveSockets.get(key);
    set.add(req.socket);
    res.on('close', () => set.delete(req.socket));
  }

  function corsHeaders(req, cors) {
    if (!cors) return {};
    const origin = req.headers.origin;
    if (cors === 'credentials') {
      return { 'Access-Control-Allow-Origin': origin || '*', 'Access-Control-Allow-Credentials': 'true', Vary: 'Origin' };
    }
    return { 'Access-Control-Allow-Origin': origin && cors === 'origin' ? origin : '*' };
  }

  async function serveStream(req, res, url) {
    const key = url.searchParams.get('key') || 'default';
    let plan;
    try {
      plan = JSON.parse(Buffer.from(url.searchParams.get('plan') || 'W3t9XQ', 'base64url').toString('utf8'));
    } catch {
      res.writeHead(400).end('bad plan');
      return;
    }
    const log = logFor(key);
    const n = log.requests.length - (log.challenged || 0);
    const spec = plan[Math.min(n, plan.length - 1)] || {};
    // Header values arrive as latin1 strings of the raw bytes; the last event
    // ID is sent as UTF-8, so decode it back.
    const rawId = req.headers['last-event-id'];
    const entry = {
      n,
      method: req.method,
      url: req.url,
      headers: req.headers,
      lastEventId: rawId === undefined ? null : Buffer.from(rawId, 'latin1').toString('utf8'),
      time: Date.now(),
      body: '',
    };
    log.requests.push(entry);
    req.setEncoding('utf8');
    req.on('data', (text) => (entry.body += text));
    if (spec.drop) {
      req.socket.destroy();
      return;
    }
    if (spec.auth && req.method !== 'OPTIONS' && req.headers.authorization !== `Basic ${Buffer.from(spec.auth, 'utf8').toString('base64')}`) {
      log.challenged = (log.challenged || 0) + 1;
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="sse tests", charset="UTF-8"', 'Content-Type': 'text/plain', ...corsHeaders(req, spec.cors) });
      res.end('credentials, please');
      return;
    }
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        ...corsHeaders(req, spec.cors),
        'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] || '',
        'Access-Control-Allow-Methods': 'GET, POST',
      });
      res.end();
      return;
    }
    log.open++;
    let closed = false;
    res.on('close', () => {
      closed = true;
      log.open--;
    });
    track(key, req, res);
    if (spec.hang) return; // never answer; the client must give up or close
    if (spec.delay) await sleep(spec.delay);
    if (closed) return;
    const headers = { 'Cache-Control': 'no-store', ...corsHeaders(req, spec.cors), ...(spec.headers || {}) };
    if (spec.type !== null) headers['Content-Type'] = spec.type === undefined ? 'text/event-stream' : spec.type;
    if (spec.redirect) headers.Location = spec.redirect;
    if (spec.proxy?.gzip) headers['Content-Encoding'] = 'gzip';
    res.writeHead(spec.status || 200, headers);
    if (spec.flushHeaders !== false) res.flushHeaders();
    const out = spec.proxy ? buffered(res, spec.proxy) : res;
    res.on('close', () => out.stop?.());
    for (const chunk of spec.chunks || []) {
      if (closed) return;
      if (typeof chunk === 'string') out.write(spec.echo ? chunk.replaceAll('{authorization}', req.headers.authorization || '-') : chunk);
      else if (chunk.delay) await sleep(chunk.delay);
      else if (chunk.bytes) out.write(Buffer.from(chunk.bytes));
      else if (chunk.repeat) {
        for (let i = 0; i < chunk.repeat && !closed; i++) {
          out.write(chunk.text.replaceAll('{i}', String(i)));
          if (chunk.every) await sleep(chunk.every);
        }
      }
    }
    if (closed) return;
    const end = spec.end || 'close';
    if (end === 'close') out.end();
    else if (end === 'reset') {
      // Let the written bytes go out, then cut the connection with an RST.
      await sleep(20);
      req.socket.resetAndDestroy();
    }
  }

  async function serveNumbers(req, res, url) {
    const key = url.searchParams.get('key') || 'numbers';
    const total = Number(url.searchParams.get('total') || 100);
    const size = Number(url.searchParams.get('size') || 16);
    const log = logFor(key);
    const rawId = req.headers['last-event-id'];
    const lastEventId = rawId === undefined ? null : Buffer.from(rawId, 'latin1').toString('utf8');
    log.requests.push({ n: log.requests.length, method: req.method, url: req.url, headers: req.headers, lastEventId, time: Date.now() });
    log.open++;
    let closed = false;
    res.on('close', () => {
      closed = true;
      log.open--;
    });
    const headers = { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' };
    if (url.searchParams.get('cors')) headers['Access-Control-Allow-Origin'] = '*';
    res.writeHead(200, headers);
    let i = lastEventId && /^\d+$/.test(lastEventId) ? Number(lastEventId) + 1 : 1;
    // Write in batches, respecting backpressure, so that any size streams
    // with bounded memory here.
    while (i <= total && !closed) {
      let batch = '';
      for (let n = 0; n < 256 && i <= total; n++, i++) batch += `id: ${i}\ndata: ${String(i).padStart(size, '0')}\n\n`;
      if (!res.write(batch)) await new Promise((r) => res.once('drain', r));
    }
    if (closed) return;
    if (url.searchParams.get('end') === 'open') return;
    res.end();
  }

  function serveTicks(req, res, url) {
    const key = url.searchParams.get('key') || 'ticks';
    const every = Number(url.searchParams.get('every') || 20);
    const per = Number(url.searchParams.get('per') || 1);
    const total = Number(url.searchParams.get('total') || 1e9);
    const log = logFor(key);
    const rawId = req.headers['last-event-id'];
    const lastEventId = rawId === undefined ? null : Buffer.from(rawId, 'latin1').toString('utf8');
    log.requests.push({ n: log.requests.length, method: req.method, url: req.url, headers: req.headers, lastEventId, time: Date.now() });
    log.open++;
    log.maxOpen = Math.max(log.maxOpen || 0, log.open);
    const headers = { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' };
    if (url.searchParams.get('cors')) headers['Access-Control-Allow-Origin'] = '*';
    res.writeHead(200, headers);
    res.flushHeaders();
    track(key, req, res);
    let i = lastEventId && /^\d+$/.test(lastEventId) ? Number(lastEventId) + 1 : 1;
    const who = url.searchParams.get('echo') ? ` ${req.headers.authorization || '-'}` : '';
    const timer = setInterval(() => {
      let batch = '';
      for (let n = 0; n < per && i <= total; n++, i++) batch += `id: ${i}\ndata: ${i} ${Date.now()}${who}\n\n`;
      if (batch) res.write(batch);
      log.bytes = (log.bytes || 0) + batch.length;
      if (i > total) {
        clearInterval(timer);
        res.end();
      }
    }, every);
    res.on('close', () => {
      clearInterval(timer);
      log.open--;
    });
  }

  async function serveStatic(req, res, url) {
    let path = decodeURIComponent(url.pathname);
    if (path === '/') path = '/www/index.html';
    if (path.endsWith('/')) path += 'index.html';
    const file = normalize(join(root, path));
    const allowed = STATIC_ROOTS.some((r) => file.startsWith(join(root, r) + '/'));
    if (!allowed) {
      res.writeHead(404).end('not found');
      return;
    }
    try {
      const body = await readFile(file);
      // no-cache (revalidate), not no-store: a no-store page can never enter the
      // back/forward cache, which one test needs.
      // Cross-Origin-Resource-Policy: the wasm browser tests' page (another
      // origin, served cross-origin isolated by wasm-bindgen-test) loads the
      // package's classic script from here (tests/rust_api_shared.rs).
      const headers = { 'Content-Type': TYPES[extname(file)] || 'application/octet-stream', 'Cache-Control': 'no-cache', 'Cross-Origin-Resource-Policy': 'cross-origin' };
      const csp = url.searchParams.get('csp');
      if (csp) headers['Content-Security-Policy'] = csp;
      // Service workers in tests may control the whole origin.
      if (url.searchParams.has('sw-allowed')) headers['Service-Worker-Allowed'] = '/';
      res.writeHead(200, headers).end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  }

  function handler(req, res) {
    const url = new URL(req.url, `http://${req.headers.host}`);
    if (url.pathname === '/sse') return serveStream(req, res, url);
    if (url.pathname === '/numbers') return serveNumbers(req, res, url);
    if (url.pathname === '/ticks') return serveTicks(req, res, url);
    if (url.pathname === '/log') {
      const log = logs.get(url.searchParams.get('key')) || { requests: [], open: 0 };
      res.writeHead(200, { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*' }).end(JSON.stringify(log));
      return;
    }
    if (url.pathname === '/reset-log') {
      logs.clear();
      res.writeHead(204).end();
      return;
    }
    if (url.pathname === '/set-cookie') {
      res.writeHead(200, {
        'Set-Cookie': `${url.searchParams.get('name') || 'esw'}=${url.searchParams.get('value') || '1'}; Path=/; SameSite=Lax`,
        'Content-Type': 'text/plain',
      }).end('ok');
      return;
    }
    return serveStatic(req, res, url);
  }

  function listen(p) {
    return new Promise((ok, fail) => {
      const server = createServer(handler);
      server.keepAliveTimeout = 1000;
      server.on('connection', (s) => {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
      });
      server.once('error', fail);
      server.listen(p, host, () => ok(server));
    });
  }

  const main = await listen(port);
  const cross = await listen(crossPort);
  const origin = `http://${host}:${main.address().port}`;
  // A different port is a different origin (cookies, which ignore ports, are
  // still shared: the credentials mode decides whether they are sent).
  const crossOrigin = `http://${host}:${cross.address().port}`;
  return {
    origin,
    crossOrigin,
    log: (key) => logs.get(key) || { requests: [], open: 0 },
    /** Cut every open stream of `key` with an RST (or a FIN with `how: 'end'`). */
    cut(key, how = 'reset') {
      for (const socket of liveSockets.get(key) || []) {
        if (how === 'reset') socket.resetAndDestroy();
        else socket.end();
      }
    },
    resetLog: () => logs.clear(),
    openConnections: () => [...logs.values()].reduce((n, l) => n + l.open, 0),
    async close() {
      for (const s of sockets) s.destroy();
      await Promise.all([main, cross].map((s) => new Promise((r) => s.close(r))));
    },
  };
}

// `node tests/server/server.mjs [port] [crossPort]`: run standalone.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [port, crossPort] = process.argv.slice(2).map(Number);
  const server = await startServer({ port: port || 8790, crossPort: crossPort || 8791 });
  console.log(`test server: ${server.origin} and ${server.crossOrigin}`);
}
