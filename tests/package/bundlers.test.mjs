// The packed tarball in the bundlers users have, each at its defaults (no
// configuration file, no plugin beyond the one Rollup needs to find
// node_modules): webpack 5, Rollup 4, Vite 8, Parcel 2, esbuild (with and
// without --splitting) and Next.js 16 (Turbopack and webpack; a server
// component and client components). Each builds two tiny apps
// (tests/bundlers/apps: `import { EventSource } from 'eventsource-wasm'` and
// `import 'eventsource-wasm/auto'`), once, and Chromium opens them: events,
// reconnection with Last-Event-ID, /auto installing where EventSource is
// missing and leaving Chromium's own alone; and a service worker bundled from
// the explicit import (where import() is forbidden, so the core must come
// with the bundle). The bundlers come from tests/bundlers/package-lock.json
// (scripts/setup.mjs installs them).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { gzipSync } from 'node:zlib';

import { launch } from '../e2e/browser.mjs';
import { freePort } from '../e2e/helpers.mjs';
import { startServer, sseUrl } from '../server/server.mjs';
import { ensureBuilt, parseNpmJson, root, run, runOk, uniqueKey, waitFor } from './helpers.mjs';

const BUNDLERS = join(root, 'tests', 'bundlers');
const MODULES = join(BUNDLERS, 'node_modules');
const WORK = join(BUNDLERS, 'work');
const bin = (name) => join(MODULES, '.bin', name);

// A stream that ends once, after setting its retry delay and an ID: the
// second connection must carry Last-Event-ID 5.
const PLAN = [{ chunks: ['retry: 100\nid: 5\ndata: one\n\n'] }, { chunks: ['data: two\n\n'], end: 'open' }];
const EXPECTED = [
  { type: 'open', readyState: 1, data: null, lastEventId: null },
  { type: 'message', readyState: 1, data: 'one', lastEventId: '5' },
  { type: 'error', readyState: 0, data: null, lastEventId: null },
  { type: 'open', readyState: 1, data: null, lastEventId: null },
  { type: 'message', readyState: 1, data: 'two', lastEventId: '5' },
];

const page = (script) => `<!doctype html>\n<meta charset="utf-8">\n<title>eventsource-wasm bundled</title>\n${script}\n`;
const classic = (src) => page(`<script src="${src}"></script>`);
const module = (src) => page(`<script type="module" src="${src}"></script>`);

/**
 * Each build: the tool's command line (its defaults), the page that loads
 * what it wrote (for tools that write no HTML), and the service worker build
 * where that is one more command of the same tool.
 */
const BUILDS = [
  {
    id: 'webpack',
    tool: 'webpack 5 (webpack-cli, no config)',
    apps: ['explicit', 'auto'],
    build: [bin('webpack'), []],
    html: classic('/main.js'),
    sw: { build: [bin('webpack'), ['./src/sw.js', '--output-path', 'dist-sw']], file: 'main.js', type: 'classic' },
  },
  {
    id: 'rollup',
    tool: 'Rollup 4 + @rollup/plugin-node-resolve',
    apps: ['explicit', 'auto'],
    build: [bin('rollup'), ['src/index.js', '-p', 'node-resolve', '-d', 'dist']],
    html: module('/index.js'),
    sw: { build: [bin('rollup'), ['src/sw.js', '-p', 'node-resolve', '-d', 'dist-sw']], file: 'sw.js', type: 'module' },
  },
  { id: 'vite', tool: 'Vite 8 (vite build)', apps: ['explicit', 'auto'], build: [bin('vite'), ['build']] },
  // Parcel writes to and caches in its project root, which it finds by the
  // nearest lockfile (tests/bundlers here, where a user's app has its own):
  // the two flags only keep each app's output in the app.
  { id: 'parcel', tool: 'Parcel 2 (parcel build index.html)', apps: ['explicit', 'auto'], build: [bin('parcel'), ['build', 'index.html', '--dist-dir', 'dist', '--cache-dir', '.parcel-cache']] },
  {
    id: 'esbuild',
    tool: 'esbuild --bundle (no --splitting)',
    apps: ['explicit', 'auto'],
    build: [bin('esbuild'), ['src/index.js', '--bundle', '--outdir=dist']],
    html: classic('/index.js'),
    sw: { build: [bin('esbuild'), ['src/sw.js', '--bundle', '--outdir=dist-sw']], file: 'sw.js', type: 'classic' },
  },
  {
    id: 'esbuild-splitting',
    tool: 'esbuild --bundle --splitting --format=esm',
    apps: ['explicit', 'auto'],
    build: [bin('esbuild'), ['src/index.js', '--bundle', '--splitting', '--format=esm', '--outdir=dist']],
    html: module('/index.js'),
  },
  { id: 'next-turbopack', tool: 'Next.js 16 (next build: Turbopack)', apps: ['next'], build: [bin('next'), ['build']], next: true },
  { id: 'next-webpack', tool: 'Next.js 16 (next build --webpack)', apps: ['next'], build: [bin('next'), ['build', '--webpack']], next: true },
];

let server;
let browser;
let packError;

before(async () => {
  server = await startServer();
  browser = await launch();
  try {
    if (!existsSync(join(MODULES, '.bin', 'webpack'))) {
      throw new Error(`the bundlers are not installed in ${MODULES}: run \`npm run setup\` (it runs npm ci in tests/bundlers)`);
    }
    // The tarball, as a user gets it, unpacked where `npm install
    // ./eventsource-wasm-x.tgz` puts it (the package has no dependencies).
    // --ignore-scripts: pack the dist/ this run built, without rebuilding.
    await ensureBuilt();
    rmSync(WORK, { recursive: true, force: true });
    mkdirSync(WORK, { recursive: true });
    const packed = await runOk('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', WORK], { timeout: 120000 });
    const tarball = join(WORK, parseNpmJson(packed.stdout)[0].filename);
    const installed = join(MODULES, 'eventsource-wasm');
    rmSync(installed, { recursive: true, force: true });
    mkdirSync(installed, { recursive: true });
    await runOk('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
  } catch (error) {
    packError = error;
  }
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css', '.wasm': 'application/wasm', '.json': 'application/json', '.map': 'application/json' };

/**
 * The app's origin: its build output (`dir`, with `html` as the page where
 * the tool writes none, and `swDir` under /sw/) or a running `upstream`
 * (next start), with the test server's /sse and /log under the same origin,
 * so a stream is same-origin as in most apps.
 */
async function serveApp({ dir, html, swDir, upstream }) {
  const sockets = new Set();
  const testServer = new URL(server.origin);
  const proxy = (req, res, target) => {
    const forward = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } }, (answer) => {
      res.writeHead(answer.statusCode, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', (error) => res.destroy(error));
    res.on('close', () => forward.destroy());
    req.pipe(forward);
  };
  const http = createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    if (url.pathname === '/sse' || url.pathname === '/log') return proxy(req, res, testServer);
    // The apps have no icon; Chromium asks for one anyway.
    if (url.pathname === '/favicon.ico') return res.writeHead(204).end();
    if (upstream) return proxy(req, res, new URL(upstream));
    let base = dir;
    let path = decodeURIComponent(url.pathname);
    const headers = { 'Cache-Control': 'no-store' };
    if (swDir && path.startsWith('/sw/')) {
      base = swDir;
      path = path.slice(3);
      headers['Service-Worker-Allowed'] = '/';
    }
    if (path === '/' && html) {
      res.writeHead(200, { ...headers, 'Content-Type': TYPES['.html'] }).end(html);
      return;
    }
    if (path.endsWith('/')) path += 'index.html';
    const file = normalize(join(base, path));
    if (!file.startsWith(base + sep)) return res.writeHead(403).end();
    try {
      const body = readFileSync(file);
      res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] || 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    }
  });
  http.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${http.address().port}`,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((r) => http.close(r));
    },
  };
}

/** `next start` on a free port; resolves when it answers. */
async function nextStart(dir) {
  const port = await freePort();
  const child = spawn(bin('next'), ['start', '-p', String(port), '-H', '127.0.0.1'], { cwd: dir, env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise((r) => child.once('exit', r));
  const origin = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}: ${output}`);
        return fetch(`${origin}/explicit`).then((r) => r.ok, () => false);
      },
      { timeout: 30000, message: 'next start to answer', describe: () => output },
    );
  } catch (error) {
    child.kill();
    await exited;
    throw error;
  }
  return {
    origin,
    output: () => output,
    async close() {
      if (child.exitCode === null) {
        child.kill();
        await exited;
      }
    },
  };
}

/**
 * Open `path` on `origin` in a fresh context, with the stream on the same
 * origin; `native`: 'remove' (EventSource deleted before any script, as in
 * a browser without one) or 'keep'. Returns what the app recorded, its page
 * errors and console errors, and the gzipped bytes of the scripts loaded.
 */
async function openApp(origin, path, { native = 'keep', until = (app) => app.log.filter((e) => e.type === 'message').length >= 2 } = {}) {
  const context = await browser.newContext();
  try {
    const tab = await context.newPage();
    const problems = [];
    tab.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    tab.on('console', (msg) => msg.type() === 'error' && problems.push(`console error: ${msg.text()} (${msg.location().url})`));
    let scriptBytes = 0;
    const scripts = [];
    tab.on('response', async (response) => {
      if (response.request().resourceType() !== 'script') return;
      try {
        const body = await response.body();
        scriptBytes += gzipSync(body).length;
        scripts.push(new URL(response.url()).pathname);
      } catch {
        // a response whose body is gone (navigated away)
      }
    });
    await tab.addInitScript((mode) => {
      window.nativeEventSource = window.EventSource;
      if (mode === 'remove') delete window.EventSource;
    }, native);
    const key = uniqueKey('bundled');
    const sse = sseUrl('', key, PLAN);
    await tab.goto(`${origin}${path}?sse=${encodeURIComponent(sse)}`);
    const app = await waitFor(
      async () => {
        const a = await tab.evaluate(() => window.__app && { log: window.__app.log, entry: window.__app.entry, isPolyfill: window.__app.isPolyfill, installed: window.__app.installed });
        return a && until(a) ? a : false;
      },
      { timeout: 15000, message: `the app at ${path} to receive the stream`, describe: async () => JSON.stringify({ app: await tab.evaluate(() => window.__app && window.__app.log).catch((e) => e.message), problems, scripts }) },
    );
    const globals = await tab.evaluate(() => ({ same: window.EventSource === window.nativeEventSource, type: typeof window.EventSource }));
    return { app, key, problems, scriptBytes, scripts, globals, html: await tab.content() };
  } finally {
    await context.close();
  }
}

/** A service worker from `url` opens the stream; resolves with its log. */
async function openServiceWorker(origin, url, type) {
  const context = await browser.newContext();
  try {
    const tab = await context.newPage();
    const problems = [];
    tab.on('pageerror', (error) => problems.push(error.message));
    await tab.goto(`${origin}/`);
    const key = uniqueKey('bundled-sw');
    const log = await tab.evaluate(
      async ({ url, type, sse }) => {
        const registration = await navigator.serviceWorker.register(url, { type, scope: '/' });
        const worker = registration.installing || registration.waiting || registration.active;
        const answer = new Promise((resolve) => navigator.serviceWorker.addEventListener('message', (e) => resolve(e.data), { once: true }));
        worker.postMessage({ url: new URL(sse, location.href).href });
        return answer;
      },
      { url, type, sse: sseUrl('', key, [{ chunks: ['data: from the worker\n\n'], end: 'open' }]) },
    );
    return { log, problems };
  } finally {
    await context.close();
  }
}

/**
 * What a failed build's output is known to mean, for the message: a cause
 * that is not this harness's.
 */
function knownCause(output) {
  if (/Legacy octal escape/.test(output)) {
    return " (the embedded core's string literal carries \\x00 escapes, which Parcel's SWC minifier rewrites as legacy octal escapes that strict mode refuses; the core's embedding must avoid NUL escapes: issue 25)";
  }
  return '';
}

const clean = (log) => log.map(({ type, readyState, data, lastEventId }) => ({ type, readyState, data, lastEventId }));

/** The test server's view of `key`: two requests, the second resuming from 5. */
function assertResumed(key, who) {
  const requests = server.log(key).requests;
  assert.equal(requests.length, 2, `${who}: two requests (the first and the reconnection)`);
  assert.equal(requests[0].lastEventId, null, `${who}: the first request carries no Last-Event-ID`);
  assert.equal(requests[1].lastEventId, '5', `${who}: the reconnection carries Last-Event-ID 5`);
}

const figures = [];
after(() => {
  if (figures.length) console.log(`bundled apps, scripts loaded (gzip): ${figures.join('; ')}`);
});

for (const b of BUILDS) {
  describe(`${b.tool}`, () => {
    const built = new Map(); // app → { dir } or an Error
    let swBuilt = null;

    before(async () => {
      if (packError) return;
      for (const app of b.apps) {
        const dir = join(WORK, `${b.id}-${app}`);
        try {
          cpSync(join(BUNDLERS, 'apps', app), dir, { recursive: true });
          cpSync(join(BUNDLERS, 'apps', 'record.js'), join(dir, b.next ? 'app' : 'src', 'record.js'));
          const started = Date.now();
          const result = await run(b.build[0], b.build[1], { cwd: dir, timeout: 300000, env: { NEXT_TELEMETRY_DISABLED: '1', NO_COLOR: '1', FORCE_COLOR: '0' } });
          if (result.code !== 0) {
            const output = `${result.stdout}\n${result.stderr}`;
            throw new Error(`\`${b.build[0].split('/').pop()} ${b.build[1].join(' ')}\` failed (exit ${result.code ?? result.signal}${result.timedOut ? ', timed out' : ''})${knownCause(output)}:\n${result.stdout.slice(-4000)}\n${result.stderr.slice(-4000)}`);
          }
          console.log(`${b.id}: built the ${app} app in ${((Date.now() - started) / 1000).toFixed(1)} s`);
          built.set(app, { dir });
          if (b.sw && app === 'explicit') {
            const sw = await run(b.sw.build[0], b.sw.build[1], { cwd: dir, timeout: 120000 });
            swBuilt = sw.code === 0 ? { dir: join(dir, 'dist-sw') } : new Error(`the service worker build failed:\n${sw.stdout.slice(-3000)}\n${sw.stderr.slice(-3000)}`);
          }
        } catch (error) {
          built.set(app, error);
        }
      }
    });

    const get = (app) => {
      if (packError) throw new Error(`the package could not be packed and unpacked for the bundlers: ${packError.message}`, { cause: packError });
      const value = built.get(app);
      if (value instanceof Error) throw value;
      return value;
    };

    /** Serve a built app for the duration of `fn`. */
    async function withApp(app, fn) {
      const { dir } = get(app);
      if (b.next) {
        const next = await nextStart(dir);
        const front = await serveApp({ upstream: next.origin });
        try {
          const result = await fn(front.origin);
          // Server rendering (the client components are rendered on the
          // server too, importing the package there) logged no error.
          assert.doesNotMatch(next.output(), /\bError\b|⨯/, 'next start logged an error while rendering');
          return result;
        } catch (error) {
          error.message += `\nnext start output:\n${next.output().slice(-3000)}`;
          throw error;
        } finally {
          await front.close();
          await next.close();
        }
      }
      const front = await serveApp({ dir: join(dir, 'dist'), html: b.html, swDir: swBuilt && !(swBuilt instanceof Error) ? swBuilt.dir : undefined });
      try {
        return await fn(front.origin);
      } finally {
        await front.close();
      }
    }

    const explicitPath = b.next ? '/explicit' : '/';
    const autoPath = b.next ? '/auto' : '/';
    const explicitApp = b.next ? 'next' : 'explicit';
    const autoApp = b.next ? 'next' : 'auto';

    it(`builds \`import { EventSource } from 'eventsource-wasm'\` with its defaults, and in Chromium it receives events and reconnects with Last-Event-ID`, async () => {
      await withApp(explicitApp, async (origin) => {
        const result = await openApp(origin, explicitPath);
        assert.deepEqual(result.problems, [], 'no page or console errors');
        assert.equal(result.app.entry, 'explicit');
        assert.equal(result.app.isPolyfill, true, 'the imported class is the package’s');
        assert.deepEqual(clean(result.app.log), EXPECTED);
        assertResumed(result.key, b.id);
        figures.push(`${b.id} explicit ${(result.scriptBytes / 1024).toFixed(1)} KB`);
        if (b.next) {
          // The server component imported the package and rendered on the server.
          assert.match(result.html, /server: function EventSource CONNECTING=0/, 'the server component rendered with the package');
        }
      });
    });

    it(`builds \`import 'eventsource-wasm/auto'\` with its defaults: in Chromium without EventSource it installs one that receives events and reconnects with Last-Event-ID; with Chromium’s own it changes nothing`, async () => {
      await withApp(autoApp, async (origin) => {
        const missing = await openApp(origin, autoPath, { native: 'remove' });
        assert.deepEqual(missing.problems, [], 'no page or console errors');
        assert.equal(missing.app.entry, 'auto');
        assert.equal(missing.app.installed, true, '/auto installed EventSource where it was missing');
        assert.equal(missing.globals.type, 'function');
        assert.deepEqual(clean(missing.app.log), EXPECTED);
        assertResumed(missing.key, `${b.id} /auto`);

        const present = await openApp(origin, autoPath, { native: 'keep' });
        assert.deepEqual(present.problems, [], 'no page or console errors');
        assert.equal(present.app.installed, false, '/auto left Chromium’s own EventSource alone');
        assert.equal(present.globals.same, true, 'the global is still Chromium’s');
        assert.deepEqual(clean(present.app.log), EXPECTED, 'Chromium’s own EventSource got the stream');
        figures.push(`${b.id} /auto ${(missing.scriptBytes / 1024).toFixed(1)} KB where missing, ${(present.scriptBytes / 1024).toFixed(1)} KB where native`);
      });
    });

    if (b.sw) {
      it('bundles eventsource-wasm/static into a service worker (no import() there) whose source receives events: the core comes with the bundle', async () => {
        get('explicit');
        if (swBuilt instanceof Error) throw swBuilt;
        const swFile = join(swBuilt.dir, b.sw.file);
        assert.doesNotMatch(readFileSync(swFile, 'utf8'), /\bimport\s*\(/, 'the bundled service worker has no import(), which a service worker may not call');
        figures.push(`${b.id} sw ${(gzipSync(readFileSync(swFile), { level: 9 }).length / 1024).toFixed(1)} KB`);
        await withApp('explicit', async (origin) => {
          const { log, problems } = await openServiceWorker(origin, `/sw/${b.sw.file}`, b.sw.type);
          assert.deepEqual(problems, []);
          assert.deepEqual(
            log.map(({ type, readyState, data }) => ({ type, readyState, data })),
            [
              { type: 'open', readyState: 1, data: null },
              { type: 'message', readyState: 1, data: 'from the worker' },
            ],
            `the worker's source: ${JSON.stringify(log)}`,
          );
        });
      });
    }
  });
}

// esbuild without --splitting inlines every import(): the explicit app then
// carries the `shared` option's core next to the base core, whether a source
// shares or not (one core for everyone would cost every other page the
// sharing code: BENCHMARKS.md, "Weight"). README's bundler table says so, and
// names the entry that carries one core in one file, eventsource-wasm/static.
// These tests hold both bounds: the explicit app is the split build plus the
// shared core (10 % for the two compressed apart), nothing more; the service
// worker bundled from eventsource-wasm/static is that file (one core),
// re-printed unminified (10 %).
describe('esbuild without --splitting', () => {
  it('loads the split build plus the shared core that esbuild inlines, and nothing more', async () => {
    const size = (id, app) => {
      const line = figures.find((f) => f.startsWith(`${id} ${app} `));
      assert.ok(line, `no figure for ${id} ${app}: its test above failed`);
      return Number(/ ([0-9.]+) KB/.exec(line)[1]);
    };
    const whole = size('esbuild', 'explicit');
    const split = size('esbuild-splitting', 'explicit');
    const distDir = join(root, 'dist');
    const sharedChunk = readdirSync(distDir).find((f) => /^core-chunk-shared-[A-Z0-9]{8}\.js$/.test(f));
    assert.ok(sharedChunk, 'dist/ has no core-chunk-shared-*.js: run npm run build');
    const shared = gzipSync(readFileSync(join(distDir, sharedChunk)), { level: 9 }).length / 1024;
    console.log(`esbuild explicit app: ${whole} KB without splitting, ${split} KB with it; the shared core alone ${shared.toFixed(1)} KB`);
    assert.ok(
      whole <= (split + shared) * 1.1,
      `esbuild without --splitting: the page loads ${whole} KB gzipped, more than the split build (${split} KB) plus the shared core it inlines (${shared.toFixed(1)} KB)`,
    );
  });

  it('bundles eventsource-wasm/static with one core: no more than dist/static.js re-printed unminified (10 %)', async () => {
    const line = figures.find((f) => f.startsWith('esbuild sw '));
    assert.ok(line, 'no figure for the esbuild service worker: its test above failed');
    const bundled = Number(/ ([0-9.]+) KB/.exec(line)[1]);
    const file = join(root, 'dist', 'static.js');
    assert.ok(existsSync(file), 'dist/ has no static.js: run npm run build');
    const alone = gzipSync(readFileSync(file), { level: 9 }).length / 1024;
    console.log(`esbuild (no --splitting) service worker from eventsource-wasm/static: ${bundled} KB; dist/static.js ${alone.toFixed(1)} KB`);
    // 10 %: esbuild's defaults do not minify, so it prints the file's
    // JavaScript again, unminified; a second core would add 30 KB.
    assert.ok(bundled <= alone * 1.1, `the bundled service worker is ${bundled} KB gzipped, more than dist/static.js (${alone.toFixed(1)} KB, one core) and 10 %: a second core came with it`);
  });
});
