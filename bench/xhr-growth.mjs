#!/usr/bin/env node
// How XHR's ever-growing responseText behaves on a long stream, and what
// recycling does about it: `node bench/xhr-growth.mjs [MiB]` (default 64).
//
// Streams MiB × 1024 events of ~1 KiB into headless Chromium three ways —
// XHR without event ids (cannot be recycled), XHR with ids (recycled every
// 8 MiB), fetch — and reports the time per 8 MiB slice (first and last) and
// the JS heap (used) sampled every 100 ms through the DevTools protocol.

import { readFileSync, readdirSync } from 'node:fs';

import { startServer, sseUrl } from '../tests/server/server.mjs';
import { launch } from '../tests/e2e/browser.mjs';

const mib = Number(process.argv[2] || 64);
const total = mib * 1024;

const server = await startServer();
const browser = await launch();

/** Resident memory of Chromium's renderer processes (where responseText lives), in bytes. */
function rendererRss() {
  let total = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.includes('--type=renderer')) continue;
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (rss) total += Number(rss[1]) * 1024;
    } catch {
      // the process is gone
    }
  }
  return total;
}

async function run(name, url, transport) {
  const page = await browser.newPage();
  await page.goto(`${server.origin}/tests/pages/harness.html?load=script`);
  await page.evaluate(() => window.loaded);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const base = (await cdp.send('Runtime.getHeapUsage')).usedSize;
  let peak = base;
  const rssBase = rendererRss();
  let rssPeak = rssBase;
  const sampler = setInterval(async () => {
    rssPeak = Math.max(rssPeak, rendererRss());
    try {
      const { usedSize } = await cdp.send('Runtime.getHeapUsage');
      peak = Math.max(peak, usedSize);
    } catch {
      // the page is closing
    }
  }, 100);
  const result = await page.evaluate(
    ({ url, transport, total }) =>
      new Promise((resolve) => {
        const es = new EventSource(url, { transport });
        const marks = [performance.now()];
        let n = 0;
        es.onmessage = () => {
          n++;
          if (n % 8192 === 0) marks.push(performance.now());
          if (n === total) {
            es.close();
            resolve({ n, marks });
          }
        };
        setTimeout(() => resolve({ n, marks, timeout: true }), 300000);
      }),
    { url, transport, total },
  );
  clearInterval(sampler);
  await cdp.send('HeapProfiler.collectGarbage');
  const after = (await cdp.send('Runtime.getHeapUsage')).usedSize;
  await page.close();
  const slices = result.marks.slice(1).map((t, i) => t - result.marks[i]);
  return {
    name,
    events: result.n,
    seconds: (result.marks.at(-1) - result.marks[0]) / 1000,
    firstSlice: slices[0],
    lastSlice: slices.at(-1),
    peakMB: (peak - base) / 1048576,
    rssMB: (rssPeak - rssBase) / 1048576,
    afterMB: (after - base) / 1048576,
    timeout: !!result.timeout,
  };
}

const withoutIds = sseUrl(server.origin, 'xhr-noid', [{ chunks: [{ repeat: total, text: `data: ${'x'.repeat(1000)}\n\n` }], end: 'open' }]);
const withIds = `${server.origin}/numbers?key=xhr-ids&total=${total}&size=1000&end=open`;
const rows = [];
rows.push(await run('XHR, no ids (never recycled)', withoutIds, 'xhr'));
rows.push(await run('XHR, ids (recycled every 8 MiB)', withIds, 'xhr'));
rows.push(await run('fetch, ids (reference)', withIds, 'fetch'));
await browser.close();
await server.close();

console.log(`\n${mib} MiB of ~1 KiB events into headless Chromium; times per 8 MiB slice\n`);
console.log('| transport | events | total s | first 8 MiB ms | last 8 MiB ms | renderer RSS peak growth MB | JS heap peak growth MB | JS heap after close + GC MB |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) {
  console.log(`| ${r.name} | ${r.events}${r.timeout ? ' (timeout)' : ''} | ${r.seconds.toFixed(1)} | ${r.firstSlice.toFixed(0)} | ${r.lastSlice.toFixed(0)} | ${r.rssMB.toFixed(0)} | ${r.peakMB.toFixed(1)} | ${r.afterMB.toFixed(1)} |`);
}
