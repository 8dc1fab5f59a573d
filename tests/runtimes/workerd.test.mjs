// The package in Cloudflare's runtime, workerd (from npm, pinned), as a
// Worker uses it: bundled by esbuild with the conditions Wrangler resolves
// (`workerd`, `worker`, `browser`), the .wasm kept as a module of the
// worker, served by workerd on 127.0.0.1 from a capnp config written here.
// Every case is the first request its worker gets after workerd started.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { startServer } from '../server/server.mjs';
import { freePort } from '../e2e/helpers.mjs';
import { appDir, root, runtime } from './helpers.mjs';
import { EXPECTED } from './scenario.mjs';

let server;
let workerd;
let log = '';
const ports = {};

// A worker per case: `main` imports the package (the `workerd` entry) on a
// current compatibility date; `strict` does too where compiling WebAssembly
// is forbidden during startup as well (an old date and
// disallow_eval_during_startup), and imports `eventsource-wasm/auto`;
// `plain` is bundled without the `workerd` condition, so it gets the entry
// that compiles from bytes.
// A worker that runs tests/runtimes/scenario.mjs on its first request and
// answers what it saw, with what the worker's global EventSource is.
const scenarioWorker = (name, imports) => `
      ${imports}
      import { EventSource, isPolyfill, supportsSSE } from 'eventsource-wasm';
      import { scenario } from ${JSON.stringify(join(root, 'tests/runtimes/scenario.mjs'))};
      export default {
        async fetch(request) {
          const origin = new URL(request.url).searchParams.get('origin');
          try {
            const result = await scenario(EventSource, origin, 'workerd-${name}');
            const global = typeof globalThis.EventSource;
            return Response.json({ result, isPolyfill: isPolyfill(EventSource), supportsSSE: supportsSSE(), global, globalIsPolyfill: isPolyfill() });
          } catch (error) {
            return Response.json({ error: String((error && error.stack) || error) });
          }
        },
      };`;

const WORKERS = {
  main: { conditions: ['workerd', 'worker', 'browser'], date: '2026-11-01', flags: [], source: scenarioWorker('main', '') },
  strict: {
    conditions: ['workerd', 'worker', 'browser'],
    date: '2024-01-01',
    flags: ['disallow_eval_during_startup'],
    source: scenarioWorker('strict', "import 'eventsource-wasm/auto';"),
  },
  plain: {
    conditions: ['worker', 'browser'],
    date: '2024-01-01',
    flags: [],
    source: `
      import { EventSource, environment } from 'eventsource-wasm';
      export default {
        async fetch(request) {
          const origin = new URL(request.url).searchParams.get('origin');
          try {
            new EventSource(origin + '/sse');
            return Response.json({ constructed: true });
          } catch (error) {
            return Response.json({ name: error.name, message: error.message, cause: String(error.cause), transport: environment().transport });
          }
        },
      };`,
  },
};

function capnp(dir) {
  const names = Object.keys(WORKERS);
  const worker = (name) => `
const ${name}Worker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "${name}.js"),
    (name = "eventsource_wasm_bg.wasm", wasm = embed "eventsource_wasm_bg.wasm"),
  ],
  compatibilityDate = "${WORKERS[name].date}",
  compatibilityFlags = [${WORKERS[name].flags.map((f) => JSON.stringify(f)).join(', ')}],
  globalOutbound = (name = "loopback"),
);`;
  writeFileSync(
    join(dir, 'config.capnp'),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    ${names.map((n) => `(name = "${n}", worker = .${n}Worker),`).join('\n    ')}
    # The test server is on loopback: let the workers reach it, and only it.
    (name = "loopback", network = (allow = ["local"])),
  ],
  sockets = [
    ${names.map((n) => `(name = "${n}", address = "127.0.0.1:${ports[n]}", http = (), service = "${n}"),`).join('\n    ')}
  ],
);
${names.map(worker).join('\n')}
`,
  );
}

before(async () => {
  const { bin } = runtime('workerd');
  server = await startServer();
  const dir = appDir('workerd');
  const esbuild = await import('esbuild');
  for (const [name, spec] of Object.entries(WORKERS)) {
    writeFileSync(join(dir, `${name}.src.js`), spec.source);
    await esbuild.build({
      entryPoints: [join(dir, `${name}.src.js`)],
      outfile: join(dir, `${name}.js`),
      bundle: true,
      format: 'esm',
      platform: 'browser',
      conditions: spec.conditions,
      // Wrangler's rule: a .wasm import stays a module of the worker.
      external: ['*.wasm'],
      logLevel: 'error',
    });
    ports[name] = await freePort();
  }
  copyFileSync(join(root, 'dist/eventsource_wasm_bg.wasm'), join(dir, 'eventsource_wasm_bg.wasm'));
  capnp(dir);
  workerd = spawn(bin, ['serve', join(dir, 'config.capnp'), '--verbose'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  workerd.stdout.on('data', (d) => (log += d));
  workerd.stderr.on('data', (d) => (log += d));
  // Listening once a TCP connection is accepted (no HTTP request: each
  // worker's first request is the test's own).
  const { connect } = await import('node:net');
  const deadline = Date.now() + 15000;
  for (const port of Object.values(ports)) {
    for (;;) {
      if (workerd.exitCode !== null) throw new Error(`workerd exited (${workerd.exitCode}):\n${log}`);
      const up = await new Promise((resolve) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.destroy();
          resolve(true);
        });
        socket.on('error', () => resolve(false));
      });
      if (up) break;
      if (Date.now() > deadline) throw new Error(`workerd did not listen on 127.0.0.1:${port} within 15 s:\n${log}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
});

after(async () => {
  if (workerd && workerd.exitCode === null) {
    const exited = new Promise((r) => workerd.once('exit', r));
    workerd.kill('SIGTERM');
    await exited;
  }
  await server?.close();
});

async function ask(name) {
  const response = await fetch(`http://127.0.0.1:${ports[name]}/?origin=${encodeURIComponent(server.origin)}`, { signal: AbortSignal.timeout(30000) });
  const body = await response.json();
  if (body.error) assert.fail(`the worker threw: ${body.error}\nworkerd said:\n${log}`);
  return body;
}

test('in workerd, the first request of a worker reads a stream, reconnects with Last-Event-ID and POSTs with a header, each on* handler called once per event', async () => {
  const body = await ask('main');
  assert.deepEqual(body.result, EXPECTED);
  assert.deepEqual([body.isPolyfill, body.supportsSSE], [true, true]);
});

test('in workerd with compiling forbidden during startup too (a 2024 compatibility date, disallow_eval_during_startup), the same works, and eventsource-wasm/auto leaves workerd’s own EventSource in place', async () => {
  const body = await ask('strict');
  assert.deepEqual(body.result, EXPECTED);
  // workerd (this pinned version) has an EventSource of its own.
  assert.deepEqual([body.global, body.globalIsPolyfill], ['function', false]);
});

test('in workerd without the workerd condition, the constructor throws a CompileError that says to use the condition', async () => {
  const body = await ask('plain');
  assert.equal(body.name, 'CompileError');
  assert.match(body.message, /disallowed by embedder/);
  assert.match(body.message, /'workerd' export condition/);
  assert.match(body.cause, /CompileError: .*disallowed by embedder/);
  // No transport: this entry cannot run here (workerd's own EventSource can).
  assert.equal(body.transport, null);
});
