#!/usr/bin/env node
// `npm run bench:rust-size`: what a Rust web app pays for its EventSource.
// The Leptos example (examples/leptos) is built three times, as
// scripts/examples.mjs builds it (release, LTO, opt-level "z", wasm-bindgen,
// npm's wasm-opt at the package's level), with the same UI and a different
// feed (src/feed.rs, src/size/*.rs, chosen by a Cargo feature):
//
//   eventsource-wasm      this crate's Rust API (POST, Authorization header)
//   gloo-net              gloo-net 0.7's EventSource (the browser's own: a
//                         GET, no header possible)
//   reqwest-eventsource   reqwest-eventsource 0.6 (POST, Authorization header)
//
// and the wasm and its glue are printed raw and gzipped (level 9), with the
// difference from the gloo-net build (the browser's object, nearly no code of
// its own: the app's cost without an SSE engine). A variant that does not
// build is printed with the reason, and the others still are. Figures only:
// nothing here asserts a size.

import { buildExample } from '../scripts/examples.mjs';

const VARIANTS = [
  { name: 'eventsource-wasm', features: [], defaultFeatures: true },
  { name: 'gloo-net', features: ['size-gloo-net'], defaultFeatures: false },
  { name: 'reqwest-eventsource', features: ['size-reqwest-eventsource'], defaultFeatures: false },
];

const rows = [];
for (const variant of VARIANTS) {
  process.stdout.write(`building examples/leptos with ${variant.name}… `);
  try {
    const built = buildExample('leptos', { ...variant, out: `build/examples/leptos-size-${variant.name}`, quiet: true });
    console.log(`${built.seconds.toFixed(0)} s`);
    rows.push({ ...variant, built });
  } catch (error) {
    // wasm-bindgen's own message is the last line that starts with "error:".
    const reason = [...error.message.matchAll(/^error: (.*)$/gm)].map((m) => m[1]).pop() || error.message.split('\n')[0];
    console.log('failed');
    rows.push({ ...variant, error: reason });
  }
}

const base = rows.find((r) => r.name === 'gloo-net')?.built;
const kb = (n) => `${n.toLocaleString('en')} B`;
const diff = (n, b) => (b === undefined ? '' : `${n >= b ? '+' : '−'}${Math.abs(n - b).toLocaleString('en')} B`);
console.log('\n| Leptos 0.8 app with | wasm | wasm gzipped | glue gzipped | wasm + glue gzipped | vs gloo-net (gzipped) |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const { name, built, error } of rows) {
  if (error) {
    console.log(`| ${name} | does not build: ${error.replace(/\|/g, '\\|')} | | | | |`);
    continue;
  }
  const total = built.gzip + built.glueGzip;
  console.log(`| ${name} | ${kb(built.raw)} | ${kb(built.gzip)} | ${kb(built.glueGzip)} | ${kb(total)} | ${name === 'gloo-net' ? '' : diff(total, base && base.gzip + base.glueGzip)} |`);
}
console.log('\n(crate versions: examples/leptos/Cargo.lock)');
