// What dist/ (the npm package) must not carry: the test hooks (a forced
// panic) and the benchmark's export are cargo features the npm build never
// enables (scripts/test.mjs builds them apart, into test-artifacts/).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = join(dirname(fileURLToPath(import.meta.url)), '../../dist');

test('dist/ holds no test hook and no benchmark export, in any file (the wasm bytes included)', () => {
  const files = readdirSync(dist);
  assert.ok(files.some((f) => f.endsWith('.wasm')) && files.includes('eventsource-wasm.core.js'), 'dist/ is built');
  for (const file of files) {
    const text = readFileSync(join(dist, file), 'latin1');
    for (const hook of ['panicOnChunk', 'a panic forced by a test', 'parseCount']) {
      assert.ok(!text.includes(hook), `${file} contains ${hook}`);
    }
  }
});

test('the cores carry the wasm bytes without escapes a minifier could turn into octal: no NUL escape, and the classic core no \\xNN at all', () => {
  // Every wasm starts with \0asm; the embedded ones with U+0100 for the NUL.
  const js = readdirSync(dist).filter((f) => /\.c?js$/.test(f));
  const embedding = js.filter((f) => readFileSync(join(dist, f), 'utf8').includes('\u0100asm'));
  assert.deepEqual(
    embedding.map((f) => f.replace(/-[A-Z0-9]{8}\.js$/, '-HASH.js')).sort(),
    ['core-chunk-HASH.js', 'core-chunk-shared-HASH.js', 'core-chunk-shared.cjs', 'core-chunk.cjs', 'eventsource-wasm.core.js', 'eventsource-wasm.shared.js', 'static.js'],
  );
  for (const file of js) {
    const text = readFileSync(join(dist, file), 'utf8');
    assert.ok(!/\\(0|x00|u0000|u\{0+\})/.test(text), `${file} has no NUL escape`);
  }
  for (const file of ['eventsource-wasm.core.js', 'eventsource-wasm.shared.js']) {
    const text = readFileSync(join(dist, file), 'utf8');
    assert.ok(text.startsWith('\uFEFF'), `${file} starts with a byte order mark`);
    assert.ok(!/\\x[0-9a-fA-F]{2}/.test(text), `${file} has no \\xNN escape`);
  }
});
