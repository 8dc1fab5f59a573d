// The benchmark's own HTTP server (loopback only): the pages, the libraries
// under test (from a snapshot of dist/ taken when the run starts, so a
// concurrent rebuild cannot change them mid-run), and the event streams,
// precomputed as bytes and written as fast as the socket drains.

import { createServer } from 'node:http';
import { extname } from 'node:path';
import { setImmediate as immediate } from 'node:timers/promises';

import { header, bodies, oddStream, PARSER_STREAMS, parserStreamText, manyData } from './scenarios.mjs';

const TYPES = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.html': 'text/html', '.wasm': 'application/wasm', '.json': 'application/json' };

/** The bytes of a data-only stream: `data: #0000042<body>\n\n` per event. */
export function dataStreamBytes(spec) {
  const bs = bodies(spec).map((b) => Buffer.from(b, 'utf8'));
  const prefix = Buffer.from('data: ');
  const end = Buffer.from('\n\n');
  const per = prefix.length + 8 + end.length;
  let total = 0;
  for (let i = 0; i < spec.events; i++) total += per + bs[i % bs.length].length;
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  for (let i = 0; i < spec.events; i++) {
    at += prefix.copy(out, at);
    at += out.write(header(i), at, 'latin1');
    at += bs[i % bs.length].copy(out, at);
    at += end.copy(out, at);
  }
  return out;
}

export function streamBytes(name, spec) {
  if (spec.kind === 'odd') return Buffer.from(oddStream(spec.events).wire, 'utf8');
  if (spec.kind === 'parser') {
    const p = PARSER_STREAMS[name];
    return Buffer.from(parserStreamText(p.events, p.data()), 'utf8');
  }
  return dataStreamBytes(spec);
}

const wall = () => performance.timeOrigin + performance.now();

/**
 * files: { '/path': { body: Buffer, type } } served as is.
 * libs: { impl: { src: '/path' | null, ctor: 'JS expression', module: bool,
 *   ready: 'JS expression (a promise)' | undefined } }: a classic script
 *   that defines the constructor, or (module) an ES module whose export
 *   EventSource is it.
 */
export async function startServer({ files, libs }) {
  const streams = new Map(); // name → { spec, bytes }
  const served = new Set(); // run ids already streamed: a reconnection gets 204 (never a second copy)
  const open = new Set();
  const writeTimes = new Map(); // run id → ms from the first write to the last byte accepted by the socket
  const arrivals = new Map(); // run id → when its (first) /sse/ request arrived, wall clock ms
  const requests = []; // every request: { path, at }, in order of arrival

  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const path = url.pathname;
    const at = wall();
    requests.push({ path, at });
    const common = {
      'Cache-Control': 'no-store',
      // Cross-origin isolation: performance.now() at 5 µs instead of 100 µs.
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
    };
    if (path === '/page') return page(url, res, common);
    if (path === '/clock') {
      const now = performance.timeOrigin + performance.now();
      res.writeHead(200, { ...common, 'Content-Type': 'text/plain' });
      return res.end(String(now));
    }
    if (path.startsWith('/sse/')) return sse(path.slice(5), url, req, res, common);
    const file = files[path];
    if (file) {
      res.writeHead(200, { ...common, 'Content-Type': file.type || TYPES[extname(path)] || 'application/octet-stream' });
      return res.end(file.body);
    }
    res.writeHead(404, common);
    res.end();
  });

  function page(url, res, common) {
    const impl = url.searchParams.get('impl');
    const mode = url.searchParams.get('mode') || 'run';
    const lib = libs[impl];
    if (!lib) {
      res.writeHead(404, common);
      return res.end();
    }
    let html = '<!doctype html><meta charset="utf-8"><title>bench</title>\n';
    if (mode === 'startup' || mode === 'check') {
      // A cold page (run.mjs opens each in a browser context of its own: a
      // fresh renderer, no code cache). Its first script stamps the clock,
      // counts every WebAssembly compilation from then on and, with
      // missing=1, removes the platform's EventSource, as on a platform
      // that has none. Then the library loads as a page would load it.
      const missing = url.searchParams.get('missing') === '1';
      const run = JSON.stringify(url.searchParams.get('run') || '0');
      html +=
        '<script>\n' +
        'window.__t0 = performance.now(); window.__w0 = performance.timeOrigin + window.__t0;\n' +
        '(function () {\n' +
        '  const W = WebAssembly, log = (window.__wasm = []);\n' +
        '  const size = (b) => (b && typeof b.byteLength === "number" ? b.byteLength : null);\n' +
        '  for (const k of ["compile", "instantiate", "compileStreaming", "instantiateStreaming", "validate"]) {\n' +
        '    const f = W[k];\n' +
        '    if (typeof f === "function") W[k] = function (...a) { log.push({ call: k, bytes: a[0] instanceof W.Module ? "module" : size(a[0]) }); return f.apply(this, a); };\n' +
        '  }\n' +
        '  W.Module = new Proxy(W.Module, { construct(t, a, nt) { const t0 = performance.now(); try { return Reflect.construct(t, a, nt); } finally { log.push({ call: "new Module", bytes: size(a[0]), ms: performance.now() - t0 }); } } });\n' +
        '})();\n' +
        `window.__native = typeof EventSource === 'function' ? EventSource : null;\n` +
        (missing ? 'delete window.EventSource;\n' : '') +
        'window.__start = function (ES) {\n' +
        '  const a = performance.now();\n' +
        `  const es = new ES('/sse/startup?run=' + ${run});\n` +
        '  const b = performance.now();\n' +
        '  window.__es = es;\n' +
        '  // The same again, warm (the first is the cold one); each closed at once.\n' +
        '  const warm = [];\n' +
        '  for (let i = 0; i < 20; i++) { const c = performance.now(); const x = new ES("/sse/none"); warm.push(performance.now() - c); x.close(); }\n' +
        '  warm.sort((p, q) => p - q);\n' +
        '  window.__startup = { construct: b - a, warm: warm[10], scriptToSource: b - window.__t0, installed: window.EventSource !== window.__native && window.EventSource === ES };\n' +
        '};\n' +
        '</script>\n';
      if (mode === 'check') {
        // What an entry loads: nothing is constructed; where the core is
        // wanted, wait for it.
        const entry = url.searchParams.get('entry');
        if (entry === 'script') html += '<script src="/dist/eventsource-wasm.js"></script>\n<script>window.__api = window.EventSourceWasm;</script>\n';
        else html += `<script type="module">import * as m from '/dist/${entry}.js'; window.__api = m;</script>\n`;
        html +=
          '<script type="module">\n' +
          'window.check = async function (wait) {\n' +
          '  const api = window.__api;\n' +
          '  if (wait) await api.ready();\n' +
          '  else await new Promise((r) => setTimeout(r, 300));\n' +
          '  return { wasm: window.__wasm, nativeKept: window.__native !== null && window.EventSource === window.__native, installed: window.EventSource === api.EventSource };\n' +
          '};\n' +
          'window.benchReady = true;\n' +
          '</script>\n';
      } else {
        if (lib.module) html += `<script type="module">import { EventSource } from ${JSON.stringify(lib.src)}; window.__start(EventSource); window.benchReady = true;</script>\n`;
        else {
          if (lib.src) html += `<script src="${lib.src}"></script>\n`;
          html += `<script>window.__start(${lib.startupCtor || lib.ctor}); window.benchReady = true;</script>\n`;
        }
      }
    } else {
      if (lib.src) html += `<script src="${lib.src}"></script>\n`;
      html += `<script>window.__ES = ${lib.ctor}; window.__ready = ${lib.ready || 'null'};</script>\n`;
      html += '<script type="module">import * as h from "/bench/lib/page.mjs"; window.bench = h; window.benchReady = true;</script>\n';
    }
    res.writeHead(200, { ...common, 'Content-Type': 'text/html; charset=utf-8' });
    res.end(html);
  }

  async function sse(name, url, req, res, common) {
    const run = url.searchParams.get('run');
    if (run && !arrivals.has(run)) arrivals.set(run, wall());
    if (name === 'many') return many(url, req, res, common);
    if (name === 'none' || name === 'startup' || (run && served.has(run))) {
      res.writeHead(204, common);
      return res.end();
    }
    if (run) served.add(run);
    const entry = streams.get(name);
    if (!entry) {
      res.writeHead(404, common);
      return res.end();
    }
    res.writeHead(200, { ...common, 'Content-Type': 'text/event-stream' });
    res.flushHeaders();
    req.socket.setNoDelay(true);
    open.add(res);
    let closed = false;
    res.on('close', () => {
      closed = true;
      open.delete(res);
    });
    const drained = () =>
      new Promise((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    const { spec, bytes } = entry;
    const wroteFrom = performance.now();
    // The last write's callback runs once every byte is in the kernel's socket buffer.
    const put = (chunk, last) => res.write(chunk, last && run ? () => writeTimes.set(run, performance.now() - wroteFrom) : undefined);
    if (spec.kind === 'latency') {
      // One event every 1000/rate ms, stamped with the server's clock just
      // before the write (performance.timeOrigin + now: the same wall clock
      // the page reads, on the same machine).
      await new Promise((r) => setTimeout(r, 300));
      const period = 1000 / spec.rate;
      const start = performance.now();
      for (let i = 0; i < spec.events && !closed; i++) {
        const due = start + i * period;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        if (closed) break;
        const now = performance.timeOrigin + performance.now();
        res.write(`data: ${i} ${now.toFixed(4)} ${'x'.repeat(8)}\n\n`);
      }
    } else if (spec.kind === 'odd') {
      // Writes of 1, 7, 13, 1000 bytes (cycling), a turn of the event loop between.
      const sizes = spec.writes;
      let at = 0;
      for (let k = 0; at < bytes.length && !closed; k++) {
        const end = Math.min(at + sizes[k % sizes.length], bytes.length);
        const ok = put(bytes.subarray(at, end), end === bytes.length);
        at = end;
        if (!ok) await drained();
        else await immediate();
      }
    } else {
      // As fast as the socket drains, in 64 KiB writes (or the scenario's
      // `write`); with `every`, a write every that many ms (a trickle).
      const write = spec.write || 65536;
      const every = spec.every || 0;
      const start = performance.now();
      let at = 0;
      for (let k = 1; at < bytes.length && !closed; k++) {
        const end = Math.min(at + write, bytes.length);
        const ok = put(bytes.subarray(at, end), end === bytes.length);
        at = end;
        if (!ok) await drained();
        if (every) {
          const wait = start + k * every - performance.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        }
      }
    }
    // The response stays open (the client closes it once every event has
    // arrived): an end would make every implementation reconnect.
  }

  // Many sources (node-many.mjs): each connection of a run gets `events`
  // events at `rate` per second from when it connected, then stays open.
  // One ticker every 10 ms serves every connection whose turn it is (the
  // connections are spread over the period), catching up if it ran late.
  const manyRuns = new Map(); // run → { connections, written, done }
  const manyConns = new Set();
  let ticker = null;
  function many(url, req, res, common) {
    const run = url.searchParams.get('run') || '0';
    const i = Number(url.searchParams.get('i'));
    const events = Number(url.searchParams.get('events')) || 100;
    const period = 1000 / (Number(url.searchParams.get('rate')) || 10);
    if (!manyRuns.has(run)) manyRuns.set(run, { connections: 0, written: 0, done: 0 });
    const stats = manyRuns.get(run);
    stats.connections++;
    res.writeHead(200, { ...common, 'Content-Type': 'text/event-stream' });
    res.flushHeaders();
    req.socket.setNoDelay(true);
    // The first event a spread of the period after connecting, by index.
    const c = { res, i, n: 0, events, period, due: performance.now() + ((i % 10) / 10) * period, stats };
    manyConns.add(c);
    open.add(res);
    res.on('close', () => {
      manyConns.delete(c);
      open.delete(res);
    });
    if (!ticker)
      ticker = setInterval(() => {
        const now = performance.now();
        for (const k of manyConns) {
          while (k.n < k.events && k.due <= now) {
            k.res.write(`id: ${k.n}\ndata: ${manyData(k.i, k.n)}\n\n`);
            k.n++;
            k.due += k.period;
            k.stats.written++;
            if (k.n === k.events) k.stats.done++;
          }
        }
        if (!manyConns.size) {
          clearInterval(ticker);
          ticker = null;
        }
      }, 10);
  }

  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    origin,
    /** Build (once) the bytes of a scenario's stream; returns their length. */
    prepare(name, spec) {
      if (!streams.has(name)) {
        const bytes = spec.kind === 'latency' ? Buffer.alloc(0) : streamBytes(name, spec);
        streams.set(name, { spec, bytes });
      }
      return streams.get(name).bytes.length;
    },
    /** How long the server took to write a run's stream (its own pace: the floor for the client's time). */
    writeMs(run) {
      return writeTimes.get(String(run)) ?? null;
    },
    /** When run's first /sse/ request arrived (wall clock ms), or null. */
    arrival(run) {
      return arrivals.get(String(run)) ?? null;
    },
    /** A mark in the request log; requestsSince(mark) lists what came after it. */
    mark() {
      return requests.length;
    },
    requestsSince(mark) {
      return requests.slice(mark);
    },
    manyStats(run) {
      return manyRuns.get(String(run)) ?? null;
    },
    bytes(name) {
      return streams.get(name)?.bytes;
    },
    release(name) {
      streams.delete(name);
    },
    async close() {
      for (const res of open) res.destroy();
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
