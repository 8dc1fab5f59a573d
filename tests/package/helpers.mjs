// Shared helpers for the packaging tests (tests/package/*.test.mjs): pack the
// package once, install the tarball into a throwaway project as a user would,
// serve that project over loopback, run Node scripts in it, and poll.
//
// Not a test file itself (no `.test.mjs`), so `node --test` does not run it.

import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

import { waitFor as suiteWaitFor } from '../e2e/helpers.mjs';

export const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** `waitFor` of the browser suites, with the longer defaults an installed package needs. */
export const waitFor = (fn, options = {}) => suiteWaitFor(fn, { timeout: 10000, interval: 25, ...options });

let counter = 0;
/** A stream key no other test uses (the test server logs requests per key). */
export function uniqueKey(name) {
  counter += 1;
  return `pkg-${name}-${counter}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * Run a command asynchronously (the test server lives in this process, so a
 * synchronous child would deadlock it). Resolves with {code, signal, stdout,
 * stderr}; a child still running after `timeout` ms is killed (by its own
 * handle) and reported with `timedOut: true`.
 */
export function run(cmd, args, { cwd = root, env = {}, timeout = 60000, input } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    if (input !== undefined) child.stdin.end(input);
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeout);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

/** Like run(), but throws with the output when the command does not exit 0. */
export async function runOk(cmd, args, options) {
  const result = await run(cmd, args, options);
  if (result.code !== 0) {
    throw new Error(
      `\`${cmd} ${args.join(' ')}\` ${result.timedOut ? 'timed out' : `exited with ${result.code ?? result.signal}`}\n` +
        `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`,
    );
  }
  return result;
}

/** Run a Node script (path relative to `cwd`) as a child process. */
export function runNode(script, args = [], options = {}) {
  return run(process.execPath, [script, ...args], { timeout: 20000, ...options });
}

/** Build dist/ if it is missing (the runner builds it before the suites). */
export async function ensureBuilt() {
  const needed = ['index.js', 'index.cjs', 'auto.js', 'auto.cjs', 'eventsource-wasm.js', 'eventsource_wasm_bg.wasm', 'index.d.ts', 'auto.d.ts'];
  if (needed.every((f) => existsSync(join(root, 'dist', f)))) return;
  await runOk(process.execPath, ['scripts/build.mjs', '--quiet'], { timeout: 600000 });
}

/**
 * `npm pack` the package into a fresh temporary directory and install the
 * tarball into a new project there (`"type": "module"`), offline: the
 * package has no dependencies. Returns {tmp, tarball, project, pack, cleanup}
 * where `pack` is npm's JSON description of the tarball.
 */
export async function packAndInstall(label = 'project') {
  await ensureBuilt();
  const tmp = await mkdtemp(join(tmpdir(), `esw-${label}-`));
  const packed = await runOk(NPM, ['pack', '--json', '--pack-destination', tmp], { timeout: 120000 });
  const pack = parseNpmJson(packed.stdout)[0];
  const tarball = join(tmp, pack.filename);
  const project = join(tmp, 'project');
  await mkdir(project);
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: `esw-${label}`, private: true, version: '0.0.0', type: 'module' }, null, 2));
  const install = ['install', tarball, '--no-audit', '--no-fund', '--no-package-lock'];
  let installed = await run(NPM, [...install, '--offline'], { cwd: project, timeout: 120000 });
  if (installed.code !== 0) installed = await run(NPM, [...install, '--prefer-offline'], { cwd: project, timeout: 120000 });
  if (installed.code !== 0) throw new Error(`npm install of the tarball failed:\n${installed.stdout}\n${installed.stderr}`);
  return {
    tmp,
    tarball,
    project,
    pack,
    pkgDir: join(project, 'node_modules/eventsource-wasm'),
    cleanup: () => rm(tmp, { recursive: true, force: true }),
  };
}

/** npm prints JSON on stdout, sometimes after lifecycle-script noise. */
export function parseNpmJson(stdout) {
  const start = stdout.indexOf('[');
  if (start < 0) throw new Error(`no JSON in npm's output:\n${stdout}`);
  return JSON.parse(stdout.slice(start));
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
};

/**
 * A tiny static file server for `dir` on loopback (its own port, so its
 * origin differs from the SSE test server's: streams need `cors`).
 * Returns {origin, requests, close()}; `requests` lists the paths asked for.
 */
export async function serveDirectory(dir) {
  const requests = [];
  const sockets = new Set();
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    let path = decodeURIComponent(url.pathname);
    requests.push(path);
    if (path.endsWith('/')) path += 'index.html';
    const file = normalize(join(dir, path));
    if (file !== dir && !file.startsWith(dir + sep)) {
      res.writeHead(403).end('forbidden');
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'Content-Type': TYPES[extname(file)] || 'application/octet-stream', 'Cache-Control': 'no-store' }).end(body);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    }
  });
  server.keepAliveTimeout = 1000;
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', ok);
  });
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    requests,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

/**
 * Collect a page's console output, each call as the array of its arguments'
 * JSON values (so `console.log('update', {n: 1})` is `['update', {n: 1}]`),
 * plus page errors. Returns {logs, errors, text()}.
 */
export function captureConsole(page) {
  const logs = [];
  const errors = [];
  page.on('console', async (msg) => {
    const entry = { type: msg.type(), text: msg.text(), args: null };
    logs.push(entry);
    try {
      entry.args = await Promise.all(msg.args().map((a) => a.jsonValue()));
    } catch {
      entry.args = [msg.text()];
    }
  });
  page.on('pageerror', (error) => errors.push(String(error && error.stack ? error.stack : error)));
  return {
    logs,
    errors,
    text: () => JSON.stringify({ console: logs.map((l) => l.args || l.text), errors }),
  };
}
