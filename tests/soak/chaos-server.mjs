// The chaos soak's server (node:http on loopback): it streams the numbered
// events of ./stream.mjs and cuts the connection at points chosen by a
// seeded PRNG, then resumes after the Last-Event-ID of the reconnection.
//
// GET /stream?run=R&events=N&cuts=M&seed=S
//   The n-th request of run R (a fresh id per soak run) plans its cut from
//   PRNG(seed, n) alone: how many whole events to send, where to cut and
//   how. The HTTP head is written by hand on the socket, so the body can be
//   framed either by the connection's end (no Content-Length, no chunking)
//   or with chunked encoding, and so the cut is exact:
//     where  boundary      after a whole event
//            mid-line      inside a line (an ASCII byte on both sides)
//            mid-utf8      inside a multi-byte UTF-8 sequence
//            cr-lf         between the CR and the LF of a CRLF line end
//            after-headers right after the head: no body byte at all
//            after-retry   right after a `retry: 1..30` line
//     how    fin           end of body (EOF of a close-delimited body, or the
//                          chunked terminator), then FIN
//            fin-truncated FIN in the middle of a chunked body (no terminator)
//            rst           TCP reset (socket.resetAndDestroy())
//   Some responses start with a UTF-8 BOM (stripped once per stream), a
//   comment or a `retry:` line; the first one always sets `retry` (1–30 ms)
//   and ends by FIN, so that reconnections are quick. (A reset may destroy
//   bytes the client had not read yet: that is allowed, the client then
//   simply saw an earlier cut, and the reconnection resumes from its
//   Last-Event-ID.) After M cuts, the rest of the events
//   are sent and the connection is held open until the client leaves.
// GET /stats?run=R      → what the server did and saw (JSON)
// GET /soak/page.html   → an empty page for the Chromium client
// GET /soak/stream.mjs  → the generator and checker, for that page
// GET /dist/…           → the built package

import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { eventFor, mix, prng } from './stream.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');

export const WHERE = ['boundary', 'mid-line', 'mid-utf8', 'cr-lf', 'after-headers', 'after-retry'];
export const HOW = ['fin', 'fin-truncated', 'rst'];

const TYPES = { '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.wasm': 'application/wasm', '.html': 'text/html; charset=utf-8' };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Byte offsets inside `bytes` (an event's wire form) where a cut of kind `where` can fall. */
function cutPoints(bytes, where) {
  const points = [];
  const eol = (b) => b === 0x0a || b === 0x0d;
  const continuation = (b) => (b & 0xc0) === 0x80;
  for (let i = 1; i < bytes.length; i++) {
    const before = bytes[i - 1];
    const after = bytes[i];
    if (where === 'mid-line' && !eol(before) && !eol(after) && after < 0x80 && before < 0x80) points.push(i);
    else if (where === 'mid-utf8' && continuation(after)) points.push(i);
    else if (where === 'cr-lf' && before === 0x0d && after === 0x0a) points.push(i);
  }
  return points;
}

function pick(rng, weighted) {
  let total = 0;
  for (const [, w] of weighted) total += w;
  let r = rng() * total;
  for (const [value, w] of weighted) {
    if ((r -= w) < 0) return value;
  }
  return weighted[weighted.length - 1][0];
}

function newRun() {
  return {
    requests: 0,
    cuts: 0,
    where: Object.fromEntries(WHERE.map((k) => [k, 0])),
    how: Object.fromEntries(HOW.map((k) => [k, 0])),
    framing: { close: 0, chunked: 0 },
    boms: 0,
    bytes: 0,
    eventsWritten: 0,
    // The highest id whose event was written whole; Last-Event-ID can never
    // be above it.
    highestWhole: 0,
    lastEventIds: [],
    // Per connection: how it was framed and cut (for replaying a failure),
    // and when each request arrived.
    plan: [],
    arrivals: [],
    anomalies: [],
    open: 0,
    final: false,
  };
}

export async function startChaosServer({ host = '127.0.0.1', port = 0 } = {}) {
  const runs = new Map();
  const sockets = new Set();

  function runFor(id) {
    if (!runs.has(id)) runs.set(id, newRun());
    return runs.get(id);
  }

  async function stream(req, res, url) {
    const run = runFor(url.searchParams.get('run') || 'default');
    const total = Number(url.searchParams.get('events') || 1000);
    const cuts = Number(url.searchParams.get('cuts') || 10);
    const seed = Number(url.searchParams.get('seed') || 1) >>> 0;
    const k = run.requests++;
    const raw = req.headers['last-event-id'];
    const lastEventId = raw === undefined ? null : Buffer.from(raw, 'latin1').toString('utf8');
    run.lastEventIds.push(lastEventId);
    run.arrivals.push(Date.now());
    // What the client says it has: a number, never above what was written
    // whole, never below what it said before.
    let start = 1;
    if (lastEventId !== null) {
      if (!/^[1-9]\d*$/.test(lastEventId)) run.anomalies.push(`request ${k}: Last-Event-ID ${JSON.stringify(lastEventId)} is not an event id`);
      else {
        start = Number(lastEventId) + 1;
        if (Number(lastEventId) > run.highestWhole) run.anomalies.push(`request ${k}: Last-Event-ID ${lastEventId} was never written whole (highest ${run.highestWhole})`);
      }
    } else if (k > 0 && run.highestWhole > 0 && run.lastEventIds.some((id) => id !== null)) {
      run.anomalies.push(`request ${k}: no Last-Event-ID after one was sent`);
    }
    const previous = run.lastEventIds.slice(0, -1).filter((id) => id !== null).map(Number);
    if (previous.length && start - 1 < Math.max(...previous)) {
      run.anomalies.push(`request ${k}: Last-Event-ID went back from ${Math.max(...previous)} to ${start - 1}`);
    }

    const rng = prng(mix(seed, k, 2));
    const socket = req.socket;
    run.open++;
    let closed = false;
    socket.once('close', () => {
      closed = true;
      run.open--;
    });
    const chunked = rng() < 0.5;
    run.framing[chunked ? 'chunked' : 'close']++;
    const head = new Promise((done) =>
      socket.write(
        'HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n' +
          (chunked ? 'Transfer-Encoding: chunked\r\n' : '') +
          '\r\n',
        () => done(),
      ),
    );
    const send = (bytes) =>
      new Promise((done) => {
        if (closed || bytes.length === 0) return done();
        run.bytes += bytes.length;
        const framed = chunked ? Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from('\r\n')]) : bytes;
        // Resolve once the kernel has it (the write callback), so that a
        // reset that follows does not discard it unsent.
        socket.write(framed, () => done());
      });
    // Write `body` in 1–4 pieces of random sizes (more chunk boundaries).
    const sendPieces = async (body) => {
      const pieces = 1 + Math.floor(rng() * 4);
      let at = 0;
      for (let i = 0; i < pieces && at < body.length; i++) {
        const end = i === pieces - 1 ? body.length : at + Math.floor(rng() * (body.length - at + 1));
        await send(body.subarray(at, end));
        at = end;
      }
      if (at < body.length) await send(body.subarray(at));
    };
    const wholeUpTo = (n) => {
      run.highestWhole = Math.max(run.highestWhole, n);
    };

    await head;
    const cutting = run.cuts < cuts;
    let where = cutting ? pick(rng, [['boundary', 2], ['mid-line', 3], ['mid-utf8', 3], ['cr-lf', 3], ['after-headers', 1], ['after-retry', 2]]) : null;
    // The first response must set `retry`, or the first reconnection waits 3 s.
    if (k === 0 && where === 'after-headers') where = 'mid-line';
    const preamble = [];
    if (where !== 'after-headers') {
      if (rng() < 0.2) {
        preamble.push(BOM);
        run.boms++;
      }
      if (k === 0 || rng() < 0.3) preamble.push(Buffer.from(`retry: ${1 + Math.floor(rng() * 30)}\n`));
      if (rng() < 0.2) preamble.push(Buffer.from(`:chaos ${k}\n`));
    }

    if (!cutting) {
      // The last connection: everything that is left, then hold it open.
      run.final = true;
      await send(Buffer.concat(preamble));
      let n = start;
      while (n <= total && !closed) {
        const batch = [];
        for (let i = 0; i < 256 && n <= total; i++, n++) batch.push(eventFor(seed, n).wire);
        const bytes = Buffer.from(batch.join(''));
        run.eventsWritten += batch.length;
        await sendPieces(bytes);
        wholeUpTo(n - 1);
      }
      return;
    }

    // A cut: `quota` whole events, then the cut of kind `where`.
    const remaining = Math.max(0, total - start + 1);
    const base = remaining / (cuts - run.cuts + 1);
    let quota = where === 'after-headers' ? 0 : Math.floor(base * (0.25 + 1.5 * rng()));
    const midEvent = where === 'mid-line' || where === 'mid-utf8' || where === 'cr-lf';
    let tail = Buffer.alloc(0);
    // A cut between the CR and the LF of the blank line that ends a CRLF
    // event leaves that event complete (CR alone ends a line): dispatched.
    let tailDispatchable = false;
    if (midEvent) {
      quota = Math.min(quota, Math.max(0, remaining - 1));
      // The event to cut inside: the first from start + quota that has a
      // place of this kind (nearly all have one).
      let found = false;
      for (let n = start + quota; n <= total && n < start + quota + 64; n++) {
        const bytes = Buffer.from(eventFor(seed, n).wire);
        const points = cutPoints(bytes, where);
        if (points.length) {
          quota = n - start;
          tail = bytes.subarray(0, points[Math.floor(rng() * points.length)]);
          tailDispatchable = tail.length === bytes.length - 1;
          found = true;
          break;
        }
      }
      if (!found) where = 'boundary';
    } else if (where === 'after-retry') {
      tail = Buffer.from(`retry: ${1 + Math.floor(rng() * 30)}${['\n', '\r\n', '\r'][Math.floor(rng() * 3)]}`);
    }
    quota = Math.min(quota, remaining);
    const events = [];
    for (let n = start; n < start + quota; n++) events.push(eventFor(seed, n).wire);
    const body = Buffer.concat([...preamble, Buffer.from(events.join('')), tail]);
    run.eventsWritten += quota;
    await sendPieces(body);
    wholeUpTo(start + quota - 1 + (tailDispatchable ? 1 : 0));
    // A moment for the client to read what was written (a reset discards
    // what the peer has not read yet; that is allowed, just a different cut).
    await sleep(Math.floor(rng() * 8));
    let how = chunked ? pick(rng, [['fin', 1], ['fin-truncated', 1], ['rst', 2]]) : pick(rng, [['fin', 1], ['rst', 1]]);
    // The first response ends by FIN: a reset can destroy bytes the client
    // has not read yet, and if its `retry:` were among them every
    // reconnection would wait the default 3 s until another one got through.
    if (k === 0) how = 'fin';
    run.cuts++;
    run.plan.push({ k, start, quota, where, how, chunked, bodyBytes: body.length });
    run.where[where]++;
    run.how[how]++;
    if (closed) return;
    if (how === 'rst') socket.resetAndDestroy();
    else if (how === 'fin' && chunked) socket.end('0\r\n\r\n');
    else socket.end();
  }

  async function serveFile(res, file) {
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'Content-Type': TYPES[extname(file)] || 'application/octet-stream', 'Cache-Control': 'no-cache' }).end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  }

  function handler(req, res) {
    const url = new URL(req.url, `http://${req.headers.host}`);
    if (url.pathname === '/stream') {
      stream(req, res, url).catch((error) => {
        console.error('chaos server:', error);
        req.socket.destroy();
      });
      return;
    }
    if (url.pathname === '/stats') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(runs.get(url.searchParams.get('run')) || null));
      return;
    }
    if (url.pathname === '/soak/page.html') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end('<!doctype html><meta charset="utf-8"><title>chaos soak</title>');
      return;
    }
    if (url.pathname === '/soak/stream.mjs') return serveFile(res, join(here, 'stream.mjs'));
    const file = normalize(join(root, decodeURIComponent(url.pathname)));
    if (url.pathname.startsWith('/dist/') && file.startsWith(join(root, 'dist') + '/')) return serveFile(res, file);
    res.writeHead(404).end('not found');
  }

  const server = createServer(handler);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // A reset from the client side is part of the game.
    socket.on('error', () => {});
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, ok);
  });
  const origin = `http://${host}:${server.address().port}`;
  let runCounter = 0;
  return {
    origin,
    /** A fresh run id and the URL of its stream. */
    newRun({ events, cuts, seed }) {
      const run = `run-${++runCounter}-${process.pid}`;
      return { run, url: `${origin}/stream?run=${run}&events=${events}&cuts=${cuts}&seed=${seed >>> 0}` };
    },
    stats: (run) => runs.get(run) || newRun(),
    openConnections: () => [...runs.values()].reduce((n, r) => n + r.open, 0),
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}
