// The parser as wasm in Node, next to eventsource-parser, on the byte
// streams of scenarios.mjs's PARSER_STREAMS. Run by run.mjs in a child process
// (node --expose-gc bench/lib/node-parser.mjs '<json>'); prints one JSON line.
//
// Ours two ways: the wasm parser alone, through the `parseCount` export of
// the `bench`-feature build (the npm build has no such export: see
// lib/builds.mjs), and the real path, a whole `new EventSource()` of the
// dist/ snapshot with a trivial listener, two ways:
//
// - memory: a custom `fetch` (an option of both EventSources) answers with a
//   ReadableStream of the stream's 64 KiB chunks, already in memory;
//   eventsource-parser is fed the same chunks
//   (decoded with a streaming TextDecoder, as its users must).
// - loopback: `new EventSource(url)` against the benchmark server with Node's
//   own fetch; eventsource-parser is fed chunks recorded from a plain fetch of
//   the same URL, and a bare fetch read loop gives the network's own cost.
//
// Every run checks count, data and the sum of data lengths.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { Session } from 'node:inspector/promises';

import { PARSER_STREAMS, parserStreamText } from './scenarios.mjs';
import { summarizeProfile } from './profile.mjs';

const opts = JSON.parse(process.argv[2]);
const { EventSource: Ours, ready } = await import(pathToFileURL(opts.dist).href);
// The core compiles in the background: have it before the first timed run.
await ready();
// parseCount: the bench build's core glue, instantiated here on its own (it
// is a second instance of the module, used for nothing else).
const benchCore = createRequire(import.meta.url)(join(opts.benchDist, 'core-chunk.cjs'));
benchCore.glue.initSync({ module: new WebAssembly.Module(benchCore.wasmBytes()) });
const parseCount = (bytes, chunk) => {
  const [events, dataBytes] = benchCore.glue.parseCount(bytes, chunk);
  return { events, dataBytes };
};
const { EventSource: Pkg } = await import('eventsource');
const { createParser } = await import('eventsource-parser');

const CHUNK = 64 * 1024;
const gc = globalThis.gc || (() => {});

function memoryFetch(chunks) {
  return async () => {
    let i = 0;
    const body = new ReadableStream({
      pull(controller) {
        // The stream stays open after the last chunk, like a live one.
        if (i < chunks.length) controller.enqueue(chunks[i++]);
        else return new Promise(() => {});
      },
    });
    return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
  };
}

// `r.sum` is in UTF-16 code units (a JS string's length), or in UTF-8 bytes
// when `r.bytes` says so (parseCount counts the wasm's bytes).
function check(stream, r) {
  const each = r.bytes ? new TextEncoder().encode(stream.data).length : stream.data.length;
  const ok = r.n === stream.events && r.bad === 0 && r.sum === stream.events * each;
  return { ...r, ok };
}

function viaEventSource(Ctor, stream, url, init) {
  return new Promise((resolve) => {
    let n = 0;
    let bad = 0;
    let sum = 0;
    const N = stream.events;
    const DATA = stream.data;
    let done = false;
    const t0 = performance.now();
    const es = new Ctor(url, init);
    const finish = (why) => {
      if (done) return;
      done = true;
      const ms = performance.now() - t0;
      clearTimeout(timer);
      es.close();
      resolve(check(stream, { n, bad, sum, ms, why }));
    };
    es.onmessage = (e) => {
      const d = e.data;
      if (d !== DATA) bad++;
      sum += d.length;
      if (++n === N) finish('done');
    };
    es.onerror = () => {
      if (es.readyState === 2) finish('error');
    };
    const timer = setTimeout(() => finish('timeout'), 120000);
  });
}

function viaParser(stream, chunks) {
  let n = 0;
  let bad = 0;
  let sum = 0;
  const DATA = stream.data;
  const t0 = performance.now();
  const decoder = new TextDecoder();
  const parser = createParser({
    onEvent(e) {
      const d = e.data;
      if (d !== DATA) bad++;
      sum += d.length;
      n++;
    },
  });
  for (const c of chunks) parser.feed(decoder.decode(c, { stream: true }));
  return check(stream, { n, bad, sum, ms: performance.now() - t0, why: 'done' });
}

async function fetchChunks(url, expected) {
  const t0 = performance.now();
  const controller = new AbortController();
  const res = await fetch(url, { signal: controller.signal });
  const reader = res.body.getReader();
  const chunks = [];
  let bytes = 0;
  while (bytes < expected) {
    const { value, done } = await reader.read();
    if (done) break;
    chunks.push(value);
    bytes += value.length;
  }
  const ms = performance.now() - t0;
  controller.abort();
  return { chunks, bytes, ms };
}

const median = (a) => {
  const s = [...a].sort((p, q) => p - q);
  return s.length ? s[(s.length - 1) >> 1] : null;
};

const out = {};
let runId = 0;
for (const name of opts.streams) {
  const spec = PARSER_STREAMS[name];
  const stream = { events: spec.events, data: spec.data() };
  const bytes = new TextEncoder().encode(parserStreamText(spec.events, stream.data));
  const slices = [];
  for (let at = 0; at < bytes.length; at += CHUNK) slices.push(bytes.subarray(at, Math.min(at + CHUNK, bytes.length)));
  const fresh = () => slices.map((s) => s.slice());
  const impls = {
    // The wasm parser alone (the parseCount export): the bytes copied into
    // wasm memory once, parsed in 64 KiB pieces, events counted, nothing
    // made per event; data checked by count and total length in bytes.
    'ours, wasm parser alone': async () => {
      const t0 = performance.now();
      const r = parseCount(bytes, CHUNK);
      return check(stream, { n: r.events, bad: 0, sum: r.dataBytes, bytes: true, ms: performance.now() - t0, why: 'done' });
    },
    'eventsource-parser': async () => viaParser(stream, fresh()),
    ours: async () => viaEventSource(Ours, stream, `http://bench.invalid/${name}`, { fetch: memoryFetch(fresh()) }),
    eventsource: async () => viaEventSource(Pkg, stream, `http://bench.invalid/${name}`, { fetch: memoryFetch(fresh()) }),
  };
  const net = (key) => `${opts.origin}/sse/${name}?run=node-${process.pid}-${key}-${runId++}`;
  // Chunks as Node's fetch delivers this stream over loopback, recorded once.
  const recorded = opts.origin ? (await fetchChunks(net('record'), bytes.length)).chunks : null;
  const netImpls = opts.origin
    ? {
        'fetch read loop alone': async () => {
          const r = await fetchChunks(net('fetch'), bytes.length);
          return { n: stream.events, bad: r.bytes === bytes.length ? 0 : 1, sum: 0, ms: r.ms, ok: r.bytes === bytes.length, chunks: r.chunks.length };
        },
        'eventsource-parser (recorded chunks)': async () => viaParser(stream, recorded.map((c) => c.slice())),
        ours: async () => viaEventSource(Ours, stream, net('ours')),
        eventsource: async () => viaEventSource(Pkg, stream, net('pkg')),
      }
    : {};
  const result = { label: spec.label, bytes: bytes.length, chunks: slices.length, recordedChunks: recorded?.length ?? null, memory: {}, loopback: {} };
  for (const [group, table] of [
    ['memory', impls],
    ['loopback', netImpls],
  ]) {
    const names = Object.keys(table);
    const runs = Object.fromEntries(names.map((k) => [k, []]));
    for (let round = 0; round < opts.rounds; round++) {
      for (let j = 0; j < names.length; j++) {
        const k = names[(round + j) % names.length];
        gc();
        runs[k].push(await table[k]());
      }
    }
    for (const k of names) {
      const ok = runs[k].filter((r) => r.ok);
      const failed = runs[k].filter((r) => !r.ok);
      result[group][k] = {
        mbps: ok.length ? bytes.length / 1e6 / (median(ok.map((r) => r.ms)) / 1000) : null,
        runs: runs[k].length,
        failures: failed.length,
        failure: failed[0] ? { n: failed[0].n, bad: failed[0].bad, why: failed[0].why } : null,
      };
    }
  }
  // One untimed run of ours (in memory) under the CPU profiler.
  if (opts.profDist && opts.profile?.includes(name)) {
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    const { EventSource: Prof, ready: profReady } = await import(pathToFileURL(opts.profDist).href);
    await profReady();
    const chunks = fresh();
    gc();
    await session.post('Profiler.start');
    const r = await viaEventSource(Prof, stream, `http://bench.invalid/${name}`, { fetch: memoryFetch(chunks) });
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    result.profile = {
      ms: r.ms,
      ok: r.ok,
      summary: summarizeProfile(profile, { ours: (u) => u.includes('/.build/prof/'), harness: (u) => u.includes('node-parser.mjs'), wasmNames: opts.wasmNames ? JSON.parse(readFileSync(opts.wasmNames, 'utf8')) : null }),
    };
  }
  out[name] = result;
}
console.log(JSON.stringify(out));
process.exit(0);
