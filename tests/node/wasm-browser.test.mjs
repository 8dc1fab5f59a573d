// scripts/wasm-browser.mjs (how npm test runs the wasm-bindgen browser test
// binaries) fails with a message a user can act on when it cannot build a
// binary or when the page does not finish in time.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

function runScript(...args) {
  const result = spawnSync(process.execPath, ['scripts/wasm-browser.mjs', ...args], { cwd: root, encoding: 'utf8', timeout: 600000 });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

test('a test binary wasm-pack cannot build fails and names the wasm-pack command that failed', () => {
  const { code, output } = runScript('--test=no_such_binary');
  assert.equal(code, 1, output);
  assert.match(output, /error: wasm-pack test --chrome .*--test no_such_binary exited \(\d+\) before serving the page \(a build error\? is tests\/no_such_binary\.rs or tests\/no_such_binary\/main\.rs there\?\); it said:\n/);
});

test('a page that does not finish in time fails and says what it showed so far', () => {
  // The web binary, given 1 ms: the page cannot even load in that time.
  const { code, output } = runScript('--test=web', '--timeout-ms=1');
  assert.equal(code, 1, output);
  assert.match(output, /error: the test page of web did not finish in 0\.001 s \(.*\); it showed:\n/);
  assert.doesNotMatch(output, /test result: ok/);
});

test('running without a test binary name says how to call it', () => {
  const { code, output } = runScript();
  assert.equal(code, 2, output);
  assert.match(output, /usage: node scripts\/wasm-browser\.mjs --test=NAME/);
});
