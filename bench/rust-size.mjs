#!/usr/bin/env node
// `npm run bench:rust-size`: what a Rust web app pays for its EventSource.
// Two apps, each built three times as scripts/examples.mjs builds them
// (release, LTO, opt-level "z", wasm-bindgen, npm's wasm-opt at the
// package's level), with the same UI and a different feed (src/feed.rs,
// src/size/*.rs, chosen by a Cargo feature):
//
//   apps:     examples/leptos (Leptos 0.8, CSR; a POST with an
//             Authorization header) and examples/minimal (no framework:
//             wasm-bindgen, web-sys, spawn_local; a GET)
//   feeds:    eventsource-wasm      this crate's Rust API (and the same
//                                   without its `std` feature)
//             gloo-net              gloo-net 0.7's EventSource (the
//                                   browser's own: a GET, no header possible)
//             reqwest-eventsource   reqwest-eventsource 0.6
//
// The wasm and its glue are printed raw and gzipped (level 9), with the
// difference from the gloo-net build (the browser's object, nearly no code
// of its own: the app's cost without an SSE engine). A variant that does
// not build is printed with the reason, and the others still are. Then each
// build of the minimal page is opened in headless Chromium against a stream
// that ends after one event (bench/lib/retry-check.mjs): what it does on
// its first reconnection. Figures only: nothing here asserts a size.
//
//   --breakdown   print where the bytes over gloo-net go, by crate
//                 (bench/lib/wasm-weight.mjs), from each build's names
//                 twin (the same wasm optimised with wasm-opt -g: same
//                 code, which is checked, and its function names; they
//                 also name the frames of a trap in the Chromium check)
//   --apps=A,B    only these apps (leptos, minimal)
//   --no-browser  skip the Chromium check

import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

import { buildExample } from '../scripts/examples.mjs';
import { stripNames, wasmFunctionNames } from './lib/builds.mjs';
import { describeRetry, retryCheck } from './lib/retry-check.mjs';
import { bucket, byBucket, demangle, weigh } from './lib/wasm-weight.mjs';

const args = process.argv.slice(2);
const breakdown = args.includes('--breakdown');
const only = args.find((a) => a.startsWith('--apps='))?.slice('--apps='.length).split(',');

const APPS = [
  { name: 'leptos', title: 'Leptos 0.8 app', crate: 'eventsource_wasm_leptos_example' },
  { name: 'minimal', title: 'Minimal page (no framework)', crate: 'eventsource_wasm_minimal_example' },
].filter((app) => !only || only.includes(app.name));

const VARIANTS = [
  { name: 'eventsource-wasm', slug: 'eventsource-wasm', features: [], defaultFeatures: true },
  // The same without eventsource-wasm's `std` feature (its panic hook).
  { name: 'eventsource-wasm without std', slug: 'eventsource-wasm-no-std', features: ['eventsource-wasm'], defaultFeatures: false },
  { name: 'gloo-net', slug: 'gloo-net', features: ['size-gloo-net'], defaultFeatures: false },
  { name: 'reqwest-eventsource', slug: 'reqwest-eventsource', features: ['size-reqwest-eventsource'], defaultFeatures: false },
];

const B = (n) => `${n.toLocaleString('en')} B`;
const signed = (n) => `${n >= 0 ? '+' : '−'}${Math.abs(n).toLocaleString('en')} B`;

const results = [];
for (const app of APPS) {
  const rows = [];
  for (const variant of VARIANTS) {
    process.stdout.write(`building examples/${app.name} with ${variant.name}… `);
    try {
      const built = buildExample(app.name, { ...variant, out: `build/examples/${app.name}-size-${variant.slug}`, quiet: true, names: true });
      console.log(`${built.seconds.toFixed(0)} s`);
      rows.push({ ...variant, built });
    } catch (error) {
      // wasm-bindgen's own message is the last line that starts with "error:".
      const reason = [...error.message.matchAll(/^error: (.*)$/gm)].map((m) => m[1]).pop() || error.message.split('\n')[0];
      console.log('failed');
      rows.push({ ...variant, error: reason });
    }
  }
  results.push({ app, rows });
}

for (const { app, rows } of results) {
  const base = rows.find((r) => r.name === 'gloo-net')?.built;
  const baseTotal = base && base.gzip + base.glueGzip;
  console.log(`\n| ${app.title} with | wasm | wasm gzipped | glue gzipped | wasm + glue gzipped | vs gloo-net (gzipped) |`);
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const { name, built, error } of rows) {
    if (error) {
      console.log(`| ${name} | does not build: ${error.replace(/\|/g, '\\|')} | | | | |`);
      continue;
    }
    const total = built.gzip + built.glueGzip;
    const diff = name === 'gloo-net' || baseTotal === undefined ? '' : signed(total - baseTotal);
    console.log(`| ${name} | ${B(built.raw)} | ${B(built.gzip)} | ${B(built.glueGzip)} | ${B(total)} | ${diff} |`);
  }
  console.log(`\n(crate versions: examples/${app.name}/Cargo.lock)`);
}

if (breakdown) {
  for (const { app, rows } of results) {
    const ours = rows.find((r) => r.name === 'eventsource-wasm')?.built;
    const base = rows.find((r) => r.name === 'gloo-net')?.built;
    if (!ours || !base) {
      console.log(`\n${app.title}: no breakdown (the eventsource-wasm or the gloo-net build failed)`);
      continue;
    }
    printBreakdown(app, ours, base);
  }
}

if (!args.includes('--no-browser')) {
  const minimal = results.find((r) => r.app.name === 'minimal');
  const pages = (minimal?.rows || []).filter((r) => r.built).map((r) => ({ name: r.name, path: `/build/examples/minimal-size-${r.slug}/` }));
  if (pages.length) {
    console.log(`\nOn a stream that ends after one event (retry: 200), the minimal page in headless Chromium:`);
    for (const result of await retryCheck(pages)) {
      const built = minimal.rows.find((r) => r.name === result.name).built;
      console.log(`- ${describeRetry(result, wasmFunctionNames(readFileSync(built.namesWasm)))}`);
    }
  }
}

/**
 * Where the bytes of `ours` over `base` go: code bytes per crate (function
 * bodies of the names twin, plus the data section) side by side, the
 * difference, and the largest functions only `ours` has.
 */
function printBreakdown(app, ours, base) {
  const load = (built) => {
    const bytes = readFileSync(built.namesWasm);
    // The twin must be the measured build's code exactly, or the breakdown is of something else.
    const same = stripNames(bytes).equals(readFileSync(built.wasm));
    const weighed = weigh(bytes);
    return { same, weighed, buckets: byBucket(weighed, app.crate) };
  };
  const a = load(ours);
  const b = load(base);
  console.log(`\n${app.title}: where the ${B(ours.raw - base.raw)} (raw) over gloo-net go, by crate (names twin: wasm-opt -g; code identical to the measured build: ${a.same && b.same ? 'yes' : 'NO'})`);
  console.log('\n| bucket | eventsource-wasm | gloo-net | difference |');
  console.log('| --- | ---: | ---: | ---: |');
  const keys = [...new Set([...a.buckets.keys(), ...b.buckets.keys()])];
  const rows = keys
    .map((key) => ({ key, x: a.buckets.get(key)?.bytes ?? 0, y: b.buckets.get(key)?.bytes ?? 0 }))
    .sort((p, q) => q.x - q.y - (p.x - p.y));
  let other = { x: 0, y: 0 };
  for (const { key, x, y } of rows) {
    if (Math.abs(x - y) < 200) {
      other = { x: other.x + x, y: other.y + y };
      continue;
    }
    console.log(`| ${key} | ${B(x)} | ${B(y)} | ${signed(x - y)} |`);
  }
  console.log(`| everything else (each within ±200 B) | ${B(other.x)} | ${B(other.y)} | ${signed(other.x - other.y)} |`);
  const sum = (m) => [...m.values()].reduce((s, v) => s + v.bytes, 0);
  console.log(`| functions + data | ${B(sum(a.buckets))} | ${B(sum(b.buckets))} | ${signed(sum(a.buckets) - sum(b.buckets))} |`);
  // The largest functions the gloo-net build does not have: where to look first.
  const theirs = new Set(b.weighed.functions.map((f) => demangle(f.name)));
  const own = a.weighed.functions.filter((f) => !theirs.has(demangle(f.name))).sort((p, q) => q.size - p.size);
  console.log(`\nThe largest of the ${own.length} functions only eventsource-wasm's build has:`);
  for (const f of own.slice(0, 15)) console.log(`- ${B(f.size)} ${demangle(f.name).slice(0, 150)} [${bucket(f.name, app.crate)}]`);
}
