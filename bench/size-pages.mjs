#!/usr/bin/env node
// What a page downloads, counted by the page: `node bench/size-pages.mjs
// [--dirs=NAME=DIR,…]` (default: dist/). For each way of loading the
// package (the drop-in script, `eventsource-wasm/auto`, the explicit
// `import { EventSource }`, `eventsource-wasm/static`), in headless Chromium, a cold browser context
// per page: where EventSource is missing, the page constructs one source
// (with and without `shared: true`) and waits for `open`; where it is
// native, the page loads the entry and waits 500 ms. Every file requested
// under /dist/ is counted, at its gzip -9 size, and so is every WebAssembly
// compilation. Several dist/ directories are measured side by side (the
// same server and browser), e.g. --dirs=before=/tmp/old-dist,after=dist.

import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

import { launch } from '../tests/e2e/browser.mjs';
import { startServer, sseUrl } from '../tests/server/server.mjs';

const option = (name) => process.argv.slice(2).find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? null;
const dirs = (option('dirs') || 'dist=dist').split(',').map((kv) => {
  const [name, dir] = kv.split('=');
  return { name, dir: resolve(dir) };
});

const CASES = [
  { entry: 'script', missing: true, shared: false },
  { entry: 'auto', missing: true, shared: false },
  { entry: 'index', missing: true, shared: false },
  { entry: 'script', missing: true, shared: true },
  { entry: 'auto', missing: true, shared: true },
  { entry: 'index', missing: true, shared: true },
  { entry: 'static', missing: true, shared: false },
  { entry: 'static', missing: true, shared: true },
  { entry: 'script', missing: false, shared: false },
  { entry: 'auto', missing: false, shared: false },
];

function html({ entry, missing, shared }, url) {
  const head =
    '<!doctype html><meta charset="utf-8"><script>' +
    'window.compiled = 0; const c = WebAssembly.compile; WebAssembly.compile = function (b) { if (b.byteLength > 8) window.compiled++; return c.apply(this, arguments); };' +
    (missing ? 'delete window.EventSource;' : '') +
    '</script>';
  // The source: made as a user of each entry would, then `open` awaited.
  const make = `const es = new ES(${JSON.stringify(url)}${shared ? ', { shared: true }' : ''}); window.done = new Promise((r) => { es.onopen = () => r('open'); es.onerror = (e) => r('error: ' + e.message); });`;
  const wait = "window.done = new Promise((r) => setTimeout(() => r('loaded'), 500));";
  if (entry === 'script') return `${head}<script src="/dist/eventsource-wasm.js"></script><script>const ES = window.EventSource; ${missing ? make : wait}</script>`;
  if (entry === 'auto') return `${head}<script type="module">import '/dist/auto.js'; const ES = window.EventSource; ${missing ? make : wait}</script>`;
  const file = entry === 'static' ? 'static.js' : 'index.js';
  return `${head}<script type="module">import { EventSource as ES } from '/dist/${file}'; ${make}</script>`;
}

const server = await startServer();
const browser = await launch();
const rows = [];
try {
  for (const c of CASES) {
    const row = { ...c, results: {} };
    for (const { name, dir } of dirs) {
      // A dist/ from before eventsource-wasm/static existed has no row for it.
      if (c.entry === 'static' && !existsSync(join(dir, 'static.js'))) {
        row.results[name] = null;
        continue;
      }
      const context = await browser.newContext();
      const page = await context.newPage();
      const requested = [];
      await page.route('**/dist/**', (route) => {
        const file = new URL(route.request().url()).pathname.slice('/dist/'.length);
        requested.push(file);
        return route.fulfill({ contentType: 'text/javascript; charset=utf-8', body: readFileSync(join(dir, file)) });
      });
      const url = sseUrl(server.origin, `size-${name}-${c.entry}-${Date.now()}`, { chunks: ['data: x\n\n'], end: 'open' });
      await page.route('**/__size.html', (route) => route.fulfill({ contentType: 'text/html; charset=utf-8', body: html(c, url) }));
      await page.goto(`${server.origin}/__size.html`);
      const outcome = await page.evaluate(() => window.done);
      await page.waitForTimeout(300);
      const compiled = await page.evaluate(() => window.compiled);
      await context.close();
      const files = [...new Set(requested)];
      const gzip = files.reduce((n, f) => n + gzipSync(readFileSync(join(dir, f)), { level: 9 }).length, 0);
      row.results[name] = { outcome, files, gzip, compiled };
    }
    rows.push(row);
  }
} finally {
  await browser.close();
  await server.close();
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`| way of loading | EventSource | ${dirs.map((d) => `${d.name}: gzip (files; compilations)`).join(' | ')} |`);
console.log(`| --- | --- | ${dirs.map(() => '---').join(' | ')} |`);
for (const r of rows) {
  const names = { script: 'drop-in script', auto: '`eventsource-wasm/auto`', index: 'explicit `import { EventSource }`', static: '`eventsource-wasm/static`' };
  const label = `${names[r.entry]}${r.shared ? ', `shared: true`' : ''}`;
  const cells = dirs.map((d) => {
    const x = r.results[d.name];
    if (x === null) return '— (no static.js)';
    const ok = x.outcome === (r.missing ? 'open' : 'loaded') ? '' : ` **${x.outcome}**`;
    return `${kb(x.gzip)} (${x.files.length} files: ${x.files.map((f) => f.replace(/-[A-Z0-9]{8}\.js$/, '-*.js')).join(', ')}; ${x.compiled})${ok}`;
  });
  console.log(`| ${label} | ${r.missing ? 'missing' : 'native'} | ${cells.join(' | ')} |`);
}
