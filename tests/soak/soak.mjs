#!/usr/bin/env node
// `npm run soak`: the chaos soak at full size. The chaos server
// (./chaos-server.mjs) streams numbered events and cuts the connection at
// seeded random points; each client must receive every event exactly once,
// in order, byte-exact. Prints the figures of each run; exits 1 if any run
// lost, duplicated or corrupted anything.
//
//   node tests/soak/soak.mjs [--events N] [--cuts M] [--seed S] [--runtime node|chromium|all]
//
// Defaults: 100000 events, 500 cuts, seed 20240601, runtime all (Node, then
// Chromium over fetch and over XHR). The same seed replays the same plan of
// cuts (the plan of the n-th connection depends only on the seed and n).

import { startChaosServer } from './chaos-server.mjs';
import { format, runChromium, runNode, verdict } from './runners.mjs';

function option(name, fallback) {
  const argv = process.argv.slice(2);
  const i = argv.indexOf(`--${name}`);
  if (i >= 0 && i + 1 < argv.length) return argv[i + 1];
  const eq = argv.find((a) => a.startsWith(`--${name}=`));
  return eq ? eq.slice(name.length + 3) : fallback;
}

const events = Number(option('events', 100000));
const cuts = Number(option('cuts', 500));
const seed = Number(option('seed', 20240601)) >>> 0;
const runtime = option('runtime', 'all');
if (!['node', 'chromium', 'all'].includes(runtime) || !(events > 0) || !(cuts >= 0)) {
  console.error('usage: node tests/soak/soak.mjs [--events N] [--cuts M] [--seed S] [--runtime node|chromium|all]');
  process.exit(2);
}

console.log(`chaos soak: ${events} events, ${cuts} cuts, seed ${seed}, runtime ${runtime}`);
const server = await startChaosServer();
const results = [];
let browser;
try {
  if (runtime === 'node' || runtime === 'all') {
    results.push(await runNode({ server, events, cuts, seed, timeout: 600000 }));
    console.log(format(results.at(-1)));
  }
  if (runtime === 'chromium' || runtime === 'all') {
    const { launch } = await import('../e2e/browser.mjs');
    browser = await launch();
    for (const transport of ['fetch', 'xhr']) {
      results.push(await runChromium({ browser, server, events, cuts, seed, transport, timeout: 600000 }));
      console.log(format(results.at(-1)));
    }
  }
} finally {
  await browser?.close();
  await server.close();
}

let failed = 0;
console.log('\nsummary (events, cuts, lost, duplicated, corrupted, elapsed):');
for (const r of results) {
  const why = verdict(r, { events, cuts });
  if (why.length) failed++;
  console.log(
    `${why.length ? '✗' : '✓'} ${r.label.padEnd(16)} events ${r.received}/${r.events}  cuts ${r.cuts}  lost ${r.lost}  duplicated ${r.duplicated}  corrupted ${r.corrupted}  ${(r.elapsedMs / 1000).toFixed(1)} s${why.length ? `  — ${why.join('; ')}` : ''}`,
  );
}
process.exit(failed ? 1 : 0);
