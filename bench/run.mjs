#!/usr/bin/env node
// `npm run bench`: eventsource-wasm against Chromium's native EventSource
// (the baseline, same page setup, same run) and two JS peers, `eventsource`
// (fetch-based) and `event-source-polyfill`, in headless Debian Chromium.
//
//   npm run bench                       full run (~8–9 minutes); writes its section of BENCHMARKS.md
//   npm run bench -- --quick            smoke run: 2 rounds, streams a fifth of the size
//   npm run bench -- --only=small,medium --impl=ours,native
//   options: --rounds=N  --no-build  --no-profile  --write (BENCHMARKS.md from a partial run)
//
// Figures (--only names): small medium large utf8 odd (throughput, CPU),
// floor (what a MessageEvent costs the platform), latency, memory, init,
// size, parser (native cargo bench + wasm in Node), profile (CPU profiles,
// not timed).
//
// Chromium (Debian's, never a download) is driven over a bare DevTools pipe,
// not Playwright's page API, whose Network instrumentation costs the browser
// more than the streams do (see lib/cdp.mjs). Other files: lib/server.mjs
// (the streams, precomputed, written as fast as the socket drains),
// lib/page.mjs (the in-page runs and checks), lib/scenarios.mjs (the streams'
// generator, shared by both), lib/node-parser.mjs (the Node figures),
// lib/builds.mjs (dist/ snapshot, peers' bundles, profiling build).
//
// Method: every scenario runs `rounds` times; each round runs every
// implementation once, the order rotating from round to round, each on a
// freshly loaded page. Every run checks every event (order, exact data, type,
// lastEventId): a run that loses or corrupts anything is a failure, not a
// number. Ratios to native: native's median over the implementation's
// median (and the same with best runs); CPU ratios the other way round.
// Raw results: bench/.build/results.json; the tables: bench/.build/report.md.

import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

import { FULL, QUICK, PARSER_STREAMS } from './lib/scenarios.mjs';
import { startServer } from './lib/server.mjs';
import { snapshotDist, buildPeers, buildProfiling } from './lib/builds.mjs';
import { launchChromium } from './lib/cdp.mjs';
import { summarizeProfile } from './lib/profile.mjs';
import { CHROMIUM } from '../tests/e2e/browser.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const out = join(here, '.build');
mkdirSync(out, { recursive: true });

// ---------------------------------------------------------------- options

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const option = (name) => {
  const hit = argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? hit.slice(name.length + 3) : null;
};
const quick = flag('quick');
const ALL_FIGURES = ['small', 'medium', 'large', 'utf8', 'odd', 'floor', 'latency', 'memory', 'init', 'size', 'parser', 'profile'];
const only = (option('only') ? option('only').split(',') : ALL_FIGURES).filter((f) => !(flag('no-profile') && f === 'profile'));
for (const f of only) if (!ALL_FIGURES.includes(f)) throw new Error(`--only: unknown figure ${f} (known: ${ALL_FIGURES.join(', ')})`);
const ALL_IMPLS = ['ours', 'native', 'eventsource', 'polyfill'];
const impls = option('impl') ? option('impl').split(',') : ALL_IMPLS;
for (const i of impls) if (!ALL_IMPLS.includes(i)) throw new Error(`--impl: unknown implementation ${i} (known: ${ALL_IMPLS.join(', ')})`);
const rounds = Number(option('rounds')) || (quick ? 2 : 5);
// The short throughput scenarios get more rounds: the machine is shared and
// one run in a few is slowed down by other work.
const roundsFor = (name) => Number(option('rounds')) || (quick ? 2 : ['small', 'medium', 'utf8', 'odd'].includes(name) ? 7 : 5);
const specs = quick ? QUICK : FULL;
const partial = quick || !!option('only') || !!option('impl') || !!option('rounds');
const writeDoc = flag('write') || !partial;

const LABEL = { ours: 'ours', native: 'native', eventsource: 'eventsource', polyfill: 'event-source-polyfill' };
const log = (...m) => console.error(...m);
const started = Date.now();

// ---------------------------------------------------------------- build

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

const distIndex = join(root, 'dist/index.js');
const stale = !existsSync(distIndex) || Math.max(newestMtime(join(root, 'src')), statSync(join(root, 'Cargo.toml')).mtimeMs) > statSync(distIndex).mtimeMs;
if (stale && !flag('no-build')) {
  log('bench: dist/ is missing or older than src/: node scripts/build.mjs --quiet');
  execFileSync(process.execPath, ['scripts/build.mjs', '--quiet'], { cwd: root, stdio: 'inherit' });
} else if (stale) {
  log('bench: warning: dist/ is older than src/ (--no-build): measuring the old build');
}
const snap = snapshotDist(root, out);
log(`bench: measuring dist/ built ${snap.builtAt.toISOString()} (wasm ${snap.wasmSha}, index.js ${snap.indexSha})`);
await buildPeers(root, out);
let prof = null;
if (only.includes('profile') && impls.includes('ours')) {
  try {
    prof = await buildProfiling(root, out, readFileSync(join(snap.dir, 'eventsource_wasm_bg.wasm')));
    log(`bench: profiling build ${prof.matchesDist ? 'has the same wasm code as dist/ (plus names)' : 'DIFFERS from dist/ (the release artifact in target/ is newer or older than dist/)'}`);
  } catch (error) {
    log(`bench: no profiling build (${error.message.split('\n')[0]}); profiles skipped`);
  }
}

// ---------------------------------------------------------------- server, browser

const text = (p) => readFileSync(p, 'utf8');
const files = {
  '/bench/lib/page.mjs': { body: readFileSync(join(here, 'lib/page.mjs')) },
  '/bench/lib/scenarios.mjs': { body: readFileSync(join(here, 'lib/scenarios.mjs')) },
  '/lib/ours.js': { body: readFileSync(join(snap.dir, 'eventsource-wasm.js')) },
  '/lib/ours.wasm': { body: readFileSync(join(snap.dir, 'eventsource_wasm_bg.wasm')) },
  '/lib/eventsource.js': { body: readFileSync(join(out, 'eventsource.js')) },
  '/lib/polyfill.js': { body: readFileSync(join(out, 'polyfill.js')) },
};
if (prof) files['/lib/ours-prof.js'] = { body: readFileSync(prof.path) };
const libs = {
  ours: { src: '/lib/ours.js', ctor: 'window.EventSourceWasm.EventSource' },
  native: { src: null, ctor: 'window.EventSource' },
  eventsource: { src: '/lib/eventsource.js', ctor: 'window.EventSourcePkg.EventSource' },
  polyfill: { src: '/lib/polyfill.js', ctor: 'window.EventSourcePolyfill' },
  'ours-prof': { src: '/lib/ours-prof.js', ctor: 'window.EventSourceWasm.EventSource' },
};
const server = await startServer({ files, libs });

const needBrowser = only.some((f) => !['size', 'parser'].includes(f));
let browser = null;
let page = null;
if (needBrowser) {
  if (!CHROMIUM) throw new Error('Chromium not found (apt-get install chromium); the benchmark never downloads a browser');
  // A bare CDP pipe rather than Playwright's page API: see lib/cdp.mjs.
  browser = await launchChromium(CHROMIUM, ['--enable-precise-memory-info', '--js-flags=--expose-gc']);
  page = await browser.newPage();
}

// ---------------------------------------------------------------- /proc

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** Chromium's processes (every descendant of this process but node children): pid → { ticks, rss, renderer }. */
function chromiumProcesses() {
  const procs = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const s = readFileSync(`/proc/${d}/stat`, 'utf8');
      const close = s.lastIndexOf(')');
      const f = s.slice(close + 2).split(' ');
      procs.set(Number(d), { comm: s.slice(s.indexOf('(') + 1, close), ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]), rssPages: Number(f[21]) });
    } catch {
      // gone
    }
  }
  const children = new Map();
  for (const [pid, p] of procs) {
    if (!children.has(p.ppid)) children.set(p.ppid, []);
    children.get(p.ppid).push(pid);
  }
  const found = new Map();
  const stack = [...(children.get(process.pid) || [])];
  while (stack.length) {
    const pid = stack.pop();
    const p = procs.get(pid);
    if (p.comm !== 'node') found.set(pid, p);
    stack.push(...(children.get(pid) || []));
  }
  return found;
}

/** CPU seconds used by Chromium's processes between two snapshots (processes alive at the end). */
function cpuBetween(a, b) {
  let ticks = 0;
  for (const [pid, p] of b) ticks += p.ticks - (a.get(pid)?.ticks ?? 0);
  return (ticks / CLK_TCK) * 1000;
}

function rendererPids() {
  const pids = [];
  for (const pid of chromiumProcesses().keys()) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer')) pids.push(pid);
    } catch {
      // gone
    }
  }
  return pids;
}

/** CPU ticks of this process and all its descendants, reaped ones included (cutime/cstime). */
function treeTicks() {
  const procs = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const s = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
      procs.set(Number(d), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) });
    } catch {
      // gone
    }
  }
  let ticks = 0;
  const stack = [process.pid];
  while (stack.length) {
    const pid = stack.pop();
    ticks += procs.get(pid)?.ticks ?? 0;
    for (const [child, p] of procs) if (p.ppid === pid) stack.push(child);
  }
  return ticks;
}

/** Busy ticks of the whole machine (all cores), from /proc/stat. */
function machineBusy() {
  const f = text('/proc/stat').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  return total - f[3] - f[4];
}
const busyAtStart = machineBusy();
const oursAtStart = treeTicks();

const PAGE = 4096;
function rssOf(pids) {
  let total = 0;
  for (const pid of pids) {
    try {
      const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
      total += Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[21]) * PAGE;
    } catch {
      // gone
    }
  }
  return total;
}

// ---------------------------------------------------------------- helpers

const median = (a) => {
  const s = a.filter((v) => v !== null && v !== undefined && !Number.isNaN(v)).sort((p, q) => p - q);
  if (!s.length) return null;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const percentile = (a, p) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : null;
};
const rotate = (list, r) => list.map((_, j) => list[(j + r) % list.length]);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let runCounter = 0;

/** Wait until Chromium's set of processes stops changing (a navigation can start a spare renderer). */
async function settle() {
  let last = '';
  let same = 0;
  for (let i = 0; i < 40 && same < 3; i++) {
    const now = [...chromiumProcesses().keys()].join(',');
    same = now === last ? same + 1 : 0;
    last = now;
    await sleep(50);
  }
}

async function openPage(impl, name, spec) {
  await page.navigate(`${server.origin}/page?impl=${impl}`, 'window.benchReady === true');
  await page.evaluate(`window.bench.prepare(${JSON.stringify(name)}, ${JSON.stringify(spec)})`);
  await settle();
}

const runInPage = (url, opts) => page.evaluate(`window.bench.run(${JSON.stringify(url)}, ${JSON.stringify(opts)})`);

function verdict(r) {
  if (r.why !== 'done') return r.why;
  if (r.n !== r.N) return `${r.n}/${r.N} events`;
  if (r.bad) return `${r.bad} events wrong (first: #${r.firstBad.i} ${r.firstBad.what})`;
  if (r.expectedSum !== null && r.sum !== r.expectedSum) return `checksum ${r.sum} ≠ ${r.expectedSum}`;
  return null;
}

/** One streamed run of one implementation in a fresh page; CPU of all Chromium processes around it. */
async function browserRun(impl, name, spec, { memory = false, profile = false, liveEvery = 0 } = {}) {
  await openPage(impl, name, spec);
  const runId = ++runCounter;
  const url = `/sse/${name}?run=${runId}`;
  const cdp = page;
  let mem = null;
  if (memory) {
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('HeapProfiler.collectGarbage');
    const base = await cdp.send('Runtime.getHeapUsage');
    const wasmBefore = impl === 'ours' ? await page.evaluate('window.EventSourceWasm.diagnostics().wasmMemoryBytes') : null;
    const renderers = rendererPids();
    mem = { base, wasmBefore, renderers, rssBase: rssOf(renderers), peak: { used: 0, embedder: 0, backing: 0, total: 0 }, rssPeak: 0, samples: 0, stop: false };
    const total = (u) => u.usedSize + u.embedderHeapUsedSize + u.backingStorageSize;
    mem.loop = (async () => {
      while (!mem.stop) {
        try {
          const u = await cdp.send('Runtime.getHeapUsage');
          mem.samples++;
          mem.peak.used = Math.max(mem.peak.used, u.usedSize - base.usedSize);
          mem.peak.embedder = Math.max(mem.peak.embedder, u.embedderHeapUsedSize - base.embedderHeapUsedSize);
          mem.peak.backing = Math.max(mem.peak.backing, u.backingStorageSize - base.backingStorageSize);
          mem.peak.total = Math.max(mem.peak.total, total(u) - total(base));
          mem.rssPeak = Math.max(mem.rssPeak, rssOf(renderers) - mem.rssBase);
        } catch {
          break;
        }
        await sleep(2);
      }
    })();
  }
  if (profile) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    await cdp.send('Profiler.start');
  }
  const before = chromiumProcesses();
  const r = await runInPage(url, { impl, sampleMemory: memory, liveEvery });
  const after = chromiumProcesses();
  r.cpuMs = cpuBetween(before, after);
  r.newProcesses = [...after.keys()].filter((pid) => !before.has(pid)).length;
  r.serverWriteMs = server.writeMs(runId);
  if (process.env.BENCH_DEBUG_CPU) for (const [pid, p] of after) if (p.ticks - (before.get(pid)?.ticks ?? 0) > 0) log(`    pid ${pid} ${before.has(pid) ? '' : 'NEW '}+${p.ticks - (before.get(pid)?.ticks ?? 0)} ticks`);
  r.failure = verdict(r);
  if (profile) r.profile = (await cdp.send('Profiler.stop')).profile;
  if (memory) {
    mem.stop = true;
    await mem.loop;
    if (impl === 'ours') r.wasmGrowth = (await page.evaluate('window.EventSourceWasm.diagnostics().wasmMemoryBytes')) - mem.wasmBefore;
    await sleep(100);
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('HeapProfiler.collectGarbage');
    const end = await cdp.send('Runtime.getHeapUsage');
    const total = (u) => u.usedSize + u.embedderHeapUsedSize + u.backingStorageSize;
    r.memory = {
      peakTotal: mem.peak.total,
      peakUsed: mem.peak.used,
      peakEmbedder: mem.peak.embedder,
      peakBacking: mem.peak.backing,
      inPagePeakUsed: r.heapPeak - r.heapBase,
      live: r.livePeak - r.heapBase,
      after: total(end) - total(mem.base),
      rssPeak: mem.rssPeak,
      samples: mem.samples,
    };
  }
  if (profile) await cdp.send('Profiler.disable');
  return r;
}

// ---------------------------------------------------------------- measurements

const results = {
  date: new Date().toISOString(),
  quick,
  rounds,
  impls,
  machine: {
    nproc: availableParallelism(),
    cpu: (/model name\s*:\s*(.*)/.exec(text('/proc/cpuinfo')) || [])[1] || 'unknown',
    chromium: browser ? browser.version : null,
    node: process.version,
    load: text('/proc/loadavg').split(' ').slice(0, 3).join(' '),
  },
  dist: { builtAt: snap.builtAt.toISOString(), wasmSha: snap.wasmSha, indexSha: snap.indexSha },
  throughput: {},
  latency: null,
  memory: null,
  init: null,
  size: null,
  parser: null,
  profiles: {},
};

const THROUGHPUT = ['small', 'medium', 'large', 'utf8', 'odd'].filter((s) => only.includes(s));

// Warm-up, discarded: one short run of every implementation, so that the
// first measured run does not also pay for a cold renderer and network stack.
if (browser && only.some((f) => [...THROUGHPUT, 'latency', 'memory'].includes(f))) {
  const spec = { ...QUICK.small, events: 5000 };
  server.prepare('warmup', spec);
  for (const impl of impls) {
    const r = await browserRun(impl, 'warmup', spec);
    if (r.failure) log(`bench: warm-up ${impl}: FAILED: ${r.failure}`);
  }
  server.release('warmup');
}
for (const name of THROUGHPUT) {
  const spec = specs[name];
  const bytes = server.prepare(name, spec);
  const rounds = roundsFor(name);
  log(`bench: ${name}: ${spec.events} events, ${(bytes / 1048576).toFixed(1)} MiB, ${rounds} rounds × ${impls.join(', ')}`);
  const runs = Object.fromEntries(impls.map((i) => [i, []]));
  for (let round = 0; round < rounds; round++) {
    for (const impl of rotate(impls, round)) {
      const r = await browserRun(impl, name, spec);
      r.round = round;
      runs[impl].push(r);
      log(`  round ${round + 1} ${impl.padEnd(11)} ${r.failure ? `FAILED: ${r.failure}` : `${r.ms.toFixed(0).padStart(6)} ms`}  cpu ${r.cpuMs.toFixed(0)} ms`);
    }
  }
  server.release(name);
  results.throughput[name] = { spec, bytes, runs: strip(runs) };
}

function strip(runs) {
  // Keep results.json small: no per-event arrays.
  const o = {};
  for (const [k, list] of Object.entries(runs)) o[k] = list.map(({ profile, latencies, ...rest }) => (latencies ? { ...rest, latencies } : rest));
  return o;
}

if (only.includes('floor')) {
  await openPage('native', 'warmup', { ...QUICK.small, events: 1 });
  results.floor = await page.evaluate('window.bench.eventFloor()');
  delete results.floor.sink;
  log(`bench: floor: ${Object.entries(results.floor).map(([k, v]) => `${k} ${v.toFixed(2)} µs`).join('; ')}`);
}

if (only.includes('latency')) {
  const name = 'latency';
  const spec = specs.latency;
  server.prepare(name, spec);
  log(`bench: latency: ${spec.events} events at ${spec.rate}/s, ${rounds} rounds`);
  const runs = Object.fromEntries(impls.map((i) => [i, []]));
  for (let round = 0; round < rounds; round++) {
    for (const impl of rotate(impls, round)) {
      await openPage(impl, name, spec);
      const clock = await page.evaluate('window.bench.clockOffset()');
      const before = chromiumProcesses();
      const r = await runInPage(`/sse/latency?run=${++runCounter}`, { impl });
      r.cpuMs = cpuBetween(before, chromiumProcesses());
      r.failure = verdict(r);
      r.clock = clock;
      r.p50 = percentile(r.latencies, 50);
      r.p99 = percentile(r.latencies, 99);
      runs[impl].push(r);
      log(`  round ${round + 1} ${impl.padEnd(11)} ${r.failure ? `FAILED: ${r.failure}` : `p50 ${r.p50.toFixed(3)} ms  p99 ${r.p99.toFixed(3)} ms`}  (clock offset ${clock.offset.toFixed(3)} ms, rtt ${clock.rtt.toFixed(3)} ms)`);
    }
  }
  results.latency = { spec, runs: strip(runs) };
}

if (only.includes('memory')) {
  const name = 'memory';
  const spec = specs.memory;
  const bytes = server.prepare(name, spec);
  log(`bench: memory: ${spec.events} × ${spec.size / 1024} KiB events (${(bytes / 1048576).toFixed(0)} MiB), ${rounds} rounds`);
  const runs = Object.fromEntries(impls.map((i) => [i, []]));
  for (let round = 0; round < rounds; round++) {
    for (const impl of rotate(impls, round)) {
      const r = await browserRun(impl, name, spec, { memory: true });
      runs[impl].push(r);
      const m = r.memory;
      log(`  round ${round + 1} ${impl.padEnd(11)} ${r.failure ? `FAILED: ${r.failure} ` : ''}peak +${(m.peakTotal / 1e6).toFixed(1)} MB (CDP, ${m.samples} samples), JS in-page +${(m.inPagePeakUsed / 1e6).toFixed(1)} MB, after GC +${(m.after / 1e6).toFixed(2)} MB, RSS +${(m.rssPeak / 1e6).toFixed(0)} MB, wasm +${((r.wasmGrowth ?? 0) / 1e6).toFixed(1)} MB, ${r.ms.toFixed(0)} ms`);
    }
  }
  // The same stream with a full GC every LIVE_EVERY events: the live memory mid-stream.
  const LIVE_EVERY = Math.max(1, Math.round(spec.events / 25));
  const live = Object.fromEntries(impls.map((i) => [i, []]));
  for (let round = 0; round < Math.min(rounds, 3); round++) {
    for (const impl of rotate(impls, round)) {
      const r = await browserRun(impl, name, spec, { memory: true, liveEvery: LIVE_EVERY });
      live[impl].push(r);
      log(`  live ${round + 1}  ${impl.padEnd(11)} ${r.failure ? `FAILED: ${r.failure} ` : ''}live peak +${(r.memory.live / 1e6).toFixed(2)} MB, wasm +${((r.wasmGrowth ?? 0) / 1e6).toFixed(1)} MB`);
    }
  }
  server.release(name);
  results.memory = { spec, bytes, liveEvery: LIVE_EVERY, runs: strip(runs), live: strip(live) };
}

if (only.includes('init')) {
  const reps = quick ? 3 : 11;
  log(`bench: init: ${reps} repetitions, each in a browser context (renderer process) of its own`);
  const keys = [...impls, ...(impls.includes('ours') ? ['ours: wasm compile alone'] : [])];
  const runs = Object.fromEntries(keys.map((i) => [i, []]));
  const initPage = async (impl, rep) => {
    const p = await browser.newPage({ isolated: true });
    await p.navigate(`${server.origin}/page?impl=${impl}&mode=init&nonce=${Date.now()}-${rep}`, 'window.benchReady === true');
    await sleep(50);
    return p;
  };
  for (let rep = 0; rep < reps; rep++) {
    for (const key of rotate(keys, rep)) {
      const compile = key === 'ours: wasm compile alone';
      const p = await initPage(compile ? 'ours' : key, rep);
      runs[key].push(compile ? { total: await p.evaluate('window.compileRun()') } : await p.evaluate('window.initRun()'));
      await p.close();
    }
  }
  results.init = { reps, runs };
  if (impls.includes('ours') && only.includes('profile')) {
    // One more cold init of ours under the profiler (dist build: minified names).
    const p = await initPage('ours', 'profile');
    await p.evaluate('window.initPrepare()');
    await p.send('Profiler.enable');
    await p.send('Profiler.setSamplingInterval', { interval: 50 });
    await p.send('Profiler.start');
    const r = await p.evaluate('window.initGo()');
    const { profile } = await p.send('Profiler.stop');
    await p.close();
    results.profiles['init/ours'] = { failure: null, ms: r.total, summary: summarizeProfile(profile, { ours: (u) => u.endsWith('/lib/ours.js') }) };
  }
  for (const k of keys) log(`  ${k.padEnd(11)} total ${median(runs[k].map((r) => r.total)).toFixed(2)} ms`);
}

if (only.includes('profile') && prof) {
  for (const name of ['small', 'large', 'odd']) {
    const spec = specs[name];
    server.prepare(name, spec);
    for (const impl of ['ours-prof', ...(impls.includes('native') ? ['native'] : [])]) {
      const r = await browserRun(impl, name, spec, { profile: true });
      results.profiles[`${name}/${impl}`] = {
        failure: r.failure,
        ms: r.ms,
        summary: summarizeProfile(r.profile, { ours: (u) => u.endsWith('/lib/ours-prof.js'), harness: (u) => u.endsWith('/page.mjs') }),
      };
      log(`bench: profile ${name} ${impl}: ${r.failure || `${r.ms.toFixed(0)} ms`}`);
    }
    server.release(name);
  }
}

// Everything else the machine did meanwhile (other users' tests, builds): the noise floor of these figures.
const busyDelta = machineBusy() - busyAtStart;
const oursDelta = treeTicks() - oursAtStart;
const elapsedTicks = ((Date.now() - started) / 1000) * CLK_TCK;
results.machine.otherCores = Math.max(0, (busyDelta - oursDelta) / elapsedTicks);
results.machine.loadEnd = text('/proc/loadavg').split(' ').slice(0, 3).join(' ');
if (browser) await browser.close();

if (only.includes('size')) {
  const entry = (label, path) => {
    const data = readFileSync(path);
    return { label, raw: data.length, gzip: gzipSync(data, { level: 9 }).length };
  };
  results.size = [
    entry('ours: dist/index.js (ESM, wasm embedded)', join(snap.dir, 'index.js')),
    entry('ours: dist/eventsource-wasm.js (classic script, wasm embedded)', join(snap.dir, 'eventsource-wasm.js')),
    entry('ours: dist/eventsource_wasm_bg.wasm (the wasm alone)', join(snap.dir, 'eventsource_wasm_bg.wasm')),
    entry('eventsource 4.1.1 (esbuild ESM bundle, minified, with eventsource-parser)', join(out, 'eventsource.esm.js')),
    entry('event-source-polyfill 1.0.31 (its eventsource.min.js)', join(out, 'polyfill.js')),
    entry('eventsource-parser 3.1.1 (esbuild ESM bundle, minified)', join(out, 'eventsource-parser.esm.js')),
  ];
}

if (only.includes('parser')) {
  log('bench: parser: cargo bench --bench parser');
  const cargo = execFileSync('cargo', ['bench', '--bench', 'parser'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 24 });
  const native = {};
  for (const line of cargo.split('\n')) {
    const m = /^(.+?)\s+(\d+) events\s+([\d.]+) MiB\s+(\d+) MB\/s\s+\(median of (\d+) runs, min (\d+), max (\d+)\)/.exec(line);
    if (m) native[m[1].trim()] = { events: Number(m[2]), mbps: Number(m[4]), runs: Number(m[5]), min: Number(m[6]), max: Number(m[7]) };
  }
  const streams = ['p32', 'p1k', 'p1m', 'p1ku'];
  const lengths = {};
  for (const s of streams) lengths[s] = server.prepare(s, { kind: 'parser' });
  log(`bench: parser: wasm in Node vs eventsource-parser (${quick ? 3 : 7} rounds)`);
  const child = spawn(process.execPath, ['--expose-gc', join(here, 'lib/node-parser.mjs'), JSON.stringify({ dist: join(snap.dir, 'index.js'), profDist: prof?.esm ?? null, profile: only.includes('profile') ? ['p32', 'p1k'] : [], origin: server.origin, rounds: quick ? 3 : 7, streams })], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  const code = await new Promise((r) => child.on('exit', r));
  if (code !== 0) throw new Error(`bench/lib/node-parser.mjs exited with ${code}`);
  const node = JSON.parse(stdout.trim().split('\n').pop());
  for (const s of streams) server.release(s);
  results.parser = { native, node };
}

await server.close();
results.seconds = (Date.now() - started) / 1000;
writeFileSync(join(out, 'results.json'), JSON.stringify(results, null, 1));

// ---------------------------------------------------------------- report

const fmt = (v, d = 0) => (v === null || v === undefined || Number.isNaN(v) ? '—' : v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }));
const ratio = (v) => (v === null || v === undefined ? '—' : `${v.toFixed(2)}×`);
const mark = (ok) => (ok === null ? '—' : ok ? 'met' : '**missed**');
const table = (head, rows) => [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

/** A statistic (median by default) of f over impl's successful runs. */
function stat(runs, impl, f, of = median) {
  const ok = (runs[impl] || []).filter((r) => !r.failure).map(f);
  return ok.length ? of(ok) : null;
}
const best = (a) => Math.min(...a);
/** native's statistic over impl's: for times, higher = faster than native. */
function vsNative(runs, impl, f, of = median) {
  const n = stat(runs, 'native', f, of);
  const v = stat(runs, impl, f, of);
  return n !== null && v !== null && v !== 0 ? n / v : null;
}

function cell(runs, impl, value, unit, showDeviations = false) {
  const list = runs[impl];
  const failed = list.filter((r) => r.failure);
  const ok = list.filter((r) => !r.failure);
  const v = ok.length ? value(ok) : null;
  const fail = failed.length ? `**FAIL ${failed.length}/${list.length}** (${failed[0].failure})` : '';
  const deviant = showDeviations ? ok.filter((r) => r.deviations) : [];
  const dev = deviant.length ? ` (deviation: wrong lastEventId on ${fmt(median(deviant.map((r) => r.deviations)))} of ${fmt(deviant[0].N)} events)` : '';
  if (!ok.length) return fail;
  return `${unit(v)}${dev}${fail ? ` ${fail}` : ''}`;
}

const sections = [];
const summary = [];

if (THROUGHPUT.length) {
  const rows = [];
  for (const name of THROUGHPUT) {
    const t = results.throughput[name];
    const runs = t.runs;
    const serverFloor = Math.min(...Object.values(runs).flat().map((r) => r.serverWriteMs ?? Infinity));
    const size = t.spec.size >= 1048576 ? `${t.spec.size / 1048576} MiB` : t.spec.size >= 1024 ? `${t.spec.size / 1024} KiB` : `${t.spec.size} B`;
    const desc = t.spec.kind === 'odd' ? `${fmt(t.spec.events)} mixed events, writes of ${t.spec.writes.join('/')} B; the server's own pace: ${fmt(serverFloor)} ms at best` : `${fmt(t.spec.events)} × ${size}${t.spec.kind === 'utf8' ? ' UTF-8' : ''}`;
    for (const impl of impls) {
      const ms = (ok) => median(ok.map((r) => r.ms));
      const cpu = vsNative(runs, impl, (r) => r.cpuMs);
      rows.push([
        `${name} (${desc}, ${fmt(t.bytes / 1e6, 1)} MB, ${runs[impl].length} rounds)`,
        LABEL[impl],
        cell(runs, impl, (ok) => t.spec.events / (ms(ok) / 1000), (v) => fmt(v), true),
        cell(runs, impl, (ok) => t.bytes / 1e6 / (ms(ok) / 1000), (v) => fmt(v, 1)),
        impl === 'native' ? '1.00×' : ratio(vsNative(runs, impl, (r) => r.ms)),
        impl === 'native' ? '1.00×' : ratio(vsNative(runs, impl, (r) => r.ms, best)),
        cell(runs, impl, (ok) => median(ok.map((r) => r.cpuMs)), (v) => fmt(v)),
        impl === 'native' ? '1.00×' : cpu === null ? '—' : `${(1 / cpu).toFixed(2)}×`,
      ]);
    }
    if (impls.includes('ours')) {
      const target = { small: 1.5, medium: 1.5, large: 2.0, utf8: 1.3, odd: 1.3 }[name];
      const speed = vsNative(runs, 'ours', (r) => r.ms);
      const fastest = vsNative(runs, 'ours', (r) => r.ms, best);
      const cpu = vsNative(runs, 'ours', (r) => r.cpuMs);
      const failed = runs.ours.find((r) => r.failure);
      summary.push([
        `${name} throughput ≥ ${target.toFixed(1)}× native`,
        failed ? `FAIL (${failed.failure})` : `${ratio(speed)} (best runs ${ratio(fastest)}; CPU ${cpu ? (1 / cpu).toFixed(2) : '—'}× native's)`,
        failed ? '**missed** (lost data)' : mark(speed === null ? null : speed >= target),
      ]);
    }
  }
  sections.push(
    '### Throughput and CPU\n\n' +
      'Time from `new EventSource()` to the last event checked by the listener (connection setup included), fresh page per run. ' +
      'MB/s counts the stream bytes (the SSE text) delivered. × native (median): native\'s median time / the implementation\'s median time, higher is faster; ' +
      "× native (best run): the same with each one's fastest run, the least disturbed by other work on the machine. " +
      'CPU: utime+stime of every Chromium process (browser, network service, renderer) from `/proc/<pid>/stat` around the run, median; CPU × native is implementation / native (lower is better). ' +
      'CPU time is the steadier figure on a shared machine: waiting for a core does not count.\n\n' +
      table(['scenario', 'implementation', 'events/s', 'MB/s', '× native (median)', '× native (best run)', 'CPU ms', 'CPU × native'], rows),
  );
}

if (results.floor) {
  const f = results.floor;
  const both = f['construct + dispatchEvent to one listener reading e.data'];
  const nativeSmall = results.throughput.small ? stat(results.throughput.small.runs, 'native', (r) => r.ms) : null;
  const nativeRate = nativeSmall ? results.throughput.small.spec.events / (nativeSmall / 1000) : null;
  sections.push(
    '### What an event costs the platform\n\n' +
      'Measured in the benchmark page (best of 3 × 100 000 calls, 32-byte data). ' +
      `Constructing a MessageEvent from JavaScript and dispatching it costs ${fmt(both, 2)} µs: a polyfill that dispatches real MessageEvents cannot exceed ${fmt(1e6 / both)} events/s here, before any parsing or I/O` +
      (nativeRate ? ` — and the native EventSource delivered ${fmt(nativeRate)} events/s on the small scenario, so 1.5× native (${fmt(nativeRate * 1.5)}/s) is out of reach for any implementation that does.` : '.') +
      '\n\n' +
      table(['operation', 'µs per call'], Object.entries(f).map(([k, v]) => [`\`${k}\``, fmt(v, 3)])),
  );
}

if (results.latency) {
  const runs = results.latency.runs;
  const rows = impls.map((impl) => {
    const ok = runs[impl].filter((r) => !r.failure);
    const all = ok.flatMap((r) => r.latencies);
    return [
      LABEL[impl],
      cell(runs, impl, (o) => median(o.map((r) => r.p50)), (v) => fmt(v, 3)),
      cell(runs, impl, (o) => median(o.map((r) => r.p99)), (v) => fmt(v, 3)),
      all.length ? fmt(percentile(all, 50), 3) : '—',
      all.length ? fmt(percentile(all, 99), 3) : '—',
      impl === 'native' ? '1.00×' : ratio(vsNative(runs, impl, (r) => r.p50)),
      cell(runs, impl, (o) => median(o.map((r) => r.cpuMs)), (v) => fmt(v)),
    ];
  });
  const clocks = Object.values(runs).flat().map((r) => r.clock);
  const spec = results.latency.spec;
  sections.push(
    `### Latency\n\n${spec.events} events at ${spec.rate}/s, ${rounds} rounds; one-way time from the server's write (stamped with Node's \`performance.timeOrigin + performance.now()\` just before \`res.write\`) to the listener (the page's \`performance.timeOrigin + performance.now()\`, cross-origin isolated so at 5 µs resolution). ` +
      `Both are the machine's wall clock; as a check, the page estimated the server clock's offset from its own over /clock round trips (the one with the smallest RTT, median ${fmt(median(clocks.map((c) => c.rtt)), 3)} ms): median offset ${fmt(median(clocks.map((c) => c.offset)), 3)} ms. ` +
      'p50/p99 per run, median over rounds; pooled over every run of the implementation. × native = native p50 / implementation p50 (higher is better). p99 mostly measures the other work on the machine.\n\n' +
      table(['implementation', 'p50 ms', 'p99 ms', 'pooled p50 ms', 'pooled p99 ms', '× native (p50)', 'CPU ms'], rows),
  );
  if (impls.includes('ours') && impls.includes('native')) {
    const o = stat(runs, 'ours', (r) => r.p50);
    const n = stat(runs, 'native', (r) => r.p50);
    summary.push(['latency p50 no worse than native', o === null ? 'FAIL' : `${fmt(o, 3)} ms vs ${fmt(n, 3)} ms`, mark(o === null || n === null ? null : o <= n)]);
  }
}

if (results.memory) {
  const { runs, live } = results.memory;
  const mb = (v) => fmt(v / 1e6, 1);
  // Wasm memory is in none of V8's counters (it is not an ArrayBuffer backing
  // store for their purposes): ours gets its growth added, to the peak and to
  // what remains (wasm memory never shrinks).
  const wasm = (r) => r.wasmGrowth ?? 0;
  const peak = (r) => Math.max(r.memory.peakTotal, r.memory.inPagePeakUsed) + wasm(r);
  const rows = impls.map((impl) => {
    const m = (f) => cell(runs, impl, (o) => median(o.map(f)), mb);
    const rel = vsNative(runs, impl, peak);
    return [
      LABEL[impl],
      m(peak),
      impl === 'native' ? '1.00×' : rel === null ? '—' : `${(1 / rel).toFixed(2)}×`,
      m((r) => r.memory.peakUsed),
      m((r) => r.memory.peakBacking),
      m((r) => r.memory.peakEmbedder),
      impl === 'ours' ? m(wasm) : '—',
      live?.[impl]?.length ? cell(live, impl, (o) => median(o.map((r) => r.memory.live + wasm(r))), (v) => fmt(v / 1e6, 2)) : '—',
      m((r) => r.memory.after + wasm(r)),
      m((r) => r.memory.rssPeak),
      cell(runs, impl, (o) => median(o.map((r) => r.ms)), (v) => fmt(v)),
    ];
  });
  const spec = results.memory.spec;
  sections.push(
    `### Memory\n\n${fmt(spec.events)} events of ${spec.size / 1024} KiB (${fmt(results.memory.bytes / 1048576)} MiB) at full speed, fresh page per run, growth over a baseline taken after two forced GCs (CDP \`HeapProfiler.collectGarbage\`), ${rounds} rounds. ` +
      "What this Chromium (156) offers: CDP `Runtime.getHeapUsage` returns `usedSize` (V8 heap in use, garbage not yet collected included), `embedderHeapUsedSize` (Blink's Oilpan heap: event objects, streams) and `backingStorageSize` (V8's external memory: ArrayBuffer backing stores such as fetch chunks, and external strings such as the data strings Blink and TextDecoder hand to JS); " +
      '`Performance.getMetrics` only repeats `JSHeapUsedSize`/`JSHeapTotalSize`; `performance.memory.usedJSHeapSize` (precise with `--enable-precise-memory-info`) is V8 heap + external memory. ' +
      '**A `WebAssembly.Memory` is in none of them** (checked: growing one by 20 MiB moves no counter), so ours\' wasm memory is read from `diagnostics().wasmMemoryBytes` and added. ' +
      'Sampling: CDP `getHeapUsage` polled every ~2 ms (plus renderer RSS from /proc), and `performance.memory` read in the listener after every event, which catches the peaks between polls. ' +
      `Peak growth = max(CDP sum, in-page) − baseline + wasm growth; it is mostly garbage waiting for V8 to collect it. "Live peak": a separate run (${Math.min(rounds, 3)} rounds) with a full \`gc()\` every ${fmt(results.memory.liveEvery)} events before reading the heap — what is really held mid-stream. After = after close and two GCs (+ wasm growth, which never shrinks). × native = implementation peak / native peak (lower is better).\n\n` +
      table(['implementation', 'peak growth MB', 'peak × native', 'V8 heap peak MB', 'external (strings, ArrayBuffers) peak MB', 'Oilpan peak MB', 'wasm memory growth MB', 'live peak MB', 'after close+GC MB', 'renderer RSS peak MB', 'stream ms'], rows),
  );
  if (impls.includes('ours')) {
    const o = stat(runs, 'ours', peak);
    const l = live?.ours?.length ? stat(live, 'ours', (r) => r.memory.live + wasm(r)) : null;
    summary.push([
      `memory peak growth ≤ 5 MB on the ${fmt(results.memory.bytes / 1048576)} MiB stream`,
      o === null ? 'FAIL' : `${mb(o)} MB (native ${mb(stat(runs, 'native', peak))} MB); live peak ${l === null ? '—' : fmt(l / 1e6, 2)} MB`,
      mark(o === null ? null : o <= 5e6),
    ]);
  }
}

if (results.init) {
  const rows = Object.entries(results.init.runs).map(([key, r]) => {
    const col = (f) => (r[0][f] === undefined ? '—' : fmt(median(r.map((x) => x[f])), 2));
    return [LABEL[key] || key, col('script'), col('wasm'), col('construct'), fmt(median(r.map((x) => x.total)), 2), fmt(Math.max(...r.map((x) => x.total)), 2)];
  });
  sections.push(
    `### Init\n\nEach repetition in a browser context of its own (a fresh renderer process: no V8 compilation cache, no wasm module cache). The library's text is fetched first (untimed), then run as a classic script by inserting a \`<script>\` element holding it, which executes synchronously; the clock starts just before that insertion and stops when the first \`new EventSource()\` returns. ` +
      'For ours the first call into the package compiles and instantiates the embedded wasm synchronously: shown apart as "wasm init" (`EventSourceWasm.supportsSSE()` made first). "ours: wasm compile alone" is `new WebAssembly.Module()` on dist/eventsource_wasm_bg.wasm in a fresh process. ' +
      `Median of ${results.init.reps}.\n\n` +
      table(['implementation', 'script ms', 'wasm init ms', 'first construction ms', 'total ms', 'max ms'], rows),
  );
  if (impls.includes('ours')) {
    const t = median(results.init.runs.ours.map((x) => x.total));
    summary.push(['init ≤ 5 ms (classic script to constructed)', `${fmt(t, 2)} ms`, mark(t <= 5)]);
  }
}

if (results.size) {
  sections.push('### Shipped size\n\ngzip -9.\n\n' + table(['file', 'raw B', 'gzip B'], results.size.map((s) => [s.label, fmt(s.raw), fmt(s.gzip)])));
  const esm = results.size[0].gzip;
  summary.push(['ESM (wasm + JS) ≤ 15 KB gzipped', `${fmt(esm / 1024, 1)} KB (${fmt(esm)} B)`, mark(esm <= 15 * 1024)]);
}

if (results.parser) {
  const { native, node } = results.parser;
  const rows = [];
  const rowsNet = [];
  const cargoLabel = { p32: '32 B', p1k: '1 KiB', p1m: '1 MiB', p1ku: '1 KiB utf-8' };
  for (const [k, r] of Object.entries(node)) {
    const nat = native[cargoLabel[k]];
    const m = r.memory;
    const v = (x) => (x ? (x.failures ? `**FAIL ${x.failures}/${x.runs}**${x.mbps ? ` ${fmt(x.mbps)}` : ''}` : fmt(x.mbps)) : '—');
    const alone = m['ours, wasm parser alone'];
    rows.push([`${PARSER_STREAMS[k].events.toLocaleString('en-US')} × ${r.label}`, nat ? fmt(nat.mbps) : '—', v(alone), v(m.ours), v(m['eventsource-parser']), v(m.eventsource), alone?.mbps && m['eventsource-parser']?.mbps ? ratio(alone.mbps / m['eventsource-parser'].mbps) : '—', m.ours?.mbps && m['eventsource-parser']?.mbps ? ratio(m.ours.mbps / m['eventsource-parser'].mbps) : '—']);
    const l = r.loopback;
    if (Object.keys(l).length) rowsNet.push([`${PARSER_STREAMS[k].events.toLocaleString('en-US')} × ${r.label}`, v(l['fetch read loop alone']), v(l.ours), v(l['eventsource-parser (recorded chunks)']), v(l.eventsource), l.ours?.mbps && l['eventsource-parser (recorded chunks)']?.mbps ? ratio(l.ours.mbps / l['eventsource-parser (recorded chunks)'].mbps) : '—', fmt(r.recordedChunks)]);
  }
  sections.push(
    '### Parser\n\n' +
      'The streams of `cargo bench --bench parser` (`id: N` + `data:` per event), byte for byte, MB/s of stream bytes. Native: `cargo bench` (64 KiB chunks, median of its runs). ' +
      'Node (' + process.version + "): ours two ways — the wasm parser alone through the `parseCount` export (the bytes copied into wasm memory once and parsed in 64 KiB pieces, events counted, nothing made per event), and a whole `new EventSource()` with a trivial `onmessage` (count, compare data, sum lengths): parse, the batch's crossing into JS, a `MessageEvent` per event and Node's `EventTarget` dispatch. " +
      "eventsource-parser is `createParser({ onEvent })` fed the same chunks through a streaming `TextDecoder`, with the same trivial work per event; `eventsource` is the whole package's EventSource. In memory: both EventSources get a custom `fetch` answering a ReadableStream of the same 64 KiB chunks; median of rounds.\n\n" +
      table(['stream', 'native MB/s', 'ours, wasm parser alone MB/s', 'ours (wasm, whole EventSource) MB/s', 'eventsource-parser MB/s', 'eventsource MB/s', 'parser alone ÷ eventsource-parser', 'whole EventSource ÷ eventsource-parser'], rows) +
      (rowsNet.length
        ? '\n\nOver loopback from the benchmark server with Node\'s own fetch (undici); eventsource-parser is fed chunks recorded from a plain fetch of the same URL (so it pays no network).\n\n' +
          table(['stream', 'fetch read loop alone MB/s', 'ours MB/s', 'eventsource-parser MB/s', 'eventsource MB/s', 'ours ÷ eventsource-parser', 'chunks recorded'], rowsNet)
        : ''),
  );
  const profiled = Object.entries(node).filter(([, r]) => r.profile);
  if (profiled.length) {
    sections.push(
      '### Where ours spends its time in Node (CPU profile)\n\n' +
        'One untimed in-memory run of ours (profiling build: same wasm code, names kept) under `node:inspector` at 100 µs sampling. ' +
        '"wasm-only rate" is the stream size divided by the self time of all wasm functions (parser, batch, driver): roughly what a dedicated wasm export that parses without building events could reach here.\n\n' +
        profiled
          .map(([k, r]) => {
            const s = r.profile.summary;
            const wasm = s.categories.find((c) => c.cat === 'wasm (ours)');
            return (
              `**${PARSER_STREAMS[k].events.toLocaleString('en-US')} × ${r.label}** — ${fmt(r.profile.ms)} ms; ` +
              s.categories.map((c) => `${c.cat} ${fmt(c.pct, 0)}%`).join(', ') +
              (wasm ? `; wasm-only rate ≈ ${fmt(r.bytes / 1e6 / (wasm.ms / 1000))} MB/s` : '') +
              '\n\n' +
              table(['function (self time)', 'ms', '%'], s.top.map((t) => [t.fn.replace(/\|/g, '\\|'), fmt(t.ms, 1), fmt(t.pct, 1)]))
            );
          })
          .join('\n\n'),
    );
  }
  const nat1k = native['1 KiB'];
  summary.push(['parser ≥ 1 GB/s native on 1 KiB events', nat1k ? `${fmt(nat1k.mbps)} MB/s` : '—', mark(nat1k ? nat1k.mbps >= 1000 : null)]);
  const p = node.p1k?.memory;
  const alone = p?.['ours, wasm parser alone'];
  if (alone?.mbps && p['eventsource-parser']?.mbps) {
    const q = alone.mbps / p['eventsource-parser'].mbps;
    summary.push(['parser as wasm ≥ 2× eventsource-parser (1 KiB, Node, parseCount)', `${ratio(q)} (${fmt(alone.mbps)} vs ${fmt(p['eventsource-parser'].mbps)} MB/s)`, mark(q >= 2)]);
  }
  if (p?.ours?.mbps && p['eventsource-parser']?.mbps) {
    const q = p.ours.mbps / p['eventsource-parser'].mbps;
    const w = node.p1k.profile?.summary.categories.find((c) => c.cat === 'wasm (ours)');
    const wasmOnly = w ? node.p1k.bytes / 1e6 / (w.ms / 1000) : null;
    summary.push([
      'the same through a whole EventSource (MessageEvent and dispatch per event; informative)',
      `${ratio(q)} (${fmt(p.ours.mbps)} vs ${fmt(p['eventsource-parser'].mbps)} MB/s)${wasmOnly ? `; the wasm's own share of the profile alone ≈ ${fmt(wasmOnly)} MB/s = ${ratio(wasmOnly / p['eventsource-parser'].mbps)}` : ''}`,
      mark(null),
    ]);
  }
}

if (Object.keys(results.profiles).length) {
  const parts = [];
  for (const [key, p] of Object.entries(results.profiles)) {
    const [name, impl] = key.split('/');
    const s = p.summary;
    parts.push(
      `**${name}, ${impl === 'ours-prof' ? 'ours (profiling build)' : impl === 'ours' ? 'ours (dist build, minified)' : impl}** — ${p.failure ? `FAILED: ${p.failure}` : `${fmt(p.ms, name === 'init' ? 1 : 0)} ms under the profiler`}; self time by category: ` +
        s.categories.map((c) => `${c.cat} ${fmt(c.pct, 0)}%`).join(', ') +
        '\n\n' +
        table(['function (self time)', 'ms', '%'], s.top.map((t) => [t.fn.replace(/\|/g, '\\|'), fmt(t.ms, 1), fmt(t.pct, 1)])),
    );
  }
  sections.push(
    '### CPU profiles (renderer main thread)\n\n' +
      `CDP \`Profiler\` at 100 µs sampling, one untimed run each. Ours is a profiling build${prof?.matchesDist ? ' whose wasm code is byte-identical to dist/ once names are stripped' : ''} (names kept, JS unminified). ` +
      'Work outside the renderer main thread (network service, the fetch body pipe) is not in these profiles; "(program)" is native code the profiler cannot attribute to a JS frame, for the native EventSource mostly its C++ parser and dispatch.\n\n' +
      parts.join('\n\n'),
  );
}

const m = results.machine;
const head =
  `## Browser benchmarks (npm run bench)\n\n` +
  `${results.date.slice(0, 10)}; ${m.nproc} cores, ${m.cpu}; Chromium ${m.chromium ?? '—'} (Debian, headless); Node ${m.node}; load average ${m.load} at the start, ${m.loadEnd} at the end of the browser part; during it other processes (concurrent tests and builds) kept on average ${fmt(m.otherCores, 2)} of the ${m.nproc} cores busy. ` +
  `\`npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}\` (${quick ? `${rounds} rounds, --quick sizes` : option('rounds') ? `${rounds} rounds` : '7 rounds for small/medium/utf8/odd, 5 for large, latency and memory'}; ${fmt(results.seconds)} s). ` +
  `dist/ built ${results.dist.builtAt} (wasm ${results.dist.wasmSha}). Each scenario runs every implementation once per round, the order rotating; figures are medians over rounds; every run checks every event (count, order, exact data, type, lastEventId, sum of lengths), and a run that loses or corrupts data is shown as FAIL.\n\n` +
  '### Targets\n\n' +
  table(['target', 'measured (ours)', ''], summary);
const report = [head, ...sections].join('\n\n') + '\n';
writeFileSync(join(out, 'report.md'), report);
console.log('\n' + report);

if (writeDoc) {
  const doc = join(root, 'BENCHMARKS.md');
  const BEGIN = '<!-- npm run bench: begin (generated by bench/run.mjs; replaced on the next full run) -->';
  const END = '<!-- npm run bench: end -->';
  const current = readFileSync(doc, 'utf8');
  const block = `${BEGIN}\n\n${report}\n${END}`;
  const at = current.indexOf(BEGIN);
  const endAt = current.indexOf(END);
  const next = at >= 0 && endAt > at ? current.slice(0, at) + block + current.slice(endAt + END.length) : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(doc, next);
  log(`bench: wrote the section to BENCHMARKS.md (${fmt(results.seconds)} s in all)`);
} else {
  log(`bench: partial run: BENCHMARKS.md untouched (--write to write it); report in bench/.build/report.md (${fmt(results.seconds)} s)`);
}
