// Many sources in one Node process: `sources` concurrent EventSources of one
// implementation against the benchmark server (in run.mjs's process, so its
// CPU is not counted here), each getting `events` JSON events of ~230 B at
// `rate` per second. Run by run.mjs, one child process per implementation
// and round (node --expose-gc bench/lib/node-many.mjs '<json>'), so no two
// share a heap; prints one JSON line.
//
// CPU per event: process.cpuUsage() (user + system, this process) over a
// steady window that starts `warmupMs` after the last source opened, divided
// by the events delivered in that window. Memory per source: resident memory
// (RSS) sampled every 500 ms over the same window, median, minus RSS before
// any source was made (after two full GCs, median of five samples), divided
// by the number of sources; also after two full GCs at the end with every
// source still open (what is really held). Every event is checked: its
// source and sequence number (data equals manyData(i, n) exactly, and
// lastEventId is n), and every source must get all its events.

import { pathToFileURL } from 'node:url';

import { manyData } from './scenarios.mjs';

const opts = JSON.parse(process.argv[2]);
const gc = globalThis.gc || (() => {});
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (a) => {
  const s = [...a].sort((p, q) => p - q);
  return s.length ? (s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : null;
};
const rss = () => process.memoryUsage.rss();
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000; // ms
};

let ES;
let diagnostics = null;
if (opts.impl === 'ours' || opts.impl === 'base') {
  const m = await import(pathToFileURL(opts.dist).href);
  // The core compiles in the background: have it before the baseline (it is
  // a cost per process, not per source).
  await m.ready();
  ES = m.EventSource;
  diagnostics = m.diagnostics;
} else {
  ES = (await import('eventsource')).EventSource;
}

const N = opts.sources;
const E = opts.events;
async function baseline() {
  gc();
  gc();
  const s = [];
  for (let k = 0; k < 5; k++) {
    await sleep(100);
    s.push(rss());
  }
  return median(s);
}
const rssBase = await baseline();
const heapBase = process.memoryUsage().heapUsed;
const wasmBase = diagnostics ? diagnostics().wasmMemoryBytes : null;

const counts = new Uint32Array(N);
let total = 0;
let bad = 0;
let firstBad = null;
let opened = 0;
let errors = 0;
let closedByError = 0;
const sources = [];
const cpuStart = cpu();
const tStart = performance.now();
for (let i = 0; i < N; i++) {
  const es = new ES(`${opts.origin}/sse/many?run=${opts.run}&i=${i}&events=${E}&rate=${opts.rate}`);
  es.onopen = () => opened++;
  es.onmessage = (e) => {
    const n = counts[i]++;
    total++;
    if (e.data !== manyData(i, n) || e.lastEventId !== String(n)) {
      bad++;
      if (firstBad === null) firstBad = { i, n, data: String(e.data).slice(0, 60), lastEventId: e.lastEventId };
    }
  };
  es.onerror = () => {
    errors++;
    if (es.readyState === 2) closedByError++;
  };
  sources.push(es);
}

async function until(pred, ms) {
  const deadline = performance.now() + ms;
  while (!pred() && performance.now() < deadline) await sleep(20);
  return pred();
}

const allOpen = await until(() => opened === N, 60000);
const openMs = performance.now() - tStart;
await sleep(opts.warmupMs);
const rssWindow = [];
const cpu0 = cpu();
const ev0 = total;
const t0 = performance.now();
while (performance.now() - t0 < opts.windowMs) {
  await sleep(500);
  rssWindow.push(rss());
}
const cpu1 = cpu();
const ev1 = total;
const windowMs = performance.now() - t0;
const heapWindow = process.memoryUsage().heapUsed;
const wasmWindow = diagnostics ? diagnostics().wasmMemoryBytes : null;

const allDone = await until(() => total === N * E, (E / opts.rate) * 1000 + 60000);
const cpuEnd = cpu();
// What is held with every source open and idle, garbage collected.
gc();
gc();
await sleep(200);
const rssLive = median([rss(), (await sleep(100), rss()), (await sleep(100), rss())]);
for (const es of sources) es.close();

let min = Infinity;
let max = 0;
for (const c of counts) {
  min = Math.min(min, c);
  max = Math.max(max, c);
}
const ok = allOpen && allDone && bad === 0 && min === E && max === E;
console.log(
  JSON.stringify({
    impl: opts.impl,
    ok,
    why: ok ? 'done' : !allOpen ? `${opened}/${N} opened` : bad ? `${bad} events wrong (first: ${JSON.stringify(firstBad)})` : `events per source ${min}..${max} of ${E}, ${total}/${N * E} in all`,
    sources: N,
    events: E,
    total,
    bad,
    errors,
    closedByError,
    openMs,
    windowMs,
    windowEvents: ev1 - ev0,
    cpuPerEventUs: ((cpu1 - cpu0) * 1000) / (ev1 - ev0),
    cpuWholeRunPerEventUs: ((cpuEnd - cpuStart) * 1000) / total,
    rssBase,
    rssWindowMedian: median(rssWindow),
    rssSamples: rssWindow.length,
    rssPerSource: (median(rssWindow) - rssBase) / N,
    rssLivePerSource: (rssLive - rssBase) / N,
    heapPerSource: (heapWindow - heapBase) / N,
    wasmPerSource: wasmBase === null ? null : (wasmWindow - wasmBase) / N,
  }),
);
process.exit(0);
