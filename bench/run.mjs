#!/usr/bin/env node
// `npm run bench`: eventsource-wasm against Chromium's native EventSource
// (the baseline, same page setup, same run) and three JS peers, `eventsource`
// (fetch-based), `event-source-polyfill` (XHR) and
// `@microsoft/fetch-event-source` (fetch, callbacks), in headless Debian
// Chromium; and against `eventsource` in Node.
//
//   npm run bench                       full run (~13 minutes); writes its section of BENCHMARKS.md
//   npm run bench -- --quick            smoke run: 2 rounds, streams a fifth of the size
//   npm run bench -- --only=small,medium --impl=ours,native
//   options: --rounds=N  --no-build  --no-profile  --write (BENCHMARKS.md from a partial run)
//            --profile=small,large,odd  the scenarios the browser profiles are of
//            --base=DIR  also measure an older build of ours (a copy of its dist/) as "base", side
//                        by side in the same run (before/after); it joins the throughput, latency,
//                        memory and many-sources figures
//   implementations (--impl): ours native eventsource polyfill fes (base with --base)
//
// Figures (--only names): small medium bulk large utf8 odd (throughput, CPU),
// floor (what a MessageEvent costs the platform), latency, memory, startup
// (where EventSource is missing: new EventSource(), first script to a
// constructed source, when the first request leaves; `init` is an alias),
// size (what each entry loads, gzipped, and in a page: which files and how
// many WebAssembly compilations), parser (native cargo bench + wasm in
// Node), many (1,000 sources in one Node process: CPU per event, memory per
// source), relay (the shared option: follower vs leader latency and
// throughput, connections, with 1, 4 and 8 tabs; bench/relay.mjs), shape (the 1 KiB stream in 64 KiB
// and 256 KiB writes, a trickle and a short stream, read and unread, per-thread CPU; bench/shape.mjs),
// profile (CPU profiles, not timed).
//
// What is measured is a snapshot of dist/ (all of it: the ES entries import
// hashed chunks; the classic script loads eventsource-wasm.core.js from next
// to itself), served by the bench server at /dist/. Two more builds are made
// by scripts/build.mjs itself, into bench/.build/: the cargo feature `bench`
// (parseCount, the wasm parser alone, for the parser figure) and the
// profiling build (see lib/builds.mjs).
//
// Chromium (Debian's, never a download) is driven over a bare DevTools pipe,
// not Playwright's page API, whose Network instrumentation costs the browser
// more than the streams do (see lib/cdp.mjs). Other files: lib/server.mjs
// (the streams, precomputed, written as fast as the socket drains),
// lib/page.mjs (the in-page runs and checks), lib/scenarios.mjs (the streams'
// generator, shared by both), lib/node-parser.mjs and lib/node-many.mjs (the
// Node figures), lib/builds.mjs (dist/ snapshot, peers' bundles, the bench
// and profiling builds).
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

import { FULL, QUICK, PARSER_STREAMS, MANY } from './lib/scenarios.mjs';
import { startServer } from './lib/server.mjs';
import { snapshotDist, buildPeers, buildProfiling, buildBenchFeature } from './lib/builds.mjs';
import { reportSizes, BUDGET_NATIVE_GZIP, BUDGET_EXPLICIT_GZIP } from '../scripts/build.mjs';
import { launchChromium } from './lib/cdp.mjs';
import { descendants, isRenderer, processTable } from './lib/procs.mjs';
import { summarizeProfile } from './lib/profile.mjs';
import { CHROMIUM } from '../tests/e2e/browser.mjs';
import { verdict } from './lib/verdict.mjs';

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
const ALL_FIGURES = ['small', 'medium', 'bulk', 'large', 'utf8', 'odd', 'floor', 'latency', 'memory', 'startup', 'size', 'parser', 'many', 'relay', 'shape', 'profile'];
const only = (option('only') ? option('only').split(',').map((f) => (f === 'init' ? 'startup' : f)) : ALL_FIGURES).filter((f) => !(flag('no-profile') && f === 'profile'));
for (const f of only) if (!ALL_FIGURES.includes(f)) throw new Error(`--only: unknown figure ${f} (known: ${ALL_FIGURES.join(', ')})`);
const ALL_IMPLS = ['ours', 'native', 'eventsource', 'polyfill', 'fes', 'base'];
// --base=DIR: a copy of an older dist/ of ours, measured as `base` next to the current one.
const baseDir = option('base');
const impls = option('impl') ? option('impl').split(',') : ALL_IMPLS.filter((i) => i !== 'base');
if (baseDir && !impls.includes('base')) impls.splice(1, 0, 'base');
if (impls.includes('base') && !baseDir) throw new Error('--impl=base needs --base=DIR (a copy of an older dist/)');
for (const i of impls) if (!ALL_IMPLS.includes(i)) throw new Error(`--impl: unknown implementation ${i} (known: ${ALL_IMPLS.join(', ')})`);
const rounds = Number(option('rounds')) || (quick ? 2 : 5);
// The short throughput scenarios get more rounds: the machine is shared and
// one run in a few is slowed down by other work.
const roundsFor = (name) => Number(option('rounds')) || (quick ? 2 : ['small', 'medium', 'bulk', 'utf8', 'odd'].includes(name) ? 7 : 5);
const specs = quick ? QUICK : FULL;
const partial = quick || !!option('only') || !!option('impl') || !!option('rounds') || !!baseDir;
const writeDoc = flag('write') || !partial;

const LABEL = {
  ours: 'ours',
  'ours-esm': 'ours, ES module (dist/index.js)',
  native: 'native',
  eventsource: 'eventsource',
  polyfill: 'event-source-polyfill',
  fes: '@microsoft/fetch-event-source',
  base: `ours, before (${baseDir})`,
};
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
log(`bench: measuring dist/ built ${snap.builtAt.toISOString()} (wasm ${snap.wasmSha}, ${snap.files.length} files ${snap.distSha})`);
await buildPeers(root, out);
// The bench-feature build (parseCount) and the profiling build run cargo
// on this checkout's target/: the same artifact path, one after the other.
let benchDist = null;
if (only.includes('parser') && impls.includes('ours')) {
  log('bench: the bench-feature build (parseCount): node scripts/build.mjs --features=bench --out=bench/.build/dist-bench');
  benchDist = buildBenchFeature(root, out);
}
let prof = null;
if (only.includes('profile') && impls.includes('ours')) {
  try {
    log('bench: the profiling build: node scripts/build.mjs --names --no-minify --out=bench/.build/prof');
    prof = await buildProfiling(root, out, readFileSync(join(snap.dir, 'eventsource_wasm_bg.wasm')));
    log(
      `bench: profiling build ${prof.matchesDist ? 'has the same wasm code as dist/' : 'DIFFERS from dist/ (src/ changed since dist/ was built?)'}; ` +
        `wasm function names ${prof.namesFrom === 'build' ? 'from its name section' : prof.namesFrom === 'twin' ? 'from a twin built with optimize(…, { names: true }) (scripts/build.mjs has no --names yet)' : 'unavailable'}; JS ${prof.minified ? 'minified (scripts/build.mjs has no --no-minify yet)' : 'not minified'}`,
    );
  } catch (error) {
    log(`bench: no profiling build (${error.message.split('\n')[0]}); profiles skipped`);
  }
}

// ---------------------------------------------------------------- server, browser

const text = (p) => readFileSync(p, 'utf8');
const files = {
  '/bench/lib/page.mjs': { body: readFileSync(join(here, 'lib/page.mjs')) },
  '/bench/lib/scenarios.mjs': { body: readFileSync(join(here, 'lib/scenarios.mjs')) },
  '/lib/eventsource.js': { body: readFileSync(join(out, 'eventsource.js')) },
  '/lib/polyfill.js': { body: readFileSync(join(out, 'polyfill.js')) },
  '/lib/fetch-event-source.js': { body: readFileSync(join(out, 'fetch-event-source.js')) },
};
// Every file of the snapshot at /dist/ (and of the profiling build at
// /prof/): the classic script finds its core next to its own URL.
for (const f of snap.files) files[`/dist/${f}`] = { body: readFileSync(join(snap.dir, f)) };
if (prof) for (const f of readdirSync(prof.dir)) files[`/prof/${f}`] = { body: readFileSync(join(prof.dir, f)) };
if (baseDir) for (const f of readdirSync(baseDir)) files[`/base/${f}`] = { body: readFileSync(join(baseDir, f)) };
// In the throughput, latency and memory pages the platform has EventSource,
// so ours is constructed by name (EventSourceWasm.EventSource) and its core
// is loaded before the run (window.__ready); in the start-up pages it has
// none, and ours is the installed global.
const libs = {
  ours: { src: '/dist/eventsource-wasm.js', ctor: 'window.EventSourceWasm.EventSource', ready: 'window.EventSourceWasm.ready()', startupCtor: 'window.EventSource' },
  'ours-esm': { src: '/dist/index.js', module: true },
  native: { src: null, ctor: 'window.EventSource' },
  eventsource: { src: '/lib/eventsource.js', ctor: 'window.EventSourcePkg.EventSource' },
  polyfill: { src: '/lib/polyfill.js', ctor: 'window.EventSourcePolyfill' },
  fes: { src: '/lib/fetch-event-source.js', ctor: 'window.FetchEventSourcePkg.Adapter' },
  base: { src: '/base/eventsource-wasm.js', ctor: 'window.EventSourceWasm.EventSource', ready: 'window.EventSourceWasm.ready()' },
  'ours-prof': { src: '/prof/eventsource-wasm.js', ctor: 'window.EventSourceWasm.EventSource', ready: 'window.EventSourceWasm.ready()' },
};
const server = await startServer({ files, libs });

const needBrowser = only.some((f) => !['parser', 'many', 'relay', 'shape'].includes(f));
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
  const procs = processTable();
  const found = new Map();
  for (const pid of descendants(procs)) if (procs.get(pid).comm !== 'node') found.set(pid, procs.get(pid));
  return found;
}

/** CPU seconds used by Chromium's processes between two snapshots (processes alive at the end). */
function cpuBetween(a, b) {
  let ticks = 0;
  for (const [pid, p] of b) ticks += p.ticks - (a.get(pid)?.ticks ?? 0);
  return (ticks / CLK_TCK) * 1000;
}

function rendererPids() {
  return [...chromiumProcesses().keys()].filter(isRenderer);
}

/** CPU ticks of this process and all its descendants, reaped ones included (cutime/cstime). */
function treeTicks() {
  const procs = processTable();
  return [process.pid, ...descendants(procs)].reduce((n, pid) => n + procs.get(pid).ticks + procs.get(pid).reaped, 0);
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
    const wasmBefore = impl === 'ours' || impl === 'base' ? await page.evaluate('window.EventSourceWasm.diagnostics().wasmMemoryBytes') : null;
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
    if (impl === 'ours' || impl === 'base') r.wasmGrowth = (await page.evaluate('window.EventSourceWasm.diagnostics().wasmMemoryBytes')) - mem.wasmBefore;
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

/** The commit of the sources dist/ is built from (if it is not stale), and whether they have uncommitted changes. */
function gitHead() {
  try {
    // The last commit that changed what dist/ is built from.
    const head = execFileSync('git', ['log', '-1', '--format=%h', '--', 'src', 'crates', 'Cargo.toml', 'Cargo.lock', 'scripts/build.mjs'], { cwd: root, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'crates', 'Cargo.toml', 'Cargo.lock', 'scripts/build.mjs'], { cwd: root, encoding: 'utf8' }).trim();
    return dirty ? `${head} + uncommitted changes to src/ or the build` : head;
  } catch {
    return 'unknown';
  }
}

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
  dist: { builtAt: snap.builtAt.toISOString(), wasmSha: snap.wasmSha, distSha: snap.distSha, files: snap.files, commit: gitHead() },
  throughput: {},
  latency: null,
  memory: null,
  startup: null,
  size: null,
  parser: null,
  many: null,
  profiles: {},
};

const THROUGHPUT = ['small', 'medium', 'bulk', 'large', 'utf8', 'odd'].filter((s) => only.includes(s));

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

if (only.includes('startup')) {
  // Each repetition a cold page in a browser context of its own (a fresh
  // renderer process: no code cache, no wasm cache, the library fetched from
  // the bench server as a page fetches it). The page's first script stamps
  // the clock and removes the platform's EventSource (native keeps it: it is
  // the baseline); then the library's script, then one that constructs a
  // source. The request's arrival is stamped by the server.
  const reps = quick ? 3 : 11;
  const keys = impls.filter((i) => i !== 'base').flatMap((i) => (i === 'ours' ? ['ours', 'ours-esm'] : [i]));
  log(`bench: startup: ${reps} repetitions × ${keys.join(', ')}, each in a browser context (renderer process) of its own`);
  const runs = Object.fromEntries(keys.map((k) => [k, []]));
  for (let rep = 0; rep < reps; rep++) {
    for (const key of rotate(keys, rep)) {
      const run = `startup-${++runCounter}`;
      const p = await browser.newPage({ isolated: true });
      try {
        await p.navigate(`${server.origin}/page?impl=${key}&mode=startup&missing=${key === 'native' ? 0 : 1}&run=${run}`, 'window.benchReady === true');
        const deadline = Date.now() + 5000;
        while (server.arrival(run) === null && Date.now() < deadline) await sleep(5);
        // The Resource Timing entry is there once the (204) response is.
        let r = null;
        for (let i = 0; i < 100; i++) {
          r = await p.evaluate(
            '(() => { const e = performance.getEntriesByType("resource").find((x) => x.name.includes("/sse/startup")); ' +
              'return { ...window.__startup, t0: window.__t0, w0: window.__w0, wasm: window.__wasm, rt: e ? { startTime: e.startTime, requestStart: e.requestStart, initiatorType: e.initiatorType } : null }; })()',
          );
          if (r.rt || server.arrival(run) === null) break;
          await sleep(10);
        }
        const arrival = server.arrival(run);
        r.firstRequest = arrival === null ? null : arrival - r.w0;
        r.rtStart = r.rt ? r.rt.startTime - r.t0 : null;
        r.compiles = r.wasm.filter((w) => w.bytes !== 8).length; // 8 bytes: the empty module that probes whether WebAssembly may be compiled
        r.probeMs = r.wasm.filter((w) => w.bytes === 8).reduce((t, w) => t + (w.ms ?? 0), 0);
        r.failure = arrival === null ? 'no request reached the server' : key === 'ours' && !r.installed ? 'the script did not install EventSource' : null;
        runs[key].push(r);
      } finally {
        await p.close();
      }
    }
  }
  results.startup = { reps, runs };
  for (const k of keys) {
    const m = (f) => median(runs[k].map(f));
    log(`  ${k.padEnd(11)} new EventSource() ${m((r) => r.construct).toFixed(2)} ms, script to source ${m((r) => r.scriptToSource).toFixed(2)} ms, first request at ${m((r) => r.firstRequest)?.toFixed(2)} ms`);
  }
}

if (only.includes('size')) {
  // What each entry loads, by scripts/build.mjs's own rule (reportSizes:
  // gzip -9 of each file; an ES entry loads the chunks it imports
  // statically), and the same seen from a page: the files it requested
  // from /dist/ and the WebAssembly compilations it made, where the
  // platform has EventSource and where it has none.
  const print = console.log;
  console.log = (...m) => log(...m);
  let sizes;
  try {
    sizes = reportSizes(snap.dir);
  } finally {
    console.log = print;
  }
  const checks = [];
  for (const entry of ['script', 'auto', 'index']) {
    for (const missing of [false, true]) {
      const p = await browser.newPage({ isolated: true });
      const mark = server.mark();
      try {
        await p.navigate(`${server.origin}/page?impl=ours&mode=check&entry=${entry}&missing=${missing ? 1 : 0}`, 'window.benchReady === true');
        const r = await p.evaluate(`window.check(${missing || entry === 'index'})`);
        await sleep(200);
        const requested = [...new Set(server.requestsSince(mark).map((q) => q.path).filter((q) => q.startsWith('/dist/')).map((q) => q.slice(6)))];
        checks.push({
          entry,
          missing,
          requested,
          gzip: requested.reduce((n, f) => n + (sizes.files[f]?.gzip ?? 0), 0),
          compiles: r.wasm.filter((w) => w.bytes !== 8).length,
          probes: r.wasm.filter((w) => w.bytes === 8).length,
          nativeKept: r.nativeKept,
          installed: r.installed,
        });
      } finally {
        await p.close();
      }
    }
  }
  const peer = (label, path) => {
    const data = readFileSync(path);
    return { label, raw: data.length, gzip: gzipSync(data, { level: 9 }).length };
  };
  // The core's files: the classic script's core, the wasm, and the ES core
  // chunk with every chunk it imports that auto.js does not.
  const esmClosure = (entry) => {
    const seen = new Set();
    const visit = (f) => {
      if (seen.has(f)) return;
      seen.add(f);
      for (const m of readFileSync(join(snap.dir, f), 'utf8').matchAll(/(?:^|[;}\s])import\s*(?:[\w*{}\s,$]+from\s*)?["']\.\/([^"']+)["']/g)) visit(m[1]);
    };
    visit(entry);
    return seen;
  };
  const autoFiles = esmClosure('auto.js');
  const coreFiles = ['eventsource-wasm.core.js', 'core-chunk.cjs', ...snap.files.filter((f) => f.endsWith('.wasm'))];
  for (const f of snap.files.filter((x) => /^core-chunk-.*\.js$/.test(x))) for (const g of esmClosure(f)) if (!autoFiles.has(g)) coreFiles.push(g);
  results.size = {
    coreFiles,
    totals: sizes.totals,
    files: sizes.files,
    checks,
    peers: [
      peer('eventsource 4.1.1 (esbuild ESM bundle, minified, with eventsource-parser)', join(out, 'eventsource.esm.js')),
      peer('event-source-polyfill 1.0.31 (its eventsource.min.js)', join(out, 'polyfill.js')),
      peer('@microsoft/fetch-event-source 2.0.1 (esbuild ESM bundle, minified)', join(out, 'fetch-event-source.esm.js')),
      peer('eventsource-parser 3.1.1 (esbuild ESM bundle, minified)', join(out, 'eventsource-parser.esm.js')),
    ],
  };
  for (const c of checks) log(`  ${c.entry.padEnd(6)} where EventSource is ${c.missing ? 'missing' : 'native '}: ${c.requested.join(' ')} = ${c.gzip} B gzipped; ${c.compiles} WebAssembly compilation(s)`);
}

if (only.includes('profile') && prof) {
  for (const name of (option('profile') || 'small,large,odd').split(',')) {
    const spec = specs[name];
    server.prepare(name, spec);
    for (const impl of ['ours-prof', ...(impls.includes('native') ? ['native'] : [])]) {
      const r = await browserRun(impl, name, spec, { profile: true });
      results.profiles[`${name}/${impl}`] = {
        failure: r.failure,
        ms: r.ms,
        summary: summarizeProfile(r.profile, { ours: (u) => u.includes('/prof/'), harness: (u) => u.endsWith('/page.mjs'), wasmNames: impl === 'ours-prof' ? prof.names : null }),
      };
      log(`bench: profile ${name} ${impl}: ${r.failure || `${r.ms.toFixed(0)} ms`}`);
    }
    server.release(name);
  }
}

// Everything else the machine did meanwhile (other users' tests, builds): the noise floor of these figures.
function otherCores(from) {
  const busyDelta = machineBusy() - from.busy;
  const oursDelta = treeTicks() - from.ours;
  const elapsedTicks = ((Date.now() - from.time) / 1000) * CLK_TCK;
  return Math.max(0, (busyDelta - oursDelta) / elapsedTicks);
}
results.machine.otherCores = otherCores({ busy: busyAtStart, ours: oursAtStart, time: started });
results.machine.loadEnd = text('/proc/loadavg').split(' ').slice(0, 3).join(' ');
if (browser) await browser.close();
const nodePart = { busy: machineBusy(), ours: treeTicks(), time: Date.now() };

if (only.includes('parser')) {
  log('bench: parser: cargo bench -p eventsource-core --bench parser');
  const cargo = execFileSync('cargo', ['bench', '-p', 'eventsource-core', '--bench', 'parser'], { cwd: root, env: quick ? { ...process.env, BENCH_ROUNDS: '3' } : process.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 24 });
  // Its table: `| scenario | stream | chunk | ours MB/s | sse-stream MB/s | ours, raw MB/s | ours ÷ sse-stream |`
  // (crates/eventsource-core/benches/parser.rs prints it); kept as printed, rows parsed by the header's names.
  const native = { title: '', head: [], rows: [] };
  for (const line of cargo.split('\n')) {
    if (line.startsWith('parser throughput')) native.title = line.trim();
    if (!line.startsWith('|') || /^\|\s*-/.test(line)) continue;
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    if (!native.head.length) native.head = cells;
    else native.rows.push(cells);
  }
  if (!native.rows.length) throw new Error('cargo bench -p eventsource-core --bench parser printed no table');
  const streams = ['p32', 'p1k', 'p1m', 'p1ku'];
  const lengths = {};
  for (const s of streams) lengths[s] = server.prepare(s, { kind: 'parser' });
  log(`bench: parser: wasm in Node vs eventsource-parser (${quick ? 3 : 7} rounds)`);
  const child = spawn(process.execPath, ['--expose-gc', join(here, 'lib/node-parser.mjs'), JSON.stringify({ dist: join(snap.dir, 'index.js'), benchDist, profDist: prof?.esm ?? null, wasmNames: prof?.namesFile ?? null, profile: only.includes('profile') ? ['p32', 'p1k'] : [], origin: server.origin, rounds: quick ? 3 : 7, streams })], {
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

if (only.includes('many')) {
  // One child process per implementation and round (--expose-gc: its own
  // heap, its own CPU clock); the server is this process.
  const m = quick ? MANY.quick : MANY.full;
  const manyRounds = Number(option('rounds')) || m.rounds;
  const manyImpls = ['ours', 'base', 'eventsource'].filter((i) => impls.includes(i));
  log(`bench: many: ${m.sources} sources × ${m.events} events at ${m.rate}/s in one Node process, ${manyRounds} round(s) × ${manyImpls.join(', ')}`);
  const runs = Object.fromEntries(manyImpls.map((i) => [i, []]));
  for (let round = 0; round < manyRounds; round++) {
    for (const impl of rotate(manyImpls, round)) {
      const run = `many-${++runCounter}`;
      const child = spawn(process.execPath, ['--expose-gc', join(here, 'lib/node-many.mjs'), JSON.stringify({ impl, dist: impl === 'base' ? join(baseDir, 'index.js') : join(snap.dir, 'index.js'), origin: server.origin, run, ...m })], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let stdout = '';
      child.stdout.on('data', (d) => (stdout += d));
      const code = await new Promise((r) => child.on('exit', r));
      const r = code === 0 ? JSON.parse(stdout.trim().split('\n').pop()) : { ok: false, why: `node-many.mjs exited with ${code}` };
      const written = server.manyStats(run);
      r.serverWritten = written?.written ?? 0;
      if (r.ok && r.serverWritten !== m.sources * m.events) {
        r.ok = false;
        r.why = `the server wrote ${r.serverWritten} events, not ${m.sources * m.events}`;
      }
      r.failure = r.ok ? null : r.why;
      runs[impl].push(r);
      log(`  round ${round + 1} ${impl.padEnd(11)} ${r.failure ? `FAILED: ${r.failure}` : `${r.cpuPerEventUs.toFixed(1)} µs CPU/event (${r.windowEvents} events in ${(r.windowMs / 1000).toFixed(1)} s), RSS ${(r.rssPerSource / 1024).toFixed(0)} KB/source (${(r.rssLivePerSource / 1024).toFixed(0)} KB after GC)`}`);
    }
  }
  results.many = { spec: m, rounds: manyRounds, runs };
}
// The shared option's relay: bench/relay.mjs drives its own Chromium (a
// context of N tabs on the test server, which serves dist/ as built).
if (only.includes('relay') && impls.includes('ours')) {
  log('bench: relay: the shared option with 1, 4 and 8 tabs (bench/relay.mjs)');
  const output = execFileSync(process.execPath, [join(here, 'relay.mjs')], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 1 << 24,
    env: { ...process.env, CHROMIUM_VERSION: results.machine.chromium ? `${results.machine.chromium} ` : '' },
  });
  const table = output.slice(output.indexOf('| tabs')).trim();
  const rows = table.split('\n').filter((l) => /^\| \d/.test(l)).map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));
  results.relay = { table, rows };
}
// Delivery shape: bench/shape.mjs drives its own Chromium on dist/ as built,
// ours against native only (issue 25 item 8), with per-thread CPU.
if (only.includes('shape') && impls.includes('ours')) {
  log('bench: shape: 64 KiB and 256 KiB writes, a trickle, a short stream; read and unread (bench/shape.mjs)');
  const output = execFileSync(process.execPath, [join(here, 'shape.mjs'), ...(quick ? ['--rounds=2'] : [])], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', 'inherit'] });
  results.shape = output.slice(output.indexOf('### Delivery shape')).trim();
}
results.machine.otherCoresNode = otherCores(nodePart);
results.machine.loadFinal = text('/proc/loadavg').split(' ').slice(0, 3).join(' ');

await server.close();
results.seconds = (Date.now() - started) / 1000;
writeFileSync(join(out, 'results.json'), JSON.stringify(results, null, 1));

// ---------------------------------------------------------------- report

const fmt = (v, d = 0) => (v === null || v === undefined || Number.isNaN(v) ? '—' : v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }));
const ratio = (v) => (v === null || v === undefined ? '—' : `${v.toFixed(2)}×`);
const mark = (ok) => (ok === null || ok === undefined ? '—' : ok ? '✓' : '✗');
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
// Whether an implementation's listener got real MessageEvents (the
// platform's objects) in most of its runs; the throughput targets compare
// ours with every peer that does.
const dispatchesReal = (runs, impl) => {
  const seen = (runs[impl] || []).filter((r) => r.real !== null && r.real !== undefined);
  return seen.length ? seen.filter((r) => r.real).length * 2 > seen.length : null;
};
const cpuRatios = []; // [scenario, ours CPU / native CPU]
const peerChecks = []; // [scenario, peer, ours speed / peer speed]

if (THROUGHPUT.length) {
  const rows = [];
  for (const name of THROUGHPUT) {
    const t = results.throughput[name];
    const runs = t.runs;
    const serverFloor = Math.min(...Object.values(runs).flat().map((r) => r.serverWriteMs ?? Infinity));
    const size = t.spec.size >= 1048576 ? `${t.spec.size / 1048576} MiB` : t.spec.size >= 1024 ? `${t.spec.size / 1024} KiB` : `${t.spec.size} B`;
    const desc = t.spec.kind === 'odd' ? `${fmt(t.spec.events)} mixed events, writes of ${t.spec.writes.join('/')} B; the server's own pace: ${fmt(serverFloor)} ms at best` : `${fmt(t.spec.events)} × ${size}${t.spec.kind === 'utf8' ? ' UTF-8' : ''}${t.spec.write ? `, in ${t.spec.write / 1024} KiB writes` : ''}`;
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
        impl === 'native' ? 'native' : dispatchesReal(runs, impl) === null ? '—' : dispatchesReal(runs, impl) ? 'MessageEvent' : 'plain object',
      ]);
    }
    if (impls.includes('ours')) {
      const target = { small: 1.3, medium: 1.1, bulk: 1.1, large: 2.0, utf8: 1.1, odd: 1.0 }[name];
      const what = { small: '32 B', medium: '1 KiB', bulk: '1 KiB in 256 KiB writes', large: '1 MiB', utf8: 'mixed UTF-8', odd: 'small writes' }[name];
      const speed = vsNative(runs, 'ours', (r) => r.ms);
      const fastest = vsNative(runs, 'ours', (r) => r.ms, best);
      const cpu = vsNative(runs, 'ours', (r) => r.cpuMs);
      const failed = runs.ours.find((r) => r.failure);
      if (cpu !== null) cpuRatios.push([name, 1 / cpu]);
      for (const peer of impls.filter((i) => !['ours', 'native', 'base'].includes(i) && dispatchesReal(runs, i))) {
        const o = stat(runs, 'ours', (r) => r.ms);
        const q = stat(runs, peer, (r) => r.ms);
        peerChecks.push([name, peer, o && q ? q / o : null]);
      }
      summary.push([
        `${name} (${what}) throughput ≥ ${target.toFixed(1)}× native`,
        failed ? `FAIL (${failed.failure})` : `${ratio(speed)} (best runs ${ratio(fastest)}; CPU ${cpu ? (1 / cpu).toFixed(2) : '—'}× native's)`,
        failed ? '✗ (lost data)' : mark(speed === null ? null : speed >= target),
      ]);
    }
  }
  if (peerChecks.length) {
    summary.push([
      'throughput ≥ every peer that dispatches real MessageEvents',
      peerChecks.map(([n, peer, q]) => `${n} ${ratio(q)} ${LABEL[peer]}`).join('; '),
      mark(peerChecks.every(([, , q]) => q !== null && q >= 1)),
    ]);
  }
  sections.push(
    '### Throughput and CPU\n\n' +
      'Time from `new EventSource()` to the last event checked by the listener (connection setup included), fresh page per run. ' +
      'MB/s counts the stream bytes (the SSE text) delivered. × native (median): native\'s median time / the implementation\'s median time, higher is faster; ' +
      "× native (best run): the same with each one's fastest run, the least disturbed by other work on the machine. " +
      'CPU: utime+stime of every Chromium process (browser, network service, renderer) from `/proc/<pid>/stat` around the run, median; CPU × native is implementation / native (lower is better). ' +
      'CPU time is the steadier figure on a shared machine: waiting for a core does not count.\n\n' +
      'Events: what the listener received, a real `MessageEvent` or a plain object (event-source-polyfill and the fetch-event-source adapter hand out plain objects: no Event is constructed or dispatched).\n\n' +
      table(['scenario', 'implementation', 'events/s', 'MB/s', '× native (median)', '× native (best run)', 'CPU ms', 'CPU × native', 'events'], rows),
  );
}

if (results.floor) {
  const f = results.floor;
  const both = Math.min(
    f['construct + dispatchEvent to one listener reading e.data'],
    f['construct (one init reused) + dispatchEvent to one listener reading e.data'] ?? Infinity,
    f['construct (a subclass per origin, ours) + dispatchEvent to one listener reading e.data'] ?? Infinity,
  );
  const nativeSmall = results.throughput.small ? stat(results.throughput.small.runs, 'native', (r) => r.ms) : null;
  const nativeRate = nativeSmall ? results.throughput.small.spec.events / (nativeSmall / 1000) : null;
  sections.push(
    '### What an event costs the platform\n\n' +
      'Measured in the benchmark page (best of 3 × 100 000 calls, 32-byte data). ' +
      `Constructing a MessageEvent from JavaScript and dispatching it costs ${fmt(both, 2)} µs at best: a polyfill that dispatches real MessageEvents cannot exceed ${fmt(1e6 / both)} events/s here, before any parsing or I/O` +
      (nativeRate
        ? ` — and the native EventSource delivered ${fmt(nativeRate)} events/s on the small scenario, so the target of 1.3× native (${fmt(nativeRate * 1.3)}/s) ${1e6 / both < nativeRate * 1.3 ? 'is out of reach for any implementation that does' : `leaves ${fmt(1e6 / (nativeRate * 1.3) - both, 2)} µs per event for everything else`}.`
        : '.') +
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
    summary.push(['latency p50 ≤ native', o === null ? 'FAIL' : `${fmt(o, 3)} ms vs ${fmt(n, 3)} ms`, mark(o === null || n === null ? null : o <= n)]);
    const c = vsNative(runs, 'ours', (r) => r.cpuMs);
    if (c !== null) cpuRatios.push(['latency', 1 / c]);
  }
}
if (cpuRatios.length) {
  summary.push(['CPU ≤ native in every scenario', cpuRatios.map(([n, q]) => `${n} ${q.toFixed(2)}×`).join(', '), mark(cpuRatios.every(([, q]) => q <= 1))]);
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
      impl === 'ours' || impl === 'base' ? m(wasm) : '—',
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
    const n = stat(runs, 'native', peak);
    summary.push([
      `memory: peak growth on the ${fmt(results.memory.bytes / 1048576)} MiB stream ≤ 0.5× native's`,
      o === null ? 'FAIL' : `${mb(o)} MB vs native ${mb(n)} MB = ${n ? (o / n).toFixed(2) : '—'}×`,
      mark(o === null || n === null ? null : o <= 0.5 * n),
    ]);
    summary.push(['memory: live peak < 0.5 MB (full GC every ' + fmt(results.memory.liveEvery) + ' events)', l === null ? '—' : `${fmt(l / 1e6, 2)} MB`, mark(l === null ? null : l < 0.5e6)]);
  }
}

if (results.startup) {
  const runs = results.startup.runs;
  const keys = Object.keys(runs);
  const col = (k, f, d = 2) => cell(runs, k, (o) => median(o.map(f)), (v) => fmt(v, d));
  const rows = keys.map((k) => [
    LABEL[k] || k,
    k === 'native' ? 'has it' : 'removed',
    col(k, (r) => r.construct),
    runs[k].some((r) => r.wasm.some((w) => w.bytes === 8)) ? col(k, (r) => r.probeMs) : '—',
    col(k, (r) => r.warm, 3),
    col(k, (r) => r.scriptToSource),
    col(k, (r) => r.firstRequest),
    runs[k].some((r) => r.rtStart !== null) ? col(k, (r) => r.rtStart) : '—',
    fmt(median(runs[k].map((r) => r.compiles))),
  ]);
  sections.push(
    '### Start-up (a page where EventSource is missing)\n\n' +
      `Each of ${results.startup.reps} repetitions is a cold page in a browser context of its own (a fresh renderer process: no code cache, no wasm cache); the order of implementations rotates. ` +
      "The page's first (inline) script stamps the clock and deletes `window.EventSource` — as on a platform without one; native keeps it and is the baseline — then the library loads as a page loads it, a `<script src>` from the bench server (ours: the drop-in `dist/eventsource-wasm.js`, which installs `EventSource` and starts loading its core, `eventsource-wasm.core.js`; \"ours, ES module\": `<script type=module>` importing `dist/index.js`, which imports its core chunk with `import()` once a source is constructed or the page's next code has run), then a script constructs one source (`new EventSource('/sse/startup')`; ours through the installed global). " +
      '**new EventSource()**: that first (cold) construction; *warm*: the median of 20 more made and closed at once. **Script to source**: from the first script to the constructed source (loading and running the library included). ' +
      '**First request**: when the request reached the server (its wall clock, `performance.timeOrigin + performance.now()`, against the page\'s at the first script: one machine clock), and, where Chromium reports it, the Resource Timing `startTime` of the request relative to the first script. ' +
      "Ours constructs without WebAssembly; the request waits for the core (loaded and compiled asynchronously) and a task. WebAssembly compilations: `WebAssembly.compile`/`instantiate`(`Streaming`)/`new WebAssembly.Module` calls counted from the first script (not counting the 8-byte empty module that probes whether compiling is allowed: ours' constructor compiles it synchronously, \`new WebAssembly.Module\`, while the core is not yet loaded, to throw at once under a CSP without 'wasm-unsafe-eval'; its time is shown apart). Medians.\n\n" +
      table(['implementation', 'platform EventSource', 'new EventSource() ms', 'of which the WebAssembly probe ms', 'warm ms', 'script to source ms', 'first request at ms (server)', 'first request at ms (Resource Timing)', 'wasm compilations'], rows),
  );
  if (runs.ours && runs.eventsource) {
    const o = stat(runs, 'ours', (r) => r.construct);
    const e = stat(runs, 'eventsource', (r) => r.construct);
    summary.push(['start-up: new EventSource() ≤ eventsource (cold, where missing)', `${fmt(o, 2)} ms vs ${fmt(e, 2)} ms`, mark(o === null || e === null ? null : o <= e)]);
    const os = stat(runs, 'ours', (r) => r.scriptToSource);
    const es = stat(runs, 'eventsource', (r) => r.scriptToSource);
    summary.push(['start-up: first script to a constructed source ≤ eventsource (drop-in script vs its bundle)', `${fmt(os, 2)} ms vs ${fmt(es, 2)} ms`, mark(os === null || es === null ? null : os <= es)]);
  }
  if (runs.ours && runs.native) {
    const o = stat(runs, 'ours', (r) => r.firstRequest);
    const n = stat(runs, 'native', (r) => r.firstRequest);
    const esm = runs['ours-esm'] ? stat(runs, 'ours-esm', (r) => r.firstRequest) : null;
    summary.push(['start-up: first request leaves ≤ native + 5 ms', `${fmt(o, 2)} ms vs native ${fmt(n, 2)} ms (+${fmt(o - n, 2)} ms)${esm === null ? '' : `; ES module ${fmt(esm, 2)} ms`}`, mark(o === null || n === null ? null : o <= n + 5)]);
  }
}

if (results.size) {
  const { totals, files: sizes, checks, peers } = results.size;
  const kb = (n) => `${fmt(n / 1024, 1)} KB`;
  const entryLabel = { script: '`<script src="eventsource-wasm.js">` (drop-in)', auto: "`import 'eventsource-wasm/auto'`", index: "`import … from 'eventsource-wasm'` (explicit)" };
  const rows = checks.map((c) => [
    entryLabel[c.entry],
    c.missing ? 'missing' : 'native',
    c.requested.map((f) => `\`${f}\``).join(' + '),
    fmt(c.gzip),
    kb(c.gzip),
    fmt(c.compiles),
    c.missing ? (c.installed ? 'installed ours' : c.entry === 'index' ? '(not installed: explicit)' : '**not installed**') : c.nativeKept ? 'kept native' : '**replaced native**',
  ]);
  sections.push(
    '### Size (what each entry loads, gzipped)\n\n' +
      "By scripts/build.mjs's own rule (`reportSizes`: gzip -9 of each file of the dist/ snapshot; an ES entry loads itself and the chunks it imports statically): " +
      `\`import 'eventsource-wasm/auto'\` where EventSource is native ${kb(totals.autoWhereNative)} (${fmt(totals.autoWhereNative)} B), the drop-in script where native ${kb(totals.scriptWhereNative)} (${fmt(totals.scriptWhereNative)} B) — budget ${kb(BUDGET_NATIVE_GZIP)} each, no WebAssembly; the package used explicitly (ESM shell + core chunk: JS + wasm) ${kb(totals.explicit)} (${fmt(totals.explicit)} B) — budget ${kb(BUDGET_EXPLICIT_GZIP)}, stretch 25 KB; the drop-in script and its core where EventSource is missing ${kb(totals.scriptWhereMissing)}.\n\n` +
      "Seen from a page (a cold browser context each; the page's first script counts WebAssembly compilations and, where \"missing\", deletes `window.EventSource`; with the core wanted, the page waits for `ready()`, else 300 ms): the files it requested from /dist/ (the bench server's log), their gzipped sizes added up, and the WebAssembly compilations it made.\n\n" +
      table(['entry', 'platform EventSource', 'files requested', 'gzip B', 'gzip', 'wasm compilations', 'global EventSource'], rows) +
      '\n\nEvery file of dist/:\n\n' +
      table(['file', 'raw B', 'gzip B'], Object.entries(sizes).map(([f, z]) => [`\`${f}\``, fmt(z.raw), fmt(z.gzip)])) +
      '\n\nPeers (everything each loads):\n\n' +
      table(['package', 'raw B', 'gzip B'], peers.map((q) => [q.label, fmt(q.raw), fmt(q.gzip)])),
  );
  const native = checks.filter((c) => !c.missing && c.entry !== 'index');
  const seen = (entry) => checks.find((c) => c.entry === entry && !c.missing);
  const core = results.size.coreFiles;
  summary.push([`size: \`import 'eventsource-wasm/auto'\` where native ≤ ${kb(BUDGET_NATIVE_GZIP)}`, `${kb(totals.autoWhereNative)} (${fmt(totals.autoWhereNative)} B; in the page ${fmt(seen('auto')?.gzip)} B)`, mark(totals.autoWhereNative <= BUDGET_NATIVE_GZIP)]);
  summary.push([`size: drop-in script where native ≤ ${kb(BUDGET_NATIVE_GZIP)}`, `${kb(totals.scriptWhereNative)} (${fmt(totals.scriptWhereNative)} B; in the page ${fmt(seen('script')?.gzip)} B)`, mark(totals.scriptWhereNative <= BUDGET_NATIVE_GZIP)]);
  summary.push([
    'size: no WebAssembly downloaded or compiled where native (both entries, in the page)',
    native.map((c) => `${c.entry}: ${c.compiles} compilations, ${c.requested.filter((f) => core.includes(f)).length ? `core files requested: ${c.requested.filter((f) => core.includes(f)).join(', ')}` : 'no core file requested'}${c.nativeKept ? '' : ', native EventSource replaced'}`).join('; '),
    mark(native.length ? native.every((c) => c.compiles === 0 && c.nativeKept && !c.requested.some((f) => core.includes(f))) : null),
  ]);
  summary.push([`size: the whole package used explicitly (ESM, wasm + JS) ≤ ${kb(BUDGET_EXPLICIT_GZIP)} (stretch 25 KB)`, `${kb(totals.explicit)} (${fmt(totals.explicit)} B)`, totals.explicit <= 25 * 1024 ? '✓ (stretch too)' : mark(totals.explicit <= BUDGET_EXPLICIT_GZIP)]);
}

if (results.many) {
  const { spec, runs } = results.many;
  const keys = Object.keys(runs);
  const col = (k, f, unit) => cell(runs, k, (o) => median(o.map(f)), unit);
  const rows = keys.map((k) => [
    LABEL[k],
    col(k, (r) => r.cpuPerEventUs, (v) => fmt(v, 1)),
    col(k, (r) => r.cpuWholeRunPerEventUs, (v) => fmt(v, 1)),
    col(k, (r) => r.rssPerSource / 1024, (v) => fmt(v)),
    col(k, (r) => r.rssLivePerSource / 1024, (v) => fmt(v)),
    col(k, (r) => r.heapPerSource / 1024, (v) => fmt(v)),
    k === 'ours' || k === 'base' ? col(k, (r) => r.wasmPerSource / 1024, (v) => fmt(v, 1)) : '—',
    col(k, (r) => r.openMs, (v) => fmt(v)),
    col(k, (r) => r.windowEvents, (v) => fmt(v)),
  ]);
  sections.push(
    '### Many sources in one Node process\n\n' +
      `${fmt(spec.sources)} concurrent sources in one Node (${process.version}) process, against the bench server in another process over loopback (Node's own fetch), each getting ${fmt(spec.events)} events at ${spec.rate}/s (\`id: n\` and a ~230-byte JSON \`data:\` line naming its source and sequence number); ${results.many.rounds} round(s), each implementation in a child process of its own (\`--expose-gc\`), the order rotating. ` +
      'Every event is checked (data equal to what the server sent for that source and number, `lastEventId` = n) and every source must get all its events. ' +
      `**CPU per event**: \`process.cpuUsage()\` (user + system) over a steady ${fmt(spec.windowMs / 1000)} s window starting ${fmt(spec.warmupMs / 1000)} s after the last source opened, divided by the events delivered in it (whole run: from the first constructor to the last event, connection set-up included). ` +
      '**Memory per source**: resident memory sampled every 500 ms over the window (median) minus RSS before any source existed (after two full GCs; ours with its core already compiled), divided by the number of sources; "after GC": the same after two full GCs with every source still open (garbage excluded). JS heap: `heapUsed` growth; ours\' wasm memory growth from `diagnostics()`. Medians over rounds.\n\n' +
      table(['implementation', 'CPU µs/event (window)', 'CPU µs/event (whole run)', 'RSS KB/source', 'RSS KB/source after GC', 'JS heap KB/source', 'wasm KB/source', 'all open after ms', 'events in window'], rows),
  );
  if (runs.ours && runs.eventsource) {
    const o = stat(runs, 'ours', (r) => r.cpuPerEventUs);
    const e = stat(runs, 'eventsource', (r) => r.cpuPerEventUs);
    summary.push([`Node, ${fmt(spec.sources)} sources: CPU per event ≤ eventsource`, `${fmt(o, 1)} µs vs ${fmt(e, 1)} µs = ${o && e ? (o / e).toFixed(2) : '—'}×`, mark(o === null || e === null ? null : o <= e)]);
    const om = stat(runs, 'ours', (r) => r.rssPerSource);
    const em = stat(runs, 'eventsource', (r) => r.rssPerSource);
    summary.push([`Node, ${fmt(spec.sources)} sources: memory per source ≤ eventsource`, `${fmt(om / 1024)} KB vs ${fmt(em / 1024)} KB = ${om && em ? (om / em).toFixed(2) : '—'}× (after GC ${fmt(stat(runs, 'ours', (r) => r.rssLivePerSource) / 1024)} vs ${fmt(stat(runs, 'eventsource', (r) => r.rssLivePerSource) / 1024)} KB)`, mark(om === null || em === null ? null : om <= em)]);
  }
}

if (results.parser) {
  const { native, node } = results.parser;
  const rows = [];
  const rowsNet = [];
  for (const [k, r] of Object.entries(node)) {
    const m = r.memory;
    const v = (x) => (x ? (x.failures ? `**FAIL ${x.failures}/${x.runs}**${x.mbps ? ` ${fmt(x.mbps)}` : ''}` : fmt(x.mbps)) : '—');
    const alone = m['ours, wasm parser alone'];
    rows.push([`${PARSER_STREAMS[k].events.toLocaleString('en-US')} × ${r.label}`, v(alone), v(m.ours), v(m['eventsource-parser']), v(m.eventsource), alone?.mbps && m['eventsource-parser']?.mbps ? ratio(alone.mbps / m['eventsource-parser'].mbps) : '—', m.ours?.mbps && m['eventsource-parser']?.mbps ? ratio(m.ours.mbps / m['eventsource-parser'].mbps) : '—']);
    const l = r.loopback;
    if (Object.keys(l).length) rowsNet.push([`${PARSER_STREAMS[k].events.toLocaleString('en-US')} × ${r.label}`, v(l['fetch read loop alone']), v(l.ours), v(l['eventsource-parser (recorded chunks)']), v(l.eventsource), l.ours?.mbps && l['eventsource-parser (recorded chunks)']?.mbps ? ratio(l.ours.mbps / l['eventsource-parser (recorded chunks)'].mbps) : '—', fmt(r.recordedChunks)]);
  }
  sections.push(
    '### Parser\n\n' +
      `Native: \`cargo bench -p eventsource-core --bench parser\` (crates/eventsource-core/benches/parser.rs: ours, the decoded face, against the sse-stream crate in the same run; "ours, raw" the raw face), its table as printed (${native.title}):\n\n` +
      table(native.head, native.rows) +
      '\n\nIn Node, on streams of `id: N` + `data:` per event (bench/lib/scenarios.mjs, PARSER_STREAMS), MB/s of stream bytes. ' +
      'Node (' + process.version + "): ours two ways — the wasm parser alone through `parseCount` (the core glue of the build with the cargo feature \`bench\`, made by \`scripts/build.mjs --features=bench --out=bench/.build/dist-bench\`; the npm build has no such export: the bytes copied into wasm memory once and parsed in 64 KiB pieces, events counted, nothing made per event), and a whole `new EventSource()` with a trivial `onmessage` (count, compare data, sum lengths): parse, the batch's crossing into JS, a `MessageEvent` per event and Node's `EventTarget` dispatch. " +
      "eventsource-parser is `createParser({ onEvent })` fed the same chunks through a streaming `TextDecoder`, with the same trivial work per event; `eventsource` is the whole package's EventSource. In memory: both EventSources get a custom `fetch` answering a ReadableStream of the same 64 KiB chunks; median of rounds.\n\n" +
      table(['stream', 'ours, wasm parser alone MB/s', 'ours (wasm, whole EventSource) MB/s', 'eventsource-parser MB/s', 'eventsource MB/s', 'parser alone ÷ eventsource-parser', 'whole EventSource ÷ eventsource-parser'], rows) +
      (rowsNet.length
        ? '\n\nOver loopback from the benchmark server with Node\'s own fetch (undici); eventsource-parser is fed chunks recorded from a plain fetch of the same URL (so it pays no network).\n\n' +
          table(['stream', 'fetch read loop alone MB/s', 'ours MB/s', 'eventsource-parser MB/s', 'eventsource MB/s', 'ours ÷ eventsource-parser', 'chunks recorded'], rowsNet)
        : ''),
  );
  const profiled = Object.entries(node).filter(([, r]) => r.profile);
  if (profiled.length) {
    sections.push(
      '### Where ours spends its time in Node (CPU profile)\n\n' +
        'One untimed in-memory run of ours (the profiling build: the same wasm code as dist/, functions named; see the browser profiles below) under `node:inspector` at 100 µs sampling. ' +
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
  // The row of 1 KiB events in 16 KiB chunks, column "ours MB/s" (the decoded face).
  const col = native.head.indexOf('ours MB/s');
  const row1k = native.rows.find((r) => r[0].startsWith('medium') && r[2] === '16 KiB');
  const nat1k = row1k && col >= 0 ? Number(row1k[col].replace(/,/g, '')) : null;
  summary.push(['parser ≥ 1 GB/s native on 1 KiB events', nat1k ? `${fmt(nat1k)} MB/s (${row1k[0]}, 16 KiB chunks; ${row1k[row1k.length - 1]} sse-stream)` : '—', mark(nat1k ? nat1k >= 1000 : null)]);
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
      `CDP \`Profiler\` at 100 µs sampling, one untimed run each. Ours is the profiling build of scripts/build.mjs (\`--out=bench/.build/prof\`)${prof?.matchesDist ? ', whose wasm code is byte-identical to dist/ (name section aside)' : ' (its wasm DIFFERS from dist/)'}; ` +
      (prof?.namesFrom === 'build' ? 'wasm functions named by its name section' : prof?.namesFrom === 'twin' ? "wasm functions named from a twin of it optimized with names kept (byte-identical code once its name section is dropped; scripts/build.mjs has no `--names` yet)" : 'wasm functions unnamed') +
      (prof?.minified ? '; its JS is minified as in dist/ (scripts/build.mjs has no `--no-minify` yet), so JS functions carry their minified names. ' : '; JS not minified. ') +
      'Work outside the renderer main thread (network service, the fetch body pipe) is not in these profiles; "(program)" is native code the profiler cannot attribute to a JS frame, for the native EventSource mostly its C++ parser and dispatch.\n\n' +
      parts.join('\n\n'),
  );
}

if (results.relay) {
  const { table: relayTable, rows } = results.relay;
  sections.push(
    '### Shared stream (the `shared` option)\n\n' +
      '`bench/relay.mjs`: N tabs of one Chromium profile, each with `new EventSource(url, { shared: true })` on one stream of the test server. ' +
      'Latency: the server stamps each event with its wall clock (`performance.timeOrigin + performance.now()`), each tab subtracts it from its own when the `MessageEvent` is dispatched, over 5 s at 100 events/s; the leader is the tab holding the connection, the followers get its bytes over a BroadcastChannel. ' +
      'Throughput: 50,000 events written in bursts of 500 once every tab is ready, events/s until a tab has all of them (median over the leader, and over the followers). Server bytes: what it wrote in the 5 s window (one stream, however many tabs).\n\n' +
      relayTable,
  );
  const eight = rows.find((r) => r[0] === '8');
  if (eight) summary.push(['shared: 8 tabs cost the server 1 connection', `${eight[1]} connection(s), ${eight[2]} B in 5 s (1 tab: ${rows.find((r) => r[0] === '1')?.[2] ?? '—'} B)`, mark(eight[1] === '1')]);
  const lags = rows.filter((r) => r[0] !== '1').map((r) => [r[0], Number(r[5])]);
  if (lags.length) summary.push(['shared: a follower within 1 ms (p50) of the leader', lags.map(([n, l]) => `${n} tabs ${fmt(l, 2)} ms`).join(', '), mark(lags.every(([, l]) => Number.isFinite(l) && l <= 1))]);
}

if (results.shape) sections.push(results.shape);

const m = results.machine;
const head =
  `## Benchmarks (npm run bench)\n\n` +
  `${results.date.slice(0, 10)}; ${m.nproc} cores, ${m.cpu}; Chromium ${m.chromium ?? '—'} (Debian, headless); Node ${m.node}. **Load**: load average ${m.load} at the start, ${m.loadEnd} at the end of the browser part, ${m.loadFinal} at the end; other processes (concurrent tests and builds) kept on average ${fmt(m.otherCores, 2)} of the ${m.nproc} cores busy during the browser part and ${fmt(m.otherCoresNode, 2)} during the Node part. ` +
  `\`npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}\` (${quick ? `${rounds} rounds, --quick sizes` : option('rounds') ? `${rounds} rounds` : '7 rounds for small/medium/utf8/odd, 5 for large, latency and memory'}; ${fmt(results.seconds)} s). ` +
  `dist/ of the sources at commit ${results.dist.commit}, built ${results.dist.builtAt} (wasm ${results.dist.wasmSha}; ${results.dist.files.length} files, ${results.dist.distSha}). Each scenario runs every implementation once per round, the order rotating; figures are medians over rounds; every run checks every event (count, order, exact data, type, lastEventId, sum of lengths), and a run that loses or corrupts data is shown as FAIL.\n\n` +
  '### Targets\n\n' +
  table(['target (issue)', 'measured (ours)', ''], summary);
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
