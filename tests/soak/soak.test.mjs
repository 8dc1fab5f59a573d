// The chaos soak at test size: 10 000 events through at least 50 cuts
// (mid-line, mid-UTF-8, between CR and LF, at event boundaries, right after
// the head, right after a `retry:` change; by FIN, truncated chunked body and
// RST), in Node (dist/index.js) and in Chromium over fetch and over forced
// XHR. Every event must arrive exactly once, in order, byte-exact, with one
// error event per cut, and close() must leave no connection at the server.
//
// Seeded and reproducible: SOAK_SEED=n overrides the seeds (the plan of the
// k-th connection depends only on the seed and k). The full-size run is
// `npm run soak` (tests/soak/soak.mjs).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { launch } from '../e2e/browser.mjs';
import { startChaosServer } from './chaos-server.mjs';
import { format, runChromium, runNode, verdict } from './runners.mjs';

const EVENTS = 10000;
const CUTS = 50;
const SEED = process.env.SOAK_SEED ? Number(process.env.SOAK_SEED) : null;
const seedFor = (fallback) => (SEED === null ? fallback : SEED) >>> 0;

let server;
let browser;

before(async () => {
  server = await startChaosServer();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

function check(result, seed) {
  console.log(format(result));
  const why = verdict(result, { events: EVENTS, cuts: CUTS });
  assert.deepEqual(why, [], `seed ${seed}: ${why.join('; ')}\n${format(result)}`);
  // Every kind of cut happened at least once (at this size every seed does).
  for (const [kind, n] of Object.entries(result.where)) assert.ok(n > 0, `seed ${seed}: no cut ${kind}`);
  for (const [kind, n] of Object.entries(result.how)) assert.ok(n > 0, `seed ${seed}: no cut by ${kind}`);
  assert.deepEqual(
    { sources: result.diagnostics.sources, timers: result.diagnostics.timers, listeners: result.diagnostics.listeners, requests: result.diagnostics.requests },
    { sources: 0, timers: 0, listeners: 0, requests: 0 },
    'nothing held after close()',
  );
}

describe(`chaos soak: ${EVENTS} events, ≥ ${CUTS} cuts`, () => {
  it(`Node (dist/index.js), seed ${seedFor(0x5eed0001)}`, async () => {
    const seed = seedFor(0x5eed0001);
    check(await runNode({ server, events: EVENTS, cuts: CUTS, seed, timeout: 45000 }), seed);
  });

  it(`Chromium, fetch transport, seed ${seedFor(0x5eed0002)}`, async () => {
    const seed = seedFor(0x5eed0002);
    check(await runChromium({ browser, server, events: EVENTS, cuts: CUTS, seed, transport: 'fetch', timeout: 45000 }), seed);
  });

  it(`Chromium, XHR transport (forced), seed ${seedFor(0x5eed0003)}`, async () => {
    const seed = seedFor(0x5eed0003);
    check(await runChromium({ browser, server, events: EVENTS, cuts: CUTS, seed, transport: 'xhr', timeout: 45000 }), seed);
  });
});
