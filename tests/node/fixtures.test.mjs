// Every fixture of crates/eventsource-core/tests/fixtures/ through the real path in
// Node: dist/index.js's EventSource, its wasm parser (the raw face), the
// batch that crosses into JavaScript undecoded and is decoded there once
// (src/batch.rs, src/js/link.js), and the MessageEvents dispatched. The
// stream is answered by a custom `fetch` (an option of the source) as a
// ReadableStream of chunks: the whole stream, split in two at every offset,
// and one byte per chunk; each must give exactly the fixture's events (type,
// data, lastEventId), in order. The crate's own tests check the parser the
// same way (crates/eventsource-core/tests/fixtures.rs); this checks everything
// between it and the listener, the decoding above all: a batch decoded in one
// call must cut into the same strings as each piece decoded on its own, also
// where a piece ends inside an invalid sequence.
//
// For the few fixtures over 4 KiB, "every offset" is every offset within
// 256 bytes of either end and 256 evenly spaced between, and byte by byte is
// left to the crate's tests (each split is a whole source here). Bodies are
// byte streams (as fetch's are: the BYOB reader) and, byte by byte, plain
// streams (the default reader).

import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const dir = join(root, 'crates/eventsource-core/tests/fixtures');
const SMALL = 4096;

let EventSource;
before(async () => {
  let ready;
  ({ EventSource, ready } = await import(pathToFileURL(join(root, 'dist/index.js')).href));
  await ready();
});

const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.sse'))
  .sort()
  .map((f) => {
    const name = f.slice(0, -4);
    const json = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8'));
    return { name, bytes: new Uint8Array(readFileSync(join(dir, f))), events: json.events.map((e) => [e.type, e.data, e.lastEventId]) };
  });

/** A response whose body gives `chunks` (copies: a BYOB read takes them over), then ends. */
function respond(chunks, bytes) {
  let i = 0;
  const body = new ReadableStream({
    type: bytes ? 'bytes' : undefined,
    pull(controller) {
      while (i < chunks.length && !chunks[i].length) i++;
      if (i < chunks.length) return controller.enqueue(chunks[i++].slice());
      controller.close();
      // A BYOB read waiting on a byte stream learns of the close from this.
      controller.byobRequest?.respond(0);
    },
  });
  return new Response(body, { headers: { 'Content-Type': 'text/event-stream' } });
}

/** The events one source gets from a body of `chunks`, until the body ends. */
function eventsOf(chunks, { bytes = true } = {}) {
  return new Promise((resolve, reject) => {
    const got = [];
    const es = new EventSource('http://127.0.0.1:9/fixture', { fetch: async () => respond(chunks, bytes) });
    // Every type a fixture uses, and `message`.
    const types = new Set(['message']);
    for (const f of fixtures) for (const [type] of f.events) types.add(type);
    const listener = (e) => got.push([e.type, e.data, e.lastEventId]);
    for (const type of types) es.addEventListener(type, listener);
    es.onerror = (e) => {
      es.close();
      if (e.reason === 'ended') resolve(got);
      else reject(new Error(`the source failed: ${e.reason} (${e.message})`));
    };
  });
}

function offsets(n) {
  if (n <= SMALL) return Array.from({ length: n + 1 }, (_, k) => k);
  const set = new Set();
  for (let k = 0; k <= 256; k++) {
    set.add(k);
    set.add(n - k);
  }
  for (let k = 1; k < 256; k++) set.add(Math.round((k * n) / 256));
  return [...set].sort((a, b) => a - b);
}

describe('every fixture through the wasm and the JavaScript batch (Node)', () => {
  test('the fixtures are there', () => {
    assert.ok(fixtures.length >= 70, `${fixtures.length} fixtures`);
    assert.ok(fixtures.some((f) => f.name === 'invalid_utf8_replaced'));
  });

  for (const f of fixtures) {
    test(f.name, { timeout: 60_000 }, async () => {
      const { bytes, events } = f;
      assert.deepEqual(await eventsOf([bytes]), events, 'whole');
      for (const k of offsets(bytes.length)) {
        const got = await eventsOf([bytes.subarray(0, k), bytes.subarray(k)]);
        assert.deepEqual(got, events, `split at ${k} of ${bytes.length}`);
      }
      if (bytes.length <= SMALL) {
        const one = Array.from(bytes, (b) => Uint8Array.of(b));
        assert.deepEqual(await eventsOf(one, { bytes: false }), events, 'byte by byte (default reader)');
      }
    });
  }
});
