// The demo site's server: the pages in www/, the package in dist/ (as
// /dist/...), and the event streams the demos listen to. Node built-ins only.
//
//   node www/server.mjs              listens on $PORT or 8080, loopback only
//   startDemoServer({ port: 0 })     for tests: resolves to { url, port, close() }
//
// Streams (all text/event-stream, Cache-Control: no-store, headers flushed at once):
//   GET  /demo/movement?interval=ms   a box wandering a 600×400 field; `id` and
//                                     `data` are "x,y"; resumes from Last-Event-ID
//   POST /demo/drop?client=ID | ?all=1  cut movement streams abruptly
//   GET  /demo/clock?interval=ms      the server's time, plus userlogon/update events
//   GET  /demo/push?retry=ms&count=n&every=ms
//                                     a few events, then the response ends; the
//                                     client comes back after `retry` ms
//   GET  /demo/shared?interval=ms     numbered events (`id` = `data` = n), resumed
//                                     after Last-Event-ID: one stream, every tab
//   GET  /demo/shared/stats           { open, requests, lastEventIds }: how many
//                                     connections of /demo/shared the server holds
//   POST /demo/rust?interval=ms       for the Rust page: needs `Authorization:
//                                     Bearer TOKEN` (401 without); first a `request`
//                                     event with what arrived (method, header, body),
//                                     then a `tick` every interval
//
// Pages: www/ at /, the package's dist/ at /dist/, and the Leptos example
// (examples/leptos, built by scripts/examples.mjs into build/examples/leptos)
// at /rust/.

import { createServer } from 'node:http';
import { createGzip } from 'node:zlib';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(here, '..');

/** The movement field and the largest move per axis in one event. */
export const FIELD = Object.freeze({ width: 600, height: 400, step: 10 });

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.ts': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

const USERS = ['John123', 'mei_lin', 'ana.ops', 'kofi', 'sasha_k'];
const MOODS = ['happy', 'curious', 'focused', 'sleepy', 'excited', 'calm'];

/** An integer query parameter, clamped; `fallback` when absent or not a number. */
function intParam(url, name, fallback, min, max) {
  const raw = url.searchParams.get(name);
  if (raw === null || !/^\d+$/.test(raw)) return fallback;
  return Math.min(max, Math.max(min, Number(raw)));
}

function hms(date) {
  return date.toTimeString().slice(0, 8);
}

function hmsms(date) {
  return `${hms(date)}.${String(date.getMilliseconds()).padStart(3, '0')}`;
}

/** "x,y" inside the field, or null. */
export function parsePosition(text) {
  const m = /^(\d{1,4}),(\d{1,4})$/.exec(String(text ?? '').trim());
  if (!m) return null;
  const x = Number(m[1]);
  const y = Number(m[2]);
  if (x > FIELD.width || y > FIELD.height) return null;
  return { x, y };
}

/** One step of a wandering walk: a heading that drifts and bounces off the walls. */
function step(pos, heading) {
  let h = heading + (Math.random() - 0.5) * 0.9;
  const length = 8 + Math.random() * 2; // 8..10 px, so no axis moves more than FIELD.step
  let dx = Math.round(Math.cos(h) * length);
  let dy = Math.round(Math.sin(h) * length);
  if (pos.x + dx < 0 || pos.x + dx > FIELD.width) {
    dx = -dx;
    h = Math.PI - h;
  }
  if (pos.y + dy < 0 || pos.y + dy > FIELD.height) {
    dy = -dy;
    h = -h;
  }
  if (dx === 0 && dy === 0) dx = pos.x < FIELD.width / 2 ? 1 : -1;
  const x = Math.min(FIELD.width, Math.max(0, pos.x + dx));
  const y = Math.min(FIELD.height, Math.max(0, pos.y + dy));
  return { pos: { x, y }, heading: h };
}

function openStream(req, res, extraHeaders = {}) {
  req.socket.setNoDelay(true);
  req.socket.setTimeout(0);
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
    ...extraHeaders,
  });
  res.flushHeaders();
}

/** Start a timer that stops by itself when the response goes away. */
function every(req, res, ms, tick) {
  const timer = setInterval(() => {
    if (res.destroyed || res.writableEnded) {
      clearInterval(timer);
      return;
    }
    tick();
  }, ms);
  const stop = () => clearInterval(timer);
  res.on('close', stop);
  req.on('close', stop);
  return stop;
}

export async function startDemoServer({ port = 0, host = '127.0.0.1', distDir = join(ROOT, 'dist'), rustDir = join(ROOT, 'build/examples/leptos'), quiet = true } = {}) {
  const wwwDir = here;
  const sockets = new Set();
  const movers = new Map(); // client id → { res, socket }
  let nextClient = 1;
  // /demo/shared: the connections it holds now, and every request's Last-Event-ID.
  const shared = { open: 0, requests: 0, lastEventIds: [] };

  async function serveFile(res, method, base, relative) {
    const file = resolve(base, `.${relative}`);
    if (file !== base && !file.startsWith(base + sep)) return notFound(res);
    let info;
    try {
      info = await stat(file);
    } catch {
      return notFound(res);
    }
    if (info.isDirectory()) return serveFile(res, method, base, `${relative.replace(/\/$/, '')}/index.html`);
    const body = await readFile(file);
    res.writeHead(200, {
      'Content-Type': TYPES[extname(file).toLowerCase()] || 'application/octet-stream',
      'Content-Length': body.length,
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(method === 'HEAD' ? undefined : body);
  }

  function notFound(res) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('Not found\n');
  }

  function movement(req, res, url) {
    const interval = intParam(url, 'interval', 300, 30, 10000);
    const client = nextClient++;
    const resumed = parsePosition(req.headers['last-event-id']);
    let pos = resumed ?? {
      x: Math.round(FIELD.width * (0.25 + Math.random() * 0.5)),
      y: Math.round(FIELD.height * (0.25 + Math.random() * 0.5)),
    };
    let heading = Math.random() * 2 * Math.PI;
    let n = 0;

    openStream(req, res);
    movers.set(client, { res, socket: req.socket });
    res.on('close', () => movers.delete(client));

    const hello = { client, width: FIELD.width, height: FIELD.height, step: FIELD.step, interval, resumedFrom: resumed ? `${resumed.x},${resumed.y}` : null };
    // No `id` on hello: the client's last event ID stays the last position.
    let head = 'retry: 1000\n';
    head += resumed
      ? `: client ${client}, resuming from ${pos.x},${pos.y} (Last-Event-ID)\n`
      : `: client ${client}, a fresh start\n`;
    head += `event: hello\ndata: ${JSON.stringify(hello)}\n\n`;
    if (!resumed) {
      // A fresh start shows where the box is at once; a resumed one already knows.
      head += `: position 0\nid: ${pos.x},${pos.y}\ndata: ${pos.x},${pos.y}\n\n`;
    }
    res.write(head);

    every(req, res, interval, () => {
      ({ pos, heading } = step(pos, heading));
      n += 1;
      const xy = `${pos.x},${pos.y}`;
      res.write(`: move ${n}\nid: ${xy}\ndata: ${xy}\n\n`);
    });
  }

  function drop(req, res, url) {
    let ids;
    if (url.searchParams.get('all') === '1') ids = [...movers.keys()];
    else {
      const id = Number(url.searchParams.get('client'));
      ids = movers.has(id) ? [id] : [];
    }
    for (const id of ids) {
      const m = movers.get(id);
      movers.delete(id);
      // Abruptly: no chunked terminator, no FIN handshake niceties.
      m.socket.destroy();
    }
    const all = url.searchParams.get('all') === '1';
    res.writeHead(ids.length || all ? 200 : 404, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(JSON.stringify({ dropped: ids }));
  }

  function clock(req, res, url) {
    const interval = intParam(url, 'interval', 1000, 50, 60000);
    openStream(req, res);
    const now = new Date();
    // A JSON message split over several data lines: the client gets them
    // joined with "\n", and JSON.parse does not mind.
    res.write(
      'retry: 2000\n' +
        ': the clock starts; one message a tick, custom events now and then\n' +
        'data: {\n' +
        `data:   "msg": "Connected at ${hms(now)}; the server ticks every ${interval} ms"\n` +
        'data: }\n\n',
    );
    let n = 0;
    const tick = () => {
      n += 1;
      const t = new Date();
      let out = `id: ${t.toISOString()}\ndata: ${hms(t)}\n\n`;
      if (n % 3 === 0) {
        const username = USERS[(n / 3 - 1) % USERS.length];
        out += `event: userlogon\ndata: ${JSON.stringify({ username })}\n\n`;
      }
      if (n % 5 === 0) {
        const k = n / 5 - 1;
        const username = USERS[k % USERS.length];
        const emotion = MOODS[k % MOODS.length];
        out += `event: update\ndata: ${JSON.stringify({ username, emotion })}\n\n`;
      }
      res.write(out);
    };
    tick();
    every(req, res, interval, tick);
  }

  function push(req, res, url) {
    const retry = intParam(url, 'retry', 2000, 50, 60000);
    const count = intParam(url, 'count', 3, 1, 50);
    const gap = intParam(url, 'every', 400, 20, 10000);
    // The connection number rides in the event id ("connection.event"), so
    // the server needs no state: a reconnection's Last-Event-ID says which
    // connection came before.
    const last = /^(\d{1,9})\.\d+$/.exec(String(req.headers['last-event-id'] ?? ''));
    const connection = last ? Number(last[1]) + 1 : 1;
    openStream(req, res);
    res.write(`retry: ${retry}\n: connection ${connection}: ${count} events, then this response ends\n\n`);
    let k = 0;
    const send = () => {
      k += 1;
      const t = new Date();
      const data = { connection, event: k, of: count, time: hmsms(t), retry };
      res.write(`id: ${connection}.${k}\ndata: ${JSON.stringify(data)}\n\n`);
      if (k >= count) {
        stop();
        res.end();
      }
    };
    const stop = every(req, res, gap, send);
    send();
  }

  function sharedStream(req, res, url) {
    const interval = intParam(url, 'interval', 500, 20, 10000);
    const id = String(req.headers['last-event-id'] ?? '');
    let n = /^\d{1,12}$/.test(id) ? Number(id) : 0;
    shared.open += 1;
    shared.requests += 1;
    shared.lastEventIds.push(id || null);
    if (shared.lastEventIds.length > 50) shared.lastEventIds.shift();
    res.on('close', () => (shared.open -= 1));
    openStream(req, res);
    res.write(`retry: 1000\n: ${n ? `resuming after event ${n} (Last-Event-ID)` : 'from the beginning'}\n\n`);
    every(req, res, interval, () => {
      n += 1;
      res.write(`id: ${n}\ndata: ${n}\n\n`);
    });
  }

  // The Rust page's stream: what a POST with a bearer token brought, then
  // ticks. A request without a token is refused (401), as an API would.
  function rust(req, res, url) {
    const interval = intParam(url, 'interval', 1000, 50, 60000);
    const authorization = String(req.headers.authorization ?? '');
    if (!/^Bearer \S+$/.test(authorization)) {
      res.writeHead(401, { 'Content-Type': 'text/plain; charset=utf-8', 'WWW-Authenticate': 'Bearer', 'Cache-Control': 'no-store' });
      return res.end('a bearer token, please\n');
    }
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (text) => {
      if (body.length < 1000) body += text;
    });
    req.on('end', () => {
      openStream(req, res);
      const request = { method: req.method, authorization, body: body.slice(0, 200) };
      res.write(`retry: 2000\nevent: request\ndata: ${JSON.stringify(request)}\n\n`);
      // Not every(): a request with a body emits 'close' once the body is
      // read, which would stop the ticks; the response's 'close' is the
      // client going away.
      let n = 0;
      const timer = setInterval(() => {
        n += 1;
        res.write(`event: tick\nid: ${n}\ndata: ${hms(new Date())}\n\n`);
      }, interval);
      res.on('close', () => clearInterval(timer));
    });
  }

  // A stream as it reaches a client through `via`: 'direct', a proxy whose
  // 4 KiB buffer is passed on when full ('block', as nginx's proxy_buffering
  // does), or compression flushed every 500 ms ('gzip'). For the inspector's
  // buffering check. The application writes a 100-byte event every 10 ms and
  // a keep-alive comment every second.
  function through(req, res, url) {
    const via = url.searchParams.get('via');
    openStream(req, res, via === 'gzip' ? { 'Content-Encoding': 'gzip' } : {});
    const zip = via === 'gzip' ? createGzip() : null;
    if (zip) zip.pipe(res);
    let held = '';
    const write = (text) => {
      if (zip) zip.write(text);
      else if (via !== 'block') res.write(text);
      else {
        held += text;
        for (; held.length >= 4096; held = held.slice(4096)) res.write(held.slice(0, 4096));
      }
    };
    let n = 0;
    every(req, res, 10, () => {
      n += 1;
      const head = `id: ${n}\ndata: `;
      write(`${head}${'.'.repeat(98 - head.length)}\n\n`);
      if (n % 100 === 0) write(': keep-alive\n');
    });
    if (zip) every(req, res, 500, () => zip.flush());
  }

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://localhost');
      const path = decodeURIComponent(url.pathname);
      if (path === '/demo/drop') {
        if (req.method !== 'POST') {
          res.writeHead(405, { Allow: 'POST' });
          return res.end();
        }
        return drop(req, res, url);
      }
      if (path === '/demo/rust') {
        if (req.method !== 'POST') {
          res.writeHead(405, { Allow: 'POST' });
          return res.end();
        }
        return rust(req, res, url);
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { Allow: 'GET, HEAD' });
        return res.end();
      }
      if (req.method === 'HEAD' && path.startsWith('/demo/')) {
        res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store' });
        return res.end();
      }
      if (path === '/demo/movement') return movement(req, res, url);
      if (path === '/demo/clock') return clock(req, res, url);
      if (path === '/demo/push') return push(req, res, url);
      if (path === '/demo/shared') return sharedStream(req, res, url);
      if (path === '/demo/through') return through(req, res, url);
      if (path === '/demo/shared/stats') {
        res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
        return res.end(JSON.stringify(shared));
      }
      if (path === '/dist' || path.startsWith('/dist/')) return await serveFile(res, req.method, distDir, path.slice(5) || '/');
      if (path === '/rust') {
        res.writeHead(301, { Location: '/rust/' });
        return res.end();
      }
      if (path.startsWith('/rust/')) {
        if (!existsSync(join(rustDir, 'index.html'))) {
          res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
          return res.end('The Rust page is not built: run `node scripts/examples.mjs leptos` (npm start does it), then reload.\n');
        }
        return await serveFile(res, req.method, rustDir, path.slice(5));
      }
      if (path.includes('\0')) return notFound(res);
      return await serveFile(res, req.method, wwwDir, path === '/' ? '/index.html' : path);
    } catch (error) {
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end(`Server error: ${error.message}\n`);
      } else res.destroy();
    }
  });
  // Event streams are long-lived: no request or idle timeouts.
  server.requestTimeout = 0;
  server.timeout = 0;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  const actual = server.address().port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost}:${actual}/`;
  if (!quiet) console.log(`demo server: ${url}`);

  return {
    url,
    port: actual,
    server,
    close() {
      return new Promise((done) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => done());
      });
    },
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT || 8080);
  const demo = await startDemoServer({ port, host: process.env.HOST || '127.0.0.1' });
  console.log(`eventsource-wasm demo: ${demo.url}`);
  const stop = () => demo.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
