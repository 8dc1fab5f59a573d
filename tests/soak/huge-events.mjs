#!/usr/bin/env node
// Five 16 MiB events and a small one (big, big, small, big, big, big) through
// one source, in chunks of sizes given exactly, in a process of its own (so
// the wasm memory starts fresh, as a page's does). Prints one JSON line:
// each message's length, whether it arrived intact, and the wasm memory
// when it arrived. Used by tests/node/bad-input.test.mjs, where the memory
// after the first event must hold all the others.
//
//   node tests/soak/huge-events.mjs --chunks 65536 | seeded:SEED:MAX
//
// `seeded:SEED:MAX`: sizes from 1 to MAX bytes from a seeded generator (an
// LCG), the same in every run. The body comes from a `fetch` option, so the
// chunks reach the source exactly as split here.

import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const { EventSource, diagnostics } = await import(pathToFileURL(join(root, 'dist/index.js')).href);

const argv = process.argv.slice(2);
const spec = argv[argv.indexOf('--chunks') + 1];
if (!argv.includes('--chunks') || !spec) throw new Error('usage: huge-events.mjs --chunks BYTES | seeded:SEED:MAX');

function sizes(spec) {
  const [kind, seed, max] = spec.split(':');
  if (kind !== 'seeded') {
    const n = Number(spec);
    if (!(n >= 1)) throw new Error(`--chunks ${spec}: not a chunk size`);
    return () => n;
  }
  let state = Number(seed);
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return 1 + Math.floor((state / 2 ** 32) * Number(max));
  };
}

const nextSize = sizes(spec);
const kib = 'x'.repeat(1023) + 'y';
const data = kib.repeat(16 * 1024);
const big = `data: ${data}\n\n`;
const stream = new TextEncoder().encode(big + big + 'data: small\n\n' + big + big + big);
let at = 0;
const body = new ReadableStream(
  {
    pull(controller) {
      if (at === stream.length) return controller.close();
      const end = Math.min(at + nextSize(), stream.length);
      controller.enqueue(stream.slice(at, end));
      at = end;
    },
  },
  // One chunk per read: none is queued ahead of the parser.
  { highWaterMark: 0 },
);

const seen = [];
const result = await new Promise((resolve) => {
  const es = new EventSource('http://chunks.invalid/', {
    fetch: async () => new Response(body, { headers: { 'content-type': 'text/event-stream' } }),
  });
  const timer = setTimeout(() => {
    es.close();
    resolve({ error: `timed out after 60 s with ${seen.length} messages` });
  }, 60000);
  es.onerror = (e) => {
    es.close();
    clearTimeout(timer);
    resolve({ error: `${e.reason}: ${e.message}` });
  };
  es.onmessage = (e) => {
    seen.push({ length: e.data.length, intact: e.data === 'small' || e.data === data, memory: diagnostics().wasmMemoryBytes });
    // Before the body ends (which would be an error and a reconnection).
    if (seen.length === 6) {
      es.close();
      clearTimeout(timer);
      resolve({});
    }
  };
});
console.log(JSON.stringify({ ...result, seen }));
