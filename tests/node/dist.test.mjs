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
