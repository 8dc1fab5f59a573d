// bench/lib/retry-check.mjs's report of one page (what `npm run
// bench:rust-size` prints of each minimal build in Chromium): requests,
// items, and the first error with its wasm frames named from the build's
// names twin.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { describeRetry } from '../../bench/lib/retry-check.mjs';

test('a page that reconnected without an error says so', () => {
  assert.equal(describeRetry({ name: 'gloo-net', requests: 15, shown: ['message: one'], errors: [] }), 'gloo-net: 15 request(s) in 3 s, 1 list item(s) shown; no page error');
});

test('a trap is reported with its wasm frames named, innermost first, and unknown frames by index', () => {
  const stack = [
    'RuntimeError: unreachable',
    '    at x.wasm.panic (wasm://wasm/abc:wasm-function[7]:0x10)',
    '    at x.wasm.handle_error (wasm://wasm/abc:wasm-function[9]:0x20)',
    '    at x.wasm.f (wasm://wasm/abc:wasm-function[12]:0x30)',
    '    at http://127.0.0.1/page.js:1:2',
  ].join('\n');
  assert.equal(
    describeRetry({ name: 'reqwest-eventsource', requests: 1, shown: ['open: open', 'message: one'], errors: [stack, 'second'] }, { 7: 'core::panicking::panic_fmt', 9: 'EventSourceProjection::handle_error' }),
    'reqwest-eventsource: 1 request(s) in 3 s, 2 list item(s) shown; 2 page error(s), the first: RuntimeError: unreachable, in core::panicking::panic_fmt ← EventSourceProjection::handle_error ← wasm-function[12]',
  );
});

test('an error without wasm frames (a console error) is reported by its message alone', () => {
  assert.equal(
    describeRetry({ name: 'x', requests: 0, shown: [], errors: ['Failed to load resource: 404'] }, null),
    'x: 0 request(s) in 3 s, 0 list item(s) shown; 1 page error(s), the first: Failed to load resource: 404',
  );
});
