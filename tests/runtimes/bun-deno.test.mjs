// The package in Bun and Deno (both from npm, pinned), loaded as an app
// that depends on it loads it (node_modules/eventsource-wasm): ESM, and
// `require` in Bun; `/auto`, which installs EventSource where the runtime
// has none (Bun) and leaves a native one alone (Deno); then events,
// reconnection with Last-Event-ID and a POST with a header against the test
// server (tests/runtimes/scenario.mjs, the same cases as in workerd).

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { startServer } from '../server/server.mjs';
import { appDir, lastJson, root, runToEnd, runtime } from './helpers.mjs';
import { EXPECTED } from './scenario.mjs';

let server;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.close();
});

const SCENARIO = JSON.stringify(join(root, 'tests/runtimes/scenario.mjs'));

// Each program prints one JSON line: what the global EventSource was before
// and after the import, and what the scenario saw.
const PROGRAMS = {
  'esm.mjs': `
    const before = typeof globalThis.EventSource;
    const { EventSource, isPolyfill } = await import('eventsource-wasm');
    const { scenario } = await import(${SCENARIO});
    const result = await scenario(EventSource, process.argv[2], 'esm');
    console.log(JSON.stringify({ before, isPolyfill: isPolyfill(EventSource), result }));`,
  'auto.mjs': `
    const before = typeof globalThis.EventSource;
    const { isPolyfill } = await import('eventsource-wasm/auto');
    const { scenario } = await import(${SCENARIO});
    const installed = isPolyfill(globalThis.EventSource);
    // The scenario runs on whichever EventSource is global now; a native
    // one knows no POST, so there only events and reconnection are asked of it.
    const result = await scenario(globalThis.EventSource, process.argv[2], 'auto', { post: installed });
    console.log(JSON.stringify({ before, after: typeof globalThis.EventSource, installed, result }));`,
  'require.cjs': `
    const { EventSource, isPolyfill } = require('eventsource-wasm');
    import(${SCENARIO}).then(async ({ scenario }) => {
      const result = await scenario(EventSource, process.argv[2], 'require');
      console.log(JSON.stringify({ isPolyfill: isPolyfill(EventSource), result }));
    });`,
};

function run(name, file) {
  const { bin } = runtime(name);
  const dir = appDir(name);
  writeFileSync(join(dir, file), PROGRAMS[file]);
  // The test server's origin as the program's argument: Deno needs no
  // permission but --allow-net.
  const args = name === 'deno' ? ['run', '--allow-net', file, server.origin] : [file, server.origin];
  return runToEnd(bin, args, { cwd: dir }).then(lastJson);
}

// What Deno's own EventSource does of the same cases: no POST, and error
// events without this package's `reason`.
const { post, ...withoutPost } = EXPECTED;
const NATIVE = { ...withoutPost, reconnect: { ...withoutPost.reconnect, errors: [[null, 0]] } };

describe('Bun', () => {
  test('the ES module reads a stream, reconnects with Last-Event-ID and POSTs with a header', async () => {
    const out = await run('bun', 'esm.mjs');
    assert.deepEqual(out, { before: 'undefined', isPolyfill: true, result: EXPECTED });
  });

  test('require() gives the same class, which works the same', async () => {
    const out = await run('bun', 'require.cjs');
    assert.deepEqual(out, { isPolyfill: true, result: EXPECTED });
  });

  test('eventsource-wasm/auto installs EventSource, which Bun lacks, and it works', async () => {
    const out = await run('bun', 'auto.mjs');
    assert.deepEqual(out, { before: 'undefined', after: 'function', installed: true, result: EXPECTED });
  });
});

describe('Deno', () => {
  test('the ES module reads a stream, reconnects with Last-Event-ID and POSTs with a header, with only --allow-net', async () => {
    const out = await run('deno', 'esm.mjs');
    assert.deepEqual(out, { before: 'function', isPolyfill: true, result: EXPECTED });
  });

  test('eventsource-wasm/auto leaves Deno’s own EventSource in place', async () => {
    const out = await run('deno', 'auto.mjs');
    assert.deepEqual(out, { before: 'function', after: 'function', installed: false, result: NATIVE });
  });
});
