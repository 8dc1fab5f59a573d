// The stream inspector (`inspectStream`, behind the demo's inspector page):
// the wasm writes one report as a `Uint8Array` (src/web/inspect.rs), the
// shell turns it into entries (src/js/inspect.js). Every kind of entry,
// from text and from bytes, with the WHATWG decoder's U+FFFD per invalid
// sequence in each piece.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const { inspectStream } = await import(pathToFileURL(join(root, 'dist/index.js')).href);

test('inspectStream reports events, retry, ignored lines and an incomplete end in stream order', async () => {
  const report = await inspectStream('retry: 5\nid: 1\nevent: ping\ndata: x\n\n: hi\nfoo: bar\nretry: soon\ndata: y');
  assert.deepEqual(report, [
    { kind: 'retry', retry: 5 },
    { kind: 'event', type: 'ping', data: 'x', lastEventId: '1' },
    { kind: 'ignored', line: ': hi', reason: "comment line (starts with ':')" },
    { kind: 'ignored', line: 'foo: bar', reason: 'unknown field name (only data, event, id and retry mean anything)' },
    { kind: 'ignored', line: 'retry: soon', reason: 'retry value is not a non-empty string of ASCII digits' },
    { kind: 'incomplete', pendingLine: 7, pendingData: 0 },
  ]);
});

test('inspectStream takes bytes, and each invalid sequence of a piece becomes one U+FFFD', async () => {
  const bytes = new Uint8Array([...new TextEncoder().encode('data: a'), 0xff, 0xe2, 0x82, ...new TextEncoder().encode('b\n\n')]);
  assert.deepEqual(await inspectStream(bytes), [{ kind: 'event', type: 'message', data: 'a\uFFFD\uFFFDb', lastEventId: '' }]);
});

test('inspectStream of an empty stream is an empty report', async () => {
  assert.deepEqual(await inspectStream(''), []);
});
