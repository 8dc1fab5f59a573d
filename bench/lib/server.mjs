// The benchmark's own HTTP server (loopback only): the pages, the libraries
// under test (from a snapshot of dist/ taken when the run starts, so a
// concurrent rebuild cannot change them mid-run), and the event streams,
// precomputed as bytes and written as fast as the socket drains.

import { createServer } from 'node:http';
import { extname } from 'node:path';
import { setImmediate as immediate } from 'node:timers/promises';

import { header, bodies, oddStream, PARSER_STREAMS, parserStreamText } from './scenarios.mjs';

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

/**
 * files: { '/path': { body: Buffer, type } } served as is.
 * libs: { impl: { src: '/path' | null, ctor: 'JS expression' } }.
 */
export async function startServer({ files, libs }) {
  const streams = new Map(); // name → { spec, bytes }
  const served = new Set(); // run ids already streamed: a reconnection gets 204 (never a second copy)
  const open = new Set();
  const writeTimes = new Map(); // run id → ms from the first write to the last byte accepted by the socket

  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const path = url.pathname;
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
    if (mode === 'init') {
      // initRun(): the library's text is fetched first (untimed), then run as
      // a classic script by inserting a <script> element with that text, which
      // executes synchronously: from just before it to the first constructed
      // EventSource is compile + run + first construction, never the network.
      // A unique comment defeats V8's compilation cache (the page also runs in
      // a browser context of its own, so a fresh renderer process).
      const nonce = JSON.stringify(url.searchParams.get('nonce') || '0');
      html +=
        '<script>\n' +
        'window.initPrepare = async function () {\n' +
        `  const src = ${JSON.stringify(lib.src)};\n` +
        `  window.__script = src ? Object.assign(document.createElement('script'), { text: '/*' + ${nonce} + '*/' + (await (await fetch(src)).text()) }) : null;\n` +
        '  return true;\n' +
        '};\n' +
        'window.initGo = function () {\n' +
        '  const s = window.__script;\n' +
        '  const t0 = performance.now();\n' +
        '  if (s) document.head.appendChild(s);\n' +
        '  const t1 = performance.now();\n' +
        `  const ES = ${lib.ctor};\n` +
        '  let tw = t1;\n' +
        '  if (window.EventSourceWasm) { window.EventSourceWasm.supportsSSE(); tw = performance.now(); }\n' +
        "  const es = new ES('/sse/none');\n" +
        '  const t2 = performance.now();\n' +
        '  es.close();\n' +
        '  return { script: t1 - t0, wasm: tw - t1, construct: t2 - tw, total: t2 - t0 };\n' +
        '};\n' +
        'window.initRun = async function () { await window.initPrepare(); return window.initGo(); };\n' +
        'window.compileRun = async function () {\n' +
        "  const bytes = await (await fetch('/lib/ours.wasm')).arrayBuffer();\n" +
        '  const t0 = performance.now();\n' +
        '  new WebAssembly.Module(bytes);\n' +
        '  return performance.now() - t0;\n' +
        '};\n' +
        'window.benchReady = true;\n' +
        '</script>\n';
    } else {
      if (lib.src) html += `<script src="${lib.src}"></script>\n`;
      html += `<script>window.__ES = ${lib.ctor};</script>\n`;
      html += '<script type="module">import * as h from "/bench/lib/page.mjs"; window.bench = h; window.benchReady = true;</script>\n';
    }
    res.writeHead(200, { ...common, 'Content-Type': 'text/html; charset=utf-8' });
    res.end(html);
  }

  async function sse(name, url, req, res, common) {
    const run = url.searchParams.get('run');
    if (name === 'none' || (run && served.has(run))) {
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
      // As fast as the socket drains, in 64 KiB writes.
      let at = 0;
      while (at < bytes.length && !closed) {
        const end = Math.min(at + 65536, bytes.length);
        const ok = put(bytes.subarray(at, end), end === bytes.length);
        at = end;
        if (!ok) await drained();
      }
    }
    // The response stays open (the client closes it once every event has
    // arrived): an end would make every implementation reconnect.
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
