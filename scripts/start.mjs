#!/usr/bin/env node
// `npm start`: make sure the tools are there, build the release bundles
// (printing their sizes) and the Leptos example (the demo's /rust/ page),
// then serve the demo site on $PORT or 8080, or on a free port when that one
// is taken. Ctrl-C stops it.

import { setup } from './setup.mjs';

try {
  setup({ browser: false });
} catch (error) {
  console.error(`setup failed: ${error.message}`);
  process.exit(1);
}

const { build } = await import('./build.mjs');
try {
  await build();
} catch (error) {
  console.error(`build failed: ${error.message}`);
  process.exit(1);
}

// The Rust page: the first build compiles Leptos (minutes); later ones
// only link. Without it the rest of the site still works.
const { buildExample } = await import('./examples.mjs');
try {
  console.log('\nbuilding examples/leptos for the /rust/ page (the first time takes a few minutes)');
  const leptos = buildExample('leptos', { quiet: true });
  console.log(`examples/leptos: ${leptos.gzip} B of wasm gzipped, built in ${leptos.seconds.toFixed(1)} s`);
} catch (error) {
  console.error(`the /rust/ page is not available: ${error.message}`);
}

const { startDemoServer } = await import('../www/server.mjs');
const wanted = Number(process.env.PORT || 8080);
const host = process.env.HOST || '127.0.0.1';
let demo;
try {
  demo = await startDemoServer({ port: wanted, host });
} catch (error) {
  if (error.code !== 'EADDRINUSE' && error.code !== 'EACCES') throw error;
  demo = await startDemoServer({ port: 0, host });
  console.log(`\nport ${wanted} is ${error.code === 'EADDRINUSE' ? 'taken' : 'not allowed'}; using ${demo.port} instead`);
}

console.log(`\n  eventsource-wasm demo: ${demo.url}\n`);
console.log('  Ctrl-C to stop.');

let stopping = false;
function stop() {
  if (stopping) process.exit(130);
  stopping = true;
  demo.close().then(() => process.exit(0));
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
