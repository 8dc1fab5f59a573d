// The published package, as users get it: `npm pack` once, install the
// tarball into a throwaway project, and prove that the one tarball serves
// every way of loading it — a classic <script>, an ES module page with an
// import map, esbuild (esm and iife) and Vite production bundles, and Node
// (ESM, require, /auto) — each receiving real events from the test server.
// Also: the tarball holds exactly what a user needs, the exports map points
// at files that exist, and `sideEffects` names exactly the installing entries.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync, statSync, utimesSync } from 'node:fs';
import { join, relative } from 'node:path';

import { startServer, sseUrl } from '../server/server.mjs';
import { launch } from '../e2e/browser.mjs';
import { root, packAndInstall, parseNpmJson, runNode, runOk, serveDirectory, uniqueKey, waitFor, captureConsole } from './helpers.mjs';

// The stream every consumer must receive: an id, a custom event type, two
// messages (the second with a new id). Kept open so nothing reconnects.
const CHUNKS = ['id: 42\nevent: greet\ndata: hi\n\ndata: one\n\nid: 43\ndata: two\n\n'];
const EXPECTED = [
  ['open', null, null],
  ['greet', 'hi', '42'],
  ['message', 'one', '42'],
  ['message', 'two', '43'],
];

// What a user needs, and nothing else.
// The ES modules' shared chunks are named by esbuild with a content hash.
const DIST_FILES = ['api.cjs', 'auto.cjs', 'auto.d.cts', 'auto.d.ts', 'auto.js', 'core.cjs', 'core-chunk.cjs', 'core-chunk-shared.cjs', 'eventsource-wasm.core.js', 'eventsource-wasm.shared.js', 'eventsource-wasm.js', 'eventsource_wasm_bg.wasm', 'index.cjs', 'index.d.cts', 'index.d.ts', 'index.js', 'static.d.ts', 'static.js', 'workerd.js', 'workerd-auto.js'];
const DIST_CHUNKS = [/^dist\/chunk-[A-Z0-9]{8}\.js$/, /^dist\/core-chunk-[A-Z0-9]{8}\.js$/, /^dist\/core-chunk-shared-[A-Z0-9]{8}\.js$/];
const TARBALL_FILES = [...DIST_FILES.map((f) => `dist/${f}`), 'auto/package.json', 'static/package.json', 'README.md', 'LICENSE-MIT', 'LICENSE-APACHE', 'CHANGELOG.md', 'package.json'].sort();
// The entries whose evaluation matters: the installers, and the explicit
// entries, which start loading the core (eventsource-wasm/static hands the
// shell the core it carries: a module service worker may not import() one;
// a bundler that dropped that statement would lose it).
const SIDE_EFFECT_ENTRIES = ['./dist/auto.cjs', './dist/auto.js', './dist/eventsource-wasm.js', './dist/index.cjs', './dist/index.js', './dist/static.js', './dist/workerd-auto.js'];

let server; // the SSE test server (its own port: streams need CORS)
let installed; // {project, pkgDir, pack, tarball, cleanup}
let files; // static server for the temp project
let browser;
let context;

before(async () => {
  server = await startServer();
  installed = await packAndInstall('package');
  files = await serveDirectory(installed.project);
  browser = await launch();
  context = await browser.newContext();
});

after(async () => {
  await context?.close().catch(() => {});
  await browser?.close().catch(() => {});
  await files?.close();
  await server?.close();
  await installed?.cleanup();
});

/** A fresh stream URL (its own key) on the test server, with CORS. */
function stream(name) {
  return sseUrl(server.origin, uniqueKey(name), { chunks: CHUNKS, end: 'open', cors: true });
}

/** Write a file into the temp project (creating folders). */
async function put(path, text) {
  const file = join(installed.project, path);
  await mkdir(join(file, '..'), { recursive: true });
  await writeFile(file, text);
  return file;
}

// ── browser pages ────────────────────────────────────────────────────────

// Runs in every page before its scripts: `rec(label, es)` records what a
// source dispatches; with `deleteNative`, Chromium's EventSource is removed
// first, so the page looks like a browser without one.
function pageInit({ deleteNative }) {
  window.__nativeBefore = window.EventSource;
  if (deleteNative) delete window.EventSource;
  window.__log = [];
  window.__facts = null;
  window.rec = (label, es) => {
    for (const type of ['open', 'message', 'error', 'greet']) {
      es.addEventListener(type, (e) => {
        const entry = [label, e.type, e.data ?? null, e.lastEventId ?? null, e.origin ?? null];
        window.__log.push(entry);
        console.log(JSON.stringify(entry));
      });
    }
    return es;
  };
}

/** Open `path` on the project's static server; returns {page, cons, requests}. */
async function openPage(path, { deleteNative = false } = {}) {
  const page = await context.newPage();
  await page.addInitScript(pageInit, { deleteNative });
  const cons = captureConsole(page);
  const firstRequest = files.requests.length;
  await page.goto(`${files.origin}/${path}`);
  return { page, cons, requests: () => files.requests.slice(firstRequest) };
}

/**
 * Wait until the source recorded as `label` saw open + the three events (or
 * an error), then check them exactly, including each message's origin.
 */
async function expectEvents({ page, cons }, label) {
  const describe = async () => `${JSON.stringify(await page.evaluate(() => window.__log))} ${cons.text()}`;
  const log = await waitFor(
    async () => {
      const all = await page.evaluate(() => window.__log);
      const mine = all.filter((e) => e[0] === label);
      return mine.length >= EXPECTED.length || mine.some((e) => e[1] === 'error') ? mine : null;
    },
    { message: `${label}: open and three events`, describe },
  );
  assert.deepEqual(
    log.slice(0, EXPECTED.length).map(([, type, data, id]) => [type, data, id]),
    EXPECTED,
    `${label} received ${JSON.stringify(log)}; page: ${cons.text()}`,
  );
  for (const [, type, , , origin] of log.slice(1, EXPECTED.length)) assert.equal(origin, server.origin, `${type} event origin`);
  assert.deepEqual(cons.errors, [], 'no page errors');
}

async function facts(page) {
  return waitFor(() => page.evaluate(() => window.__facts), { message: 'the page to report its facts' });
}

/** No wasm file was fetched: the bytes are embedded in the JS. */
function assertNoWasmFetched(requests) {
  assert.deepEqual(
    requests().filter((p) => p.endsWith('.wasm')),
    [],
    'the page fetched a .wasm file; the package embeds it',
  );
}

const html = (body) => `<!doctype html>\n<html><head><meta charset="utf-8"><title>eventsource-wasm package test</title></head>\n<body>\n${body}\n</body></html>\n`;

describe('classic <script> from the tarball', () => {
  test('installs EventSource where the browser has none, and receives events', async () => {
    const url = stream('script-install');
    await put(
      'script-install.html',
      html(`<script src="node_modules/eventsource-wasm/dist/eventsource-wasm.js"></script>
<script>
  window.__facts = {
    hadGlobalBefore: typeof window.__nativeBefore,
    globalIsPackage: window.EventSource === EventSourceWasm.EventSource,
    isPolyfill: EventSourceWasm.isPolyfill(),
    supportsSSE: EventSourceWasm.supportsSSE(),
    environment: EventSourceWasm.environment(),
    enumerable: Object.getOwnPropertyDescriptor(window, 'EventSource').enumerable,
  };
  rec('global', new EventSource(${JSON.stringify(url)}));
</script>`),
    );
    const p = await openPage('script-install.html', { deleteNative: true });
    try {
      const f = await facts(p.page);
      assert.equal(f.globalIsPackage, true, 'the script installed its EventSource');
      assert.equal(f.isPolyfill, true);
      assert.equal(f.supportsSSE, true);
      assert.equal(f.environment.native, false);
      assert.equal(f.environment.eventTarget, 'native');
      assert.ok(['fetch', 'xhr'].includes(f.environment.transport), `transport ${f.environment.transport}`);
      assert.equal(f.enumerable, false, 'installed like the platform interface object (non-enumerable)');
      await expectEvents(p, 'global');
      assertNoWasmFetched(p.requests);
    } finally {
      await p.page.close();
    }
  });

  test('leaves a native EventSource alone; EventSourceWasm.EventSource still works', async () => {
    const nativeUrl = stream('script-native');
    const wasmUrl = stream('script-wasm');
    await put(
      'script-native.html',
      html(`<script src="node_modules/eventsource-wasm/dist/eventsource-wasm.js"></script>
<script>
  window.__facts = {
    untouched: window.EventSource === window.__nativeBefore,
    nativeCode: /\\[native code\\]/.test(Function.prototype.toString.call(window.EventSource)),
    isPolyfill: EventSourceWasm.isPolyfill(),
    isPolyfillOwn: EventSourceWasm.isPolyfill(EventSourceWasm.EventSource),
    environment: EventSourceWasm.environment(),
  };
  rec('native', new EventSource(${JSON.stringify(nativeUrl)}));
  rec('wasm', new EventSourceWasm.EventSource(${JSON.stringify(wasmUrl)}));
</script>`),
    );
    const p = await openPage('script-native.html');
    try {
      const f = await facts(p.page);
      assert.equal(f.untouched, true, 'the native EventSource was replaced');
      assert.equal(f.nativeCode, true);
      assert.equal(f.isPolyfill, false);
      assert.equal(f.isPolyfillOwn, true);
      assert.equal(f.environment.native, true);
      await expectEvents(p, 'native');
      await expectEvents(p, 'wasm');
      assertNoWasmFetched(p.requests);
    } finally {
      await p.page.close();
    }
  });
});

describe('ES module page with an import map', () => {
  const IMPORT_MAP = JSON.stringify({
    imports: {
      'eventsource-wasm': '/node_modules/eventsource-wasm/dist/index.js',
      'eventsource-wasm/auto': '/node_modules/eventsource-wasm/dist/auto.js',
    },
  });

  test("import { EventSource } from 'eventsource-wasm' receives events and touches no globals", async () => {
    const url = stream('importmap');
    await put(
      'importmap.html',
      html(`<script type="importmap">${IMPORT_MAP}</script>
<script type="module">
  import { EventSource, isPolyfill, supportsSSE, environment } from 'eventsource-wasm';
  import * as auto from 'eventsource-wasm/auto';
  window.__facts = {
    globalUntouched: window.EventSource === window.__nativeBefore,
    noClassicGlobal: !('EventSourceWasm' in window),
    isPolyfillOwn: isPolyfill(EventSource),
    isPolyfillGlobal: isPolyfill(),
    supportsSSE: supportsSSE(),
    native: environment().native,
    oneClass: auto.EventSource === EventSource,
  };
  rec('esm', new EventSource(${JSON.stringify(url)}));
</script>`),
    );
    const p = await openPage('importmap.html');
    try {
      const f = await facts(p.page);
      assert.deepEqual(f, {
        globalUntouched: true,
        noClassicGlobal: true,
        isPolyfillOwn: true,
        isPolyfillGlobal: false,
        supportsSSE: true,
        native: true,
        oneClass: true, // auto.js re-exports index.js's class: one copy
      });
      await expectEvents(p, 'esm');
      assertNoWasmFetched(p.requests);
    } finally {
      await p.page.close();
    }
  });

  test("import 'eventsource-wasm/auto' installs the global where the browser has none", async () => {
    const url = stream('importmap-auto');
    await put(
      'importmap-auto.html',
      html(`<script type="importmap">${IMPORT_MAP}</script>
<script type="module">
  import 'eventsource-wasm/auto';
  import { isPolyfill } from 'eventsource-wasm';
  window.__facts = { installed: typeof EventSource === 'function' && isPolyfill(EventSource) };
  rec('auto', new EventSource(${JSON.stringify(url)}));
</script>`),
    );
    const p = await openPage('importmap-auto.html', { deleteNative: true });
    try {
      assert.deepEqual(await facts(p.page), { installed: true });
      await expectEvents(p, 'auto');
    } finally {
      await p.page.close();
    }
  });
});

describe('bundlers (the wasm is inside the JS, nothing to copy)', () => {
  // The entry a user writes; the stream URL comes from the page's query.
  const ENTRY = `import { EventSource, isPolyfill } from 'eventsource-wasm';
const url = new URLSearchParams(location.search).get('sse');
window.__facts = { isPolyfillOwn: isPolyfill(EventSource), globalUntouched: window.EventSource === window.__nativeBefore };
window.rec('bundle', new EventSource(url));
`;

  for (const format of ['esm', 'iife']) {
    test(`esbuild defaults (bundle: true), format ${format}: resolves through "exports" and receives events`, async () => {
      const esbuild = await import('esbuild');
      const entry = await put('src/esbuild-entry.js', ENTRY);
      const outdir = join(installed.project, `out-esbuild-${format}`);
      const result = await esbuild.build({
        absWorkingDir: installed.project,
        entryPoints: [entry],
        bundle: true,
        format,
        outdir,
        metafile: true,
        logLevel: 'silent',
      });
      assert.deepEqual(result.errors, []);
      assert.deepEqual(
        result.warnings.map((w) => w.text),
        [],
        'esbuild warned while bundling the package',
      );
      const inputs = Object.keys(result.metafile.inputs);
      assert.ok(
        inputs.includes('node_modules/eventsource-wasm/dist/index.js'),
        `resolved 'eventsource-wasm' to dist/index.js through "exports"; inputs: ${inputs.join(', ')}`,
      );
      assert.deepEqual(await readdir(outdir), ['esbuild-entry.js'], 'one JS file out, no .wasm asset');

      const tag = format === 'esm' ? `<script type="module" src="out-esbuild-esm/esbuild-entry.js"></script>` : `<script src="out-esbuild-iife/esbuild-entry.js"></script>`;
      await put(`esbuild-${format}.html`, html(tag));
      const p = await openPage(`esbuild-${format}.html?sse=${encodeURIComponent(stream(`esbuild-${format}`))}`);
      try {
        assert.deepEqual(await facts(p.page), { isPolyfillOwn: true, globalUntouched: true });
        await expectEvents(p, 'bundle');
        assertNoWasmFetched(p.requests);
      } finally {
        await p.page.close();
      }
    });
  }

  test('Vite production build (explicit import, and /auto where native is missing) receives events', async () => {
    const { build } = await import('vite');
    await put('index.html', html('<script type="module" src="/src/vite-main.js"></script>'));
    await put('src/vite-main.js', ENTRY);
    // The classic script runs before the (deferred) module: no native EventSource.
    await put('auto.html', html('<script>delete window.EventSource;</script>\n<script type="module" src="/src/vite-auto.js"></script>'));
    await put(
      'src/vite-auto.js',
      `import 'eventsource-wasm/auto';
import { isPolyfill } from 'eventsource-wasm';
const url = new URLSearchParams(location.search).get('sse');
window.__facts = { installed: typeof EventSource === 'function' && isPolyfill(EventSource) };
window.rec('bundle', new EventSource(url));
`,
    );
    const warnings = [];
    const logger = {
      info() {},
      warn: (msg) => warnings.push(msg),
      warnOnce: (msg) => warnings.push(msg),
      error: (msg) => warnings.push(`error: ${msg}`),
      clearScreen() {},
      hasErrorLogged: () => false,
      hasWarned: false,
    };
    const outDir = join(installed.project, 'vite-out');
    await build({
      root: installed.project,
      base: '/vite-out/',
      configFile: false,
      logLevel: 'warn',
      customLogger: logger,
      build: {
        outDir,
        emptyOutDir: true,
        rollupOptions: { input: { index: join(installed.project, 'index.html'), auto: join(installed.project, 'auto.html') } },
      },
    });
    assert.deepEqual(warnings, [], 'vite build warned');
    const assets = await readdir(join(outDir, 'assets'));
    assert.deepEqual(assets.filter((f) => !f.endsWith('.js')), [], `only JS assets (no .wasm to serve): ${assets.join(', ')}`);

    for (const [page, name, expected] of [
      ['index.html', 'vite', { isPolyfillOwn: true, globalUntouched: true }],
      ['auto.html', 'vite-auto', { installed: true }],
    ]) {
      const p = await openPage(`vite-out/${page}?sse=${encodeURIComponent(stream(name))}`);
      try {
        assert.deepEqual(await facts(p.page), expected, `${page} facts`);
        await expectEvents(p, 'bundle');
        assertNoWasmFetched(p.requests);
      } finally {
        await p.page.close();
      }
    }
  });
});

// ── Node ─────────────────────────────────────────────────────────────────

/**
 * A Node script in the temp project: `load` is how it gets EventSource.
 * It records open, the custom event and messages, closes after the second
 * message, and prints {before, facts, log} as JSON. It does not call
 * process.exit: it must end by itself once the source is closed.
 */
function nodeScript(load, factsExpr) {
  return `${load}
const before = typeof globalThis.EventSource;
const url = process.argv[2];
const es = new EventSource(url);
const facts = ${factsExpr};
const log = [];
const timer = setTimeout(() => { console.log(JSON.stringify({ before, facts, log, timedOut: true })); process.exit(3); }, 10000);
function done() {
  es.close();
  clearTimeout(timer);
  console.log(JSON.stringify({ before, facts, log, readyState: es.readyState }));
}
for (const type of ['open', 'message', 'error', 'greet']) {
  es.addEventListener(type, (e) => {
    log.push([e.type, e.data ?? null, e.lastEventId ?? null, e.origin ?? null]);
    if (e.type === 'error' || log.filter((m) => m[0] === 'message').length === 2) done();
  });
}
`;
}

async function runNodeConsumer(file, text) {
  await put(file, text);
  const url = stream(file.replace(/\W/g, '-'));
  const result = await runNode(file, [url], { cwd: installed.project });
  assert.equal(result.code, 0, `node ${file} exited ${result.code ?? result.signal}${result.timedOut ? ' (killed: still running; does close() release the event loop?)' : ''}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  const out = JSON.parse(result.stdout.trim().split('\n').pop());
  assert.deepEqual(
    out.log.map(([type, data, id]) => [type, data, id]),
    EXPECTED,
    `node ${file} received ${JSON.stringify(out.log)}; stderr: ${result.stderr}`,
  );
  for (const [type, , , origin] of out.log.slice(1)) assert.equal(origin, server.origin, `${type} event origin`);
  assert.equal(out.readyState, 2, 'CLOSED after close()');
  return out;
}

describe('Node, from the installed tarball', () => {
  test("import { EventSource } from 'eventsource-wasm' (ESM)", async () => {
    const out = await runNodeConsumer(
      'node-esm.mjs',
      nodeScript(`import { EventSource, isPolyfill } from 'eventsource-wasm';`, `{ isPolyfill: isPolyfill(EventSource), global: typeof globalThis.EventSource }`),
    );
    assert.deepEqual(out.facts, { isPolyfill: true, global: out.before }, 'the ESM entry touched the global');
  });

  test("import { EventSource } from 'eventsource-wasm/static' (ESM, its core in the file) receives events and touches no globals", async () => {
    const out = await runNodeConsumer(
      'node-static.mjs',
      nodeScript(`import { EventSource, isPolyfill } from 'eventsource-wasm/static';`, `{ isPolyfill: isPolyfill(EventSource), global: typeof globalThis.EventSource, resolved: import.meta.resolve('eventsource-wasm/static') }`),
    );
    assert.equal(out.facts.isPolyfill, true);
    assert.equal(out.facts.global, out.before, 'the static entry touched the global');
    assert.match(out.facts.resolved, /node_modules\/eventsource-wasm\/dist\/static\.js$/);
  });

  test("require('eventsource-wasm') (CommonJS)", async () => {
    const out = await runNodeConsumer(
      'node-cjs.cjs',
      nodeScript(`const { EventSource, isPolyfill } = require('eventsource-wasm');`, `{ isPolyfill: isPolyfill(EventSource), global: typeof globalThis.EventSource, resolved: require.resolve('eventsource-wasm') }`),
    );
    assert.equal(out.facts.isPolyfill, true);
    assert.equal(out.facts.global, out.before, 'the CJS entry touched the global');
    assert.match(out.facts.resolved, /node_modules[\\/]eventsource-wasm[\\/]dist[\\/]index\.cjs$/);
  });

  test("import 'eventsource-wasm/auto', then new EventSource(...)", async () => {
    const out = await runNodeConsumer(
      'node-auto.mjs',
      nodeScript(
        `import 'eventsource-wasm/auto';\nimport { isPolyfill, EventSource as Explicit } from 'eventsource-wasm';`,
        `{ isPolyfill: isPolyfill(globalThis.EventSource), oneClass: globalThis.EventSource === Explicit, descriptor: (({ writable, enumerable, configurable }) => ({ writable, enumerable, configurable }))(Object.getOwnPropertyDescriptor(globalThis, 'EventSource')) }`,
      ),
    );
    assert.equal(out.before, 'function', 'EventSource is global after /auto');
    // Node 20 has no EventSource: /auto installs this package's, the same
    // class the explicit import gives.
    assert.equal(out.facts.isPolyfill, true);
    assert.equal(out.facts.oneClass, true);
    assert.deepEqual(out.facts.descriptor, { writable: true, enumerable: false, configurable: true });
  });

  test("require('eventsource-wasm/auto') (CommonJS), then new EventSource(...)", async () => {
    const out = await runNodeConsumer(
      'node-auto-cjs.cjs',
      nodeScript(`require('eventsource-wasm/auto');\nconst { isPolyfill, EventSource: Explicit } = require('eventsource-wasm');`, `{ isPolyfill: isPolyfill(globalThis.EventSource), oneClass: globalThis.EventSource === Explicit }`),
    );
    assert.equal(out.before, 'function');
    assert.deepEqual(out.facts, { isPolyfill: true, oneClass: true });
  });

  test('importing the main entry (ESM and CJS) adds or changes no global', async () => {
    // Node defines some globals as lazy getters that turn into values on
    // first use (TextEncoder, AbortController...): read them all first, then
    // compare with Object.is (NaN is a global too).
    const probe = (load) => `for (const k of Object.getOwnPropertyNames(globalThis)) { try { globalThis[k]; } catch {} }
const snapshot = () => Object.fromEntries(Object.getOwnPropertyNames(globalThis).map((k) => { const d = Object.getOwnPropertyDescriptor(globalThis, k); return [k, 'value' in d ? d.value : d.get]; }));
const diff = (a, b) => [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => !(k in a) || !(k in b) || !Object.is(a[k], b[k]));
const before = snapshot();
const esBefore = Object.getOwnPropertyDescriptor(globalThis, 'EventSource');
const api = ${load};
const after = snapshot();
const changed = diff(before, after);
// Using it must not install anything either.
api.supportsSSE(); api.environment(); api.isPolyfill();
const es = new api.EventSource(process.argv[2]); es.close();
const later = snapshot();
const changedLater = diff(before, later);
const esAfter = Object.getOwnPropertyDescriptor(globalThis, 'EventSource');
console.log(JSON.stringify({ changed, changedLater, same: JSON.stringify(esBefore) === JSON.stringify(esAfter) && esBefore?.value === esAfter?.value }));
`;
    await put('globals-esm.mjs', probe(`await import('eventsource-wasm')`));
    await put('globals-cjs.cjs', probe(`require('eventsource-wasm')`));
    for (const file of ['globals-esm.mjs', 'globals-cjs.cjs']) {
      const result = await runNode(file, [stream('globals')], { cwd: installed.project });
      assert.equal(result.code, 0, `${file}: ${result.stderr}`);
      assert.deepEqual(JSON.parse(result.stdout), { changed: [], changedLater: [], same: true }, file);
    }
  });
});

// ── the tarball and package.json ─────────────────────────────────────────

describe('tarball contents and package.json', () => {
  test('npm pack --dry-run lists exactly what a user needs', async () => {
    const { stdout } = await runOk('npm', ['pack', '--dry-run', '--json'], { cwd: root });
    const paths = parseNpmJson(stdout)[0].files.map((f) => f.path).sort();
    const unexpected = paths.filter((p) => !TARBALL_FILES.includes(p) && !DIST_CHUNKS.some((re) => re.test(p)));
    const missing = TARBALL_FILES.filter((p) => !paths.includes(p));
    for (const re of DIST_CHUNKS) assert.ok(paths.some((p) => re.test(p)), `a chunk matching ${re}`);
    assert.deepEqual({ unexpected, missing }, { unexpected: [], missing: [] }, `tarball files: ${paths.join(', ')}`);
    for (const p of paths) assert.doesNotMatch(p, /^(src|tests|target|build|bench|scripts|www|node_modules|test-artifacts)\//);
    // The tarball installed in before() is the same list.
    assert.deepEqual(installed.pack.files.map((f) => f.path).sort(), paths);
  });

  test('npm pack builds dist/ first where it is missing or older than its sources (prepack), and leaves a fresh one alone', async () => {
    const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
    assert.equal(pkg.scripts.prepack, 'node scripts/build.mjs --if-stale');
    const { distStale } = await import('../../scripts/build.mjs');
    assert.equal(distStale(), false, 'dist/ was just built (npm test builds it)');
    // A source edited after the build makes it stale; put its time back after.
    const source = join(root, 'src/js/api.js');
    const { atime, mtime } = statSync(source);
    utimesSync(source, atime, new Date(Date.now() + 60000));
    try {
      assert.equal(distStale(), true, 'an edited source makes dist/ stale');
    } finally {
      utimesSync(source, atime, mtime);
    }
    assert.equal(distStale(), false);
  });

  test('every "exports" target, main, module and types exist in the installed package', async () => {
    const pkg = JSON.parse(await readFile(join(installed.pkgDir, 'package.json'), 'utf8'));
    const targets = new Set([pkg.main, pkg.module, pkg.types]);
    const walk = (value) => {
      if (typeof value === 'string') targets.add(value);
      else if (value && typeof value === 'object') Object.values(value).forEach(walk);
    };
    walk(pkg.exports);
    for (const t of targets) assert.ok(existsSync(join(installed.pkgDir, t)), `${t} is referenced by package.json but not in the tarball`);
    assert.deepEqual(Object.keys(pkg.exports).sort(), ['.', './auto', './package.json', './script', './static', './wasm']);
    // The conditions of "." and "./auto": import and require, a default
    // last, and wherever "types" appears it comes first (conditions match in
    // order, so a later "types" is never seen).
    const typesFirst = (where, value) => {
      if (!value || typeof value !== 'object') return;
      const keys = Object.keys(value);
      if (keys.includes('types')) assert.equal(keys[0], 'types', `${where}: "types" must come first, not after ${keys.slice(0, keys.indexOf('types'))}`);
      for (const k of keys) typesFirst(`${where}.${k}`, value[k]);
    };
    for (const entry of ['.', './auto']) {
      const keys = Object.keys(pkg.exports[entry]);
      assert.ok(keys.includes('import') && keys.includes('require') && keys.at(-1) === 'default', `exports["${entry}"] conditions: ${keys}`);
      typesFirst(`exports["${entry}"]`, pkg.exports[entry]);
    }
    // "./static": its types, the workerd build (which carries its core
    // too), and the file for everything else, last.
    assert.deepEqual(Object.keys(pkg.exports['./static']), ['types', 'workerd', 'default']);
  });

  test('auto/package.json sends a resolver that ignores "exports" (Parcel by default, TypeScript node10) to the files exports["./auto"] names', async () => {
    const pkg = JSON.parse(await readFile(join(installed.pkgDir, 'package.json'), 'utf8'));
    const stub = JSON.parse(await readFile(join(installed.pkgDir, 'auto', 'package.json'), 'utf8'));
    const from = (target) => relative(installed.pkgDir, join(installed.pkgDir, 'auto', target));
    assert.equal(`./${from(stub.module)}`, pkg.exports['./auto'].import.default);
    assert.equal(`./${from(stub.main)}`, pkg.exports['./auto'].require.default);
    assert.equal(`./${from(stub.types)}`, pkg.exports['./auto'].import.types);
  });

  test('static/package.json sends a resolver that ignores "exports" to the file exports["./static"] names', async () => {
    const pkg = JSON.parse(await readFile(join(installed.pkgDir, 'package.json'), 'utf8'));
    const stub = JSON.parse(await readFile(join(installed.pkgDir, 'static', 'package.json'), 'utf8'));
    const from = (target) => `./${relative(installed.pkgDir, join(installed.pkgDir, 'static', target))}`;
    assert.equal(from(stub.module), pkg.exports['./static'].default);
    assert.equal(from(stub.main), pkg.exports['./static'].default);
    assert.equal(from(stub.types), pkg.exports['./static'].types);
  });

  test("under the workerd condition (Wrangler's), eventsource-wasm/static resolves to the Workers entry, which carries its core too", async () => {
    const esbuild = await import('esbuild');
    const entry = await put('src/static-workerd.js', "import { EventSource } from 'eventsource-wasm/static';\nexport default EventSource;\n");
    const result = await esbuild.build({
      absWorkingDir: installed.project,
      entryPoints: [entry],
      bundle: true,
      format: 'esm',
      conditions: ['workerd', 'worker', 'browser'],
      external: ['*.wasm'],
      write: false,
      outdir: join(installed.project, 'out-static-workerd'),
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs).filter((i) => i.includes('eventsource-wasm/'));
    assert.deepEqual(inputs, ['node_modules/eventsource-wasm/dist/workerd.js'], `what esbuild bundled of the package: ${inputs.join(', ')}`);
  });

  test('Node resolves every exported subpath to the file it names', async () => {
    await put(
      'resolve.mjs',
      `import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const out = {};
for (const s of ['eventsource-wasm', 'eventsource-wasm/auto', 'eventsource-wasm/static', 'eventsource-wasm/script', 'eventsource-wasm/wasm', 'eventsource-wasm/package.json']) {
  out[s] = { import: import.meta.resolve(s), require: require.resolve(s) };
}
console.log(JSON.stringify(out));
`,
    );
    const result = await runNode('resolve.mjs', [], { cwd: installed.project });
    assert.equal(result.code, 0, result.stderr);
    const out = JSON.parse(result.stdout);
    const rel = (p) => relative(installed.pkgDir, p.startsWith('file:') ? new URL(p).pathname : p);
    const got = Object.fromEntries(Object.entries(out).map(([k, v]) => [k, { import: rel(v.import), require: rel(v.require) }]));
    assert.deepEqual(got, {
      'eventsource-wasm': { import: 'dist/index.js', require: 'dist/index.cjs' },
      'eventsource-wasm/auto': { import: 'dist/auto.js', require: 'dist/auto.cjs' },
      'eventsource-wasm/static': { import: 'dist/static.js', require: 'dist/static.js' },
      'eventsource-wasm/script': { import: 'dist/eventsource-wasm.js', require: 'dist/eventsource-wasm.js' },
      'eventsource-wasm/wasm': { import: 'dist/eventsource_wasm_bg.wasm', require: 'dist/eventsource_wasm_bg.wasm' },
      'eventsource-wasm/package.json': { import: 'package.json', require: 'package.json' },
    });
  });

  test('ESM, CJS and /auto export the same names, and index.d.ts declares exactly those', async () => {
    await put(
      'export-names.mjs',
      `import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const names = (m) => Object.keys(m).filter((k) => k !== 'default' && k !== '__esModule' && k !== 'module.exports').sort();
console.log(JSON.stringify({
  esm: names(await import('eventsource-wasm')),
  cjs: names(require('eventsource-wasm')),
  autoEsm: names(await import('eventsource-wasm/auto')),
  autoCjs: names(require('eventsource-wasm/auto')),
}));
`,
    );
    const result = await runNode('export-names.mjs', [], { cwd: installed.project });
    assert.equal(result.code, 0, result.stderr);
    const { esm, cjs, autoEsm, autoCjs } = JSON.parse(result.stdout);
    assert.deepEqual({ cjs, autoEsm, autoCjs }, { cjs: esm, autoEsm: esm, autoCjs: esm }, 'every entry exports the same names');
    for (const name of ['EventSource', 'supportsSSE', 'isPolyfill', 'environment', 'inspectStream']) assert.ok(esm.includes(name), `exports ${name}`);
    // The value exports the declarations promise (types and interfaces aside).
    const dts = await readFile(join(installed.pkgDir, 'dist/index.d.ts'), 'utf8');
    const declared = new Set([...dts.matchAll(/^export\s+declare\s+(?:function|class|const|let|var)\s+(\w+)/gm)].map((m) => m[1]));
    for (const m of dts.matchAll(/^export\s*\{([^}]*)\}/gm)) {
      for (const part of m[1].split(',')) {
        const item = part.trim();
        if (item && !item.startsWith('type ')) declared.add(item.split(/\s+as\s+/).pop().trim());
      }
    }
    const undeclared = esm.filter((n) => !declared.has(n));
    const phantom = [...declared].filter((n) => !esm.includes(n)).sort();
    assert.deepEqual({ undeclared, phantom }, { undeclared: [], phantom: [] }, 'runtime exports vs dist/index.d.ts declarations');
  });

  test('"sideEffects" lists exactly the installing entries and the entries that provide the core, and bundlers honour it', async () => {
    const pkg = JSON.parse(await readFile(join(installed.pkgDir, 'package.json'), 'utf8'));
    assert.ok(Array.isArray(pkg.sideEffects), '"sideEffects" is a list');
    assert.deepEqual([...pkg.sideEffects].sort(), SIDE_EFFECT_ENTRIES);

    // esbuild reads it: the entries listed stay, with what they load.
    const esbuild = await import('esbuild');
    const bundle = async (code) => {
      const result = await esbuild.build({
        absWorkingDir: installed.project,
        stdin: { contents: code, resolveDir: installed.project, loader: 'js' },
        bundle: true,
        format: 'esm',
        write: false,
        minify: true,
        logLevel: 'silent',
      });
      return result.outputFiles[0].text;
    };
    // The explicit entry keeps its core (webpack, which skips an entry
    // without side effects and links its re-exports directly, is checked
    // with a bundled service worker in tests/package/bundlers.test.mjs).
    const explicit = await bundle(`import { EventSource } from 'eventsource-wasm'; globalThis.x = EventSource;`);
    assert.ok(explicit.length > 40000, `import { EventSource } from 'eventsource-wasm' must bundle its core, got ${explicit.length} bytes`);
    for (const entry of ['eventsource-wasm/auto', 'eventsource-wasm/script']) {
      const kept = await bundle(`import '${entry}';`);
      assert.ok(kept.length > 10000, `import '${entry}' must be kept (it installs EventSource), got ${kept.length} bytes`);
      assert.match(kept, /EventSource/, `import '${entry}' keeps the install`);
    }
  });

});
