#!/usr/bin/env node
// The cost of a shared stream (the `shared` option): how fast and how late
// events reach a follower tab, next to the leader that holds the
// connection, with 1, 4 and 8 tabs of one Chromium profile; and what the
// server pays (connections, bytes). Prints figures; never a test.
//
//   node bench/relay.mjs            (needs dist/: npm run build)
//
// Latency: the server stamps each event with its wall clock (sub-ms,
// performance.timeOrigin + performance.now()); each tab subtracts it from
// its own when the MessageEvent is dispatched. Throughput: a burst of
// events as fast as the server writes them, counted per tab.

import { startServer } from '../tests/server/server.mjs';
import { launch } from '../tests/e2e/browser.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const server = await startServer();
const browser = await launch();

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function tabs(context, n, url) {
  const pages = [];
  for (let i = 0; i < n; i++) {
    const page = await context.newPage();
    await page.goto(`${server.origin}/tests/pages/harness.html?load=esm`);
    await page.evaluate(() => window.loaded);
    await page.evaluate((url) => {
      const { EventSource, sharing } = window.EventSourceWasm;
      const es = new EventSource(url, { shared: true });
      window.__lat = [];
      window.__count = 0;
      window.__leads = () => sharing(es).leading;
      window.__es = es;
      es.onmessage = (e) => {
        window.__count++;
        const sent = Number(e.data.split(' ')[1]);
        if (sent) window.__lat.push(performance.timeOrigin + performance.now() - sent);
      };
    }, url);
    pages.push(page);
  }
  return pages;
}

// The /ticks endpoint stamps events with Date.now(); a finer stamp for latency:
// a stream of our own, every `every` ms, `per` events each time.
import { createServer } from 'node:http';
const stamps = { open: 0, requests: 0, bytes: 0 };
// A burst starts when every tab is ready (the bench opens the gate).
let gate = { promise: Promise.resolve(), open: () => {} };
function newGate() {
  let open;
  const promise = new Promise((resolve) => (open = resolve));
  gate = { promise, open };
}
const stamped = createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname === '/burst') await gate.promise;
  const every = Number(url.searchParams.get('every') || 10);
  const per = Number(url.searchParams.get('per') || 1);
  const total = Number(url.searchParams.get('total') || 1e9);
  stamps.open++;
  stamps.requests++;
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', 'Access-Control-Allow-Origin': '*' });
  res.flushHeaders();
  let i = Number(req.headers['last-event-id'] || 0) + 1;
  const timer = setInterval(() => {
    let out = '';
    for (let n = 0; n < per && i <= total; n++, i++) out += `id: ${i}\ndata: ${i} ${(performance.timeOrigin + performance.now()).toFixed(3)}\n\n`;
    stamps.bytes += out.length;
    if (out) res.write(out);
    if (i > total) {
      clearInterval(timer);
      res.end();
    }
  }, every);
  res.on('close', () => {
    clearInterval(timer);
    stamps.open--;
  });
});
await new Promise((r) => stamped.listen(0, '127.0.0.1', r));
const streamOrigin = `http://127.0.0.1:${stamped.address().port}`;

const rows = [];
for (const n of [1, 4, 8]) {
  const context = await browser.newContext();
  // Latency: 100 events/s for 5 s.
  stamps.requests = 0;
  stamps.bytes = 0;
  const pages = await tabs(context, n, `${streamOrigin}/lat?every=10&per=1&n=${n}-${Date.now()}`);
  await sleep(1000);
  for (const p of pages) await p.evaluate(() => (window.__lat = []));
  // The bytes of the 5 s window only (opening 8 tabs takes longer than 1).
  stamps.bytes = 0;
  await sleep(5000);
  const results = await Promise.all(pages.map((p) => p.evaluate(() => ({ lat: window.__lat, leads: window.__leads() }))));
  const connections = stamps.open;
  const bytes = stamps.bytes;
  const leader = results.filter((r) => r.leads).flatMap((r) => r.lat).sort((a, b) => a - b);
  const followers = results.filter((r) => !r.leads).flatMap((r) => r.lat).sort((a, b) => a - b);
  for (const p of pages) await p.evaluate(() => window.__es.close());
  await context.close();
  // Throughput: 50 000 events written as fast as the server can.
  const burst = await browser.newContext();
  const total = 50000;
  newGate();
  const bpages = await tabs(burst, n, `${streamOrigin}/burst?every=1&per=500&total=${total}&n=${n}-${Date.now()}`);
  await sleep(500);
  const t0 = Date.now();
  gate.open();
  const finish = {};
  while (Object.keys(finish).length < n && Date.now() - t0 < 60000) {
    const counts = await Promise.all(bpages.map((p) => p.evaluate(() => window.__count)));
    counts.forEach((c, i) => {
      if (c >= total && finish[i] === undefined) finish[i] = Date.now() - t0;
    });
    await sleep(20);
  }
  const leads = await Promise.all(bpages.map((p) => p.evaluate(() => window.__leads())));
  const leaderMs = bpages.map((_, i) => finish[i]).filter((_, i) => leads[i]);
  const followerMs = bpages.map((_, i) => finish[i]).filter((_, i) => !leads[i]);
  await burst.close();
  const median = (list) => list.slice().sort((a, b) => a - b)[Math.floor(list.length / 2)];
  rows.push({
    tabs: n,
    connections,
    bytes,
    leaderP50: percentile(leader, 50),
    leaderP99: percentile(leader, 99),
    followerP50: percentile(followers, 50),
    followerP99: percentile(followers, 99),
    leaderRate: leaderMs.length ? total / (median(leaderMs) / 1000) : NaN,
    followerRate: followerMs.length ? total / (median(followerMs) / 1000) : NaN,
  });
}

await browser.close();
await server.close();
stamped.close();

const f = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '—');
const k = (x) => (Number.isFinite(x) ? `${Math.round(x / 1000)}k` : '—');
console.log(`\nShared stream, Chromium ${process.env.CHROMIUM_VERSION || ''}(headless), ${new Date().toISOString().slice(0, 10)}: 100 events/s for 5 s (latency), then 50 000 events in bursts of 500 (throughput)\n`);
console.log('| tabs | server connections | server bytes (5 s) | leader p50 / p99 ms | follower p50 / p99 ms | follower − leader p50 ms | leader events/s | follower events/s |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) {
  console.log(
    `| ${r.tabs} | ${r.connections} | ${r.bytes} | ${f(r.leaderP50)} / ${f(r.leaderP99)} | ${f(r.followerP50)} / ${f(r.followerP99)} | ${f(r.followerP50 - r.leaderP50)} | ${k(r.leaderRate)} | ${k(r.followerRate)} |`,
  );
}
