#!/usr/bin/env node
// Delivery shape (issue 25 item 8): the same 1 KiB-event stream, ours against
// Chromium's native EventSource in the same run, delivered as servers deliver
// it over a real local connection — 64 KiB writes, 256 KiB writes, a trickle
// (8 KiB every 2 ms), a drip (one event every 1 ms), a short stream (200
// events, one write) — each with a
// listener that reads and checks every event's data and one that does not
// touch data (native makes the string only when it is read). Prints figures;
// never a test. `npm run bench` runs it as its `shape` figure.
//
//   node bench/shape.mjs [--rounds=5] [--only=w64k,w256k,trickle,drip,short] [--listen=read,unread]
//                        [--impl=ours,native] [--b=DIR] [--no-anatomy] [--profile=trickle,...] [--json=FILE]
//
// --b=DIR: another build of ours (a dist/, e.g. `scripts/build.mjs --out=DIR`
// with a change) measured as `b` in the same rounds.
//
// Per run: the time from `new EventSource()` to the last event; the CPU of
// every thread of every Chromium process from /proc/<pid>/task/<tid>/schedstat
// around it, grouped as the renderer's main thread (the page's JavaScript,
// the wasm, native's parser and dispatch), the renderer's other threads, the
// network service and the browser process; the load average and how many
// cores other processes kept busy. Medians over rounds, the implementations'
// order rotating. Then, untimed (--no-anatomy skips it), one run of each with
// the DevTools Network domain on: how many pieces the renderer's loader got
// (Network.dataReceived) and their sizes, and for ours the body reads the
// page's JavaScript made (the BYOB reader's read(), wrapped) and their sizes.
// --profile=SHAPES: one more untimed run each with the CDP Profiler (100 µs
// sampling): the renderer main thread's self time by category.

import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { launchChromium } from './lib/cdp.mjs';
import { descendants, processTable } from './lib/procs.mjs';
import { startServer } from './lib/server.mjs';
import { summarizeProfile } from './lib/profile.mjs';
import { summarize, threadCpu, threadTable } from './lib/threads.mjs';
import { CHROMIUM } from '../tests/e2e/browser.mjs';
import { verdict } from './lib/verdict.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const argv = process.argv.slice(2);
const option = (name) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? null;
const flag = (name) => argv.includes(`--${name}`);

const KIB = 1024;
export const SHAPES = {
  w64k: { label: '20,000 × 1 KiB, 64 KiB writes', spec: { kind: 'ascii', events: 20_000, size: KIB, write: 64 * KIB } },
  w256k: { label: '20,000 × 1 KiB, 256 KiB writes', spec: { kind: 'ascii', events: 20_000, size: KIB, write: 256 * KIB } },
  trickle: { label: '5,000 × 1 KiB, 8 KiB every 2 ms', spec: { kind: 'ascii', events: 5_000, size: KIB, write: 8 * KIB, every: 2 } },
  // One event per write, one write per ms: what a piece costs, apart from what an event costs.
  drip: { label: '1,000 × 1 KiB, one event (1,032 B) every 1 ms', spec: { kind: 'ascii', events: 1_000, size: KIB, write: 1032, every: 1 } },
  short: { label: '200 × 1 KiB, one write', spec: { kind: 'ascii', events: 200, size: KIB, write: 256 * KIB } },
};
const LISTENERS = ['read', 'unread'];

const rounds = Number(option('rounds')) || 5;
const shapes = (option('only') || Object.keys(SHAPES).join(',')).split(',');
for (const s of shapes) if (!SHAPES[s]) throw new Error(`--only: unknown shape ${s} (known: ${Object.keys(SHAPES).join(', ')})`);
const listeners = (option('listen') || LISTENERS.join(',')).split(',');
for (const l of listeners) if (!LISTENERS.includes(l)) throw new Error(`--listen: unknown listener ${l} (known: ${LISTENERS.join(', ')})`);
const bDir = option('b');
const impls = (option('impl') || (bDir ? 'ours,b,native' : 'ours,native')).split(',');
for (const i of impls) if (!['ours', 'native', 'b'].includes(i)) throw new Error(`--impl: unknown implementation ${i} (known: ours, native, b)`);
if (impls.includes('b') && !bDir) throw new Error('--impl=b needs --b=DIR (a dist/ of another build of ours)');
if (!impls.includes('native')) throw new Error('--impl: native is the baseline every ratio is against; keep it in the list');

const log = (...m) => console.error(...m);
const text = (p) => readFileSync(p, 'utf8');
const files = {
  '/bench/lib/page.mjs': { body: readFileSync(join(here, 'lib/page.mjs')) },
  '/bench/lib/scenarios.mjs': { body: readFileSync(join(here, 'lib/scenarios.mjs')) },
};
const dist = join(root, 'dist');
let distFiles;
try {
  distFiles = readdirSync(dist);
} catch {
  throw new Error(`bench/shape.mjs measures dist/ as built, and ${dist} is not there: run node scripts/build.mjs first`);
}
// Read into memory now: a rebuild during the run cannot change what is measured.
for (const f of distFiles) files[`/dist/${f}`] = { body: readFileSync(join(dist, f)) };
if (bDir) for (const f of readdirSync(bDir)) files[`/b/${f}`] = { body: readFileSync(join(bDir, f)) };
const libs = {
  ours: { src: '/dist/eventsource-wasm.js', ctor: 'window.EventSourceWasm.EventSource', ready: 'window.EventSourceWasm.ready()' },
  b: { src: '/b/eventsource-wasm.js', ctor: 'window.EventSourceWasm.EventSource', ready: 'window.EventSourceWasm.ready()' },
  native: { src: null, ctor: 'window.EventSource' },
};
const server = await startServer({ files, libs });
if (!CHROMIUM) throw new Error('Chromium not found (apt-get install chromium); the benchmark never downloads a browser');
const browser = await launchChromium(CHROMIUM, []);
const page = await browser.newPage();

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (a) => {
  const s = a.filter((v) => Number.isFinite(v)).sort((p, q) => p - q);
  if (!s.length) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const rotate = (list, r) => list.map((_, j) => list[(j + r) % list.length]);
const chromiumPids = () => {
  const procs = processTable();
  return descendants(procs).filter((pid) => procs.get(pid).comm !== 'node');
};
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
const load1 = () => Number(text('/proc/loadavg').split(' ')[0]);
/** Busy ticks of the whole machine (all cores), from /proc/stat. */
function machineBusy() {
  const f = text('/proc/stat').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return f.slice(0, 8).reduce((a, b) => a + b, 0) - f[3] - f[4];
}
/** CPU ticks of this process and its descendants (Chromium included). */
function ourTicks() {
  const procs = processTable();
  return [process.pid, ...descendants(procs)].reduce((n, pid) => n + procs.get(pid).ticks + procs.get(pid).reaped, 0);
}

async function openPage(impl, name, spec) {
  await page.navigate(`${server.origin}/page?impl=${impl}`, 'window.benchReady === true');
  await page.evaluate(`window.bench.prepare(${JSON.stringify(name)}, ${JSON.stringify(spec)})`);
  // Let a navigation's spare renderer start before the CPU is read.
  await sleep(150);
}

let runCounter = 0;
async function timedRun(impl, name, spec, listen) {
  await openPage(impl, name, spec);
  const url = `/sse/${name}?run=${++runCounter}`;
  const t0 = threadTable(chromiumPids());
  const loadBefore = load1();
  const r = await page.evaluate(`window.bench.run(${JSON.stringify(url)}, ${JSON.stringify({ impl, unread: listen === 'unread' })})`);
  const t1 = threadTable(chromiumPids());
  const threads = threadCpu(t0, t1);
  const failure = verdict(r);
  if (failure) throw new Error(`${name}, ${listen}, ${impl}: ${failure}`);
  return { ms: r.ms, cpu: summarize(threads), threads: Object.fromEntries(threads), load: Math.max(loadBefore, load1()) };
}

// The in-page wrapper for the anatomy run: every body read's size.
const WRAP_READS = `(() => {
  window.__reads = [];
  for (const R of [ReadableStreamBYOBReader, ReadableStreamDefaultReader]) {
    const read = R.prototype.read;
    R.prototype.read = function (...a) {
      const capacity = a[0] ? a[0].byteLength : null;
      return read.apply(this, a).then((x) => { if (!x.done && x.value) window.__reads.push([x.value.byteLength, capacity]); return x; });
    };
  }
  return true;
})()`;

const profileTops = {};
async function profiled(impl, name, spec, listen) {
  await openPage(impl, name, spec);
  const url = `/sse/${name}?run=${++runCounter}`;
  await page.send('Profiler.enable', {});
  await page.send('Profiler.setSamplingInterval', { interval: 100 });
  await page.send('Profiler.start', {});
  const r = await page.evaluate(`window.bench.run(${JSON.stringify(url)}, ${JSON.stringify({ impl, unread: listen === 'unread' })})`);
  const { profile } = await page.send('Profiler.stop', {});
  await page.send('Profiler.disable', {});
  const failure = verdict(r);
  if (failure) throw new Error(`profile ${name}, ${impl}: ${failure}`);
  const s = summarizeProfile(profile, { ours: (u) => u.includes('/dist/') || u.includes('/b/'), harness: (u) => u.endsWith('/page.mjs') });
  profileTops[`${name}/${listen}/${impl}`] = s.top;
  return Object.fromEntries(s.categories.map((c) => [c.cat, c.ms]));
}

async function anatomy(impl, name, spec) {
  await openPage(impl, name, spec);
  await page.evaluate(WRAP_READS);
  const url = `/sse/${name}?run=${++runCounter}`;
  const pieces = [];
  let requestId = null;
  const off = browser.on((m) => {
    if (m.method === 'Network.requestWillBeSent' && m.params.request.url.includes(url)) requestId = m.params.requestId;
    else if (m.method === 'Network.dataReceived' && m.params.requestId === requestId) pieces.push(m.params.dataLength);
  });
  await page.send('Network.enable', {});
  const r = await page.evaluate(`window.bench.run(${JSON.stringify(url)}, ${JSON.stringify({ impl })})`);
  await sleep(100);
  off();
  await page.send('Network.disable', {});
  const failure = verdict(r);
  if (failure) throw new Error(`anatomy ${name}, ${impl}: ${failure}`);
  const reads = impl === 'native' ? [] : await page.evaluate('window.__reads');
  return {
    pieces: pieces.length,
    pieceMedian: median(pieces),
    pieceMax: pieces.length ? Math.max(...pieces) : NaN,
    reads: reads.length,
    readMedian: median(reads.map((x) => x[0])),
    readMax: reads.length ? Math.max(...reads.map((x) => x[0])) : NaN,
    readsFull: reads.filter(([n, cap]) => cap !== null && n === cap).length,
  };
}

const results = { date: new Date().toISOString(), chromium: browser.version, rounds, impls, loadStart: text('/proc/loadavg').split(' ').slice(0, 3).join(' '), shapes: {} };
log(`bench/shape: ${rounds} rounds × ${impls.join(', ')}; load average ${results.loadStart}`);
// Warm-up, discarded: a cold renderer and network stack would tax the first run.
server.prepare('warmup', { kind: 'ascii', events: 2000, size: KIB });
for (const impl of impls) await timedRun(impl, 'warmup', { kind: 'ascii', events: 2000, size: KIB }, 'read');
server.release('warmup');

for (const name of shapes) {
  const { spec, label } = SHAPES[name];
  const bytes = server.prepare(name, spec);
  const entry = { label, bytes, runs: {} };
  for (const listen of listeners) {
    const runs = Object.fromEntries(impls.map((i) => [i, []]));
    // Other processes' CPU over the whole block (a single run is too short
    // for /proc/stat's 10 ms ticks): the machine's busy time minus ours.
    const at0 = { busy: machineBusy(), ours: ourTicks(), t: performance.now() };
    for (let round = 0; round < rounds; round++) {
      for (const impl of rotate(impls, round)) {
        const x = await timedRun(impl, name, spec, listen);
        runs[impl].push(x);
        log(`  ${name} ${listen.padEnd(6)} ${round + 1} ${impl.padEnd(6)} ${x.ms.toFixed(0).padStart(5)} ms  CPU ${x.cpu.total.toFixed(0)} ms (renderer main ${x.cpu.rendererMain.toFixed(0)}, other ${x.cpu.rendererOther.toFixed(0)}, network ${x.cpu.network.toFixed(0)}, browser ${x.cpu.browser.toFixed(0)})  load ${x.load.toFixed(2)}`);
      }
    }
    entry.runs[listen] = runs;
    entry.others ??= {};
    entry.others[listen] = Math.max(0, (machineBusy() - at0.busy - (ourTicks() - at0.ours)) / CLK_TCK / ((performance.now() - at0.t) / 1000));
  }
  if (!flag('no-anatomy')) {
    entry.anatomy = {};
    for (const impl of impls) entry.anatomy[impl] = await anatomy(impl, name, spec);
  }
  if ((option('profile') || '').split(',').includes(name)) {
    entry.profile = {};
    for (const listen of listeners) for (const impl of impls) entry.profile[`${listen}/${impl}`] = await profiled(impl, name, spec, listen);
  }
  server.release(name);
  results.shapes[name] = entry;
}
results.profileTops = profileTops;
results.loadEnd = text('/proc/loadavg').split(' ').slice(0, 3).join(' ');
await browser.close();
await server.close();
if (option('json')) writeFileSync(option('json'), JSON.stringify(results, null, 1));

// ---------------------------------------------------------------- report

const f = (v, d = 0) => (Number.isFinite(v) ? v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }) : '—');
const x2 = (v) => (Number.isFinite(v) ? `${v.toFixed(2)}×` : '—');
const rows = [];
for (const [name, e] of Object.entries(results.shapes)) {
  for (const [listen, runs] of Object.entries(e.runs)) {
    const m = (impl, k) => median(runs[impl].map((r) => (k === 'ms' ? r.ms : r.cpu[k])));
    const nat = { ms: m('native', 'ms'), best: Math.min(...runs.native.map((r) => r.ms)) };
    for (const impl of impls) {
      const rs = runs[impl];
      const loads = rs.map((r) => r.load);
      const cell = (k) => `${f(m(impl, k))}${impl === 'native' ? '' : ` (${x2(m(impl, k) / m('native', k))})`}`;
      rows.push([
        `${name}: ${e.label}`,
        listen,
        impl,
        f(m(impl, 'ms')),
        impl === 'native' ? '1.00×' : x2(nat.ms / m(impl, 'ms')),
        impl === 'native' ? '1.00×' : x2(nat.best / Math.min(...rs.map((r) => r.ms))),
        cell('total'),
        cell('rendererMain'),
        cell('rendererOther'),
        cell('network'),
        cell('browser'),
        `${f(median(loads), 1)} (${f(Math.min(...loads), 1)}–${f(Math.max(...loads), 1)}); ${f(e.others[listen], 2)}`,
      ]);
    }
  }
}
const table = (head, body) => [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...body.map((r) => `| ${r.join(' | ')} |`)].join('\n');
const out = [
  `### Delivery shape (bench/shape.mjs)\n`,
  `${results.date.slice(0, 10)}, Chromium ${results.chromium}; \`node bench/shape.mjs ${argv.join(' ')}\`; load average ${results.loadStart} at the start, ${results.loadEnd} at the end. ` +
    `Times: median ms from \`new EventSource()\` to the last event; × native: native's median (best) over the implementation's, higher is faster. ` +
    `CPU: ms on a core of every thread of every Chromium process (/proc/<pid>/task/<tid>/schedstat), median over rounds; (×) against native's, lower is less. ` +
    `Load: the 1-minute load average (median, range) and how many of the 2 cores other processes kept busy over the stream's rounds.\n`,
  table(['stream', 'listener', 'impl', 'ms', '× native', '× native (best)', 'CPU ms, all', 'renderer main', 'renderer other', 'network service', 'browser', 'load; others\' cores'], rows),
];
if (!flag('no-anatomy')) {
  const arows = [];
  for (const [name, e] of Object.entries(results.shapes))
    for (const impl of impls) {
      const a = e.anatomy[impl];
      arows.push([name, impl, f(a.pieces), `${f(a.pieceMedian)} / ${f(a.pieceMax)}`, impl === 'native' ? '—' : f(a.reads), impl === 'native' ? '—' : `${f(a.readMedian)} / ${f(a.readMax)}`, impl === 'native' ? '—' : f(a.readsFull)]);
    }
  out.push(
    '\nWhat arrives (one untimed run each, DevTools Network domain on): the pieces the renderer\'s loader got (`Network.dataReceived`), and for ours the body reads its JavaScript made (BYOB `read()`), with how many filled the buffer offered.\n',
    table(['stream', 'impl', 'loader pieces', 'piece B, median / max', 'JS reads', 'read B, median / max', 'reads that filled the buffer'], arows),
  );
  // The renderer's other threads, by name (median ms, the read listener on the largest stream measured).
  const big = results.shapes.w256k || Object.values(results.shapes)[0];
  const names = new Set();
  for (const impl of impls) for (const r of big.runs[listeners[0]][impl]) for (const k of Object.keys(r.threads)) if (!k.startsWith('renderer/main')) names.add(k);
  const trows = [...names]
    .map((k) => [k, ...impls.map((impl) => median(big.runs[listeners[0]][impl].map((r) => r.threads[k] ?? 0)))])
    .filter((r) => r.slice(1).some((v) => v >= 1))
    .sort((a, b) => b[1] - a[1])
    .map(([k, ...v]) => [k, ...v.map((n) => f(n))]);
  out.push(`\nCPU by thread (process/thread name; median ms; ${big.label}, listener ${listeners[0]}), threads over 1 ms:\n`, table(['thread', ...impls], trows));
}
for (const [name, e] of Object.entries(results.shapes)) {
  if (!e.profile) continue;
  const cats = [...new Set(Object.values(e.profile).flatMap((p) => Object.keys(p)))];
  const keys = Object.keys(e.profile);
  out.push(
    `\nRenderer main thread, self time by category (ms; CDP Profiler at 100 µs, one untimed run each; ${e.label}):\n`,
    table(['category', ...keys], cats.map((c) => [c, ...keys.map((k) => f(e.profile[k][c] ?? 0, 1))])),
  );
}
console.log(out.join('\n'));
