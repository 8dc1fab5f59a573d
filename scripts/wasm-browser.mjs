// Runs one wasm-bindgen-test browser binary in headless Chromium without
// chromedriver: `node scripts/wasm-browser.mjs --test=NAME [--features=a,b]`.
//
// Why not `wasm-pack test --headless --chrome`: the page that
// wasm-bindgen-test-runner serves is fetched from its tiny_http server, whose
// connection pool (tiny_http 0.12, util/task_pool.rs) can lose a wake-up:
// `spawn` queues a new connection's task instead of starting a thread when
// it counts a thread as waiting that has been woken but has not taken its
// task yet, and each task is a keep-alive connection's whole life. When
// Chromium opens more connections at once than there are idle threads (the
// page's ES modules: run.js, the glue and each snippet), one connection's
// request then sits unread (seen: Recv-Q 600 on the runner's socket, its
// module never in the page's resource timing, `document.readyState`
// "interactive" and "Loading scripts..." in the output) until another
// connection closes, which can take minutes: chromedriver's page load gives
// up after 300 s ("Timed out receiving message from renderer"). More likely
// on a loaded machine (the woken threads start later). The pool starts with
// four threads, one of them busy with the page's first connection: the web
// binary's page imports four snippets (0 hangs in 10 runs under
// chromedriver), the Rust API's five (lock.js and their own; 2, 4 and 5
// hangs in 10 runs of rust_api, rust_api_release, rust_api_shared).
//
// Here `wasm-pack test --chrome` (without `--headless`) builds the binary and
// starts the runner in its server mode (WASM_BINDGEN_TEST_ADDRESS names the
// address), and Chromium (playwright-core, Debian's
// binary) reaches it through a proxy that makes every request on one
// keep-alive connection: the runner's server never has a second connection
// to start, so the lost wake-up cannot happen. The page's output (the
// runner's own `test result:` lines) is printed as wasm-pack prints it; a
// page that does not finish in time fails with what it showed so far.

import { spawn } from 'node:child_process';
import { createServer, request as httpRequest, Agent } from 'node:http';
import { once } from 'node:events';
import { launch } from '../tests/e2e/browser.mjs';
import { freePort } from '../tests/server/server.mjs';
import { CHROMEDRIVER_PATHS } from './setup.mjs';

const arg = (name, fallback) => {
  const found = process.argv.find((a) => a.startsWith(`--${name}=`));
  return found ? found.slice(name.length + 3) : fallback;
};
const test = arg('test');
const features = arg('features', 'js,shared');
const timeoutMs = Number(arg('timeout-ms', '180000'));
if (!test) {
  console.error('usage: node scripts/wasm-browser.mjs --test=NAME [--features=a,b] [--timeout-ms=N]');
  process.exit(2);
}

/** Builds the binary and starts its page's server with `wasm-pack test` in
 * server mode (no `--headless`); resolves when the page is served. */
async function startRunner() {
  const port = await freePort();
  const args = ['test', '--chrome', '--chromedriver', CHROMEDRIVER_PATHS[0], '--', '--features', features, '--test', test];
  // Its own process group: wasm-pack runs cargo, which runs the runner, and
  // all three go when the page is done.
  const runner = spawn('wasm-pack', args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
    env: { ...process.env, WASM_BINDGEN_TEST_ADDRESS: `127.0.0.1:${port}` },
  });
  let said = '';
  const serving = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`wasm-pack ${args.join(' ')} did not serve the test page in 600 s; it said:\n${said}`)), 600000);
    const listen = (d) => {
      said += d;
      if (/available at http:\/\//.test(said)) {
        clearTimeout(timer);
        resolve();
      }
    };
    runner.stdout.on('data', listen);
    runner.stderr.on('data', listen);
    runner.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot start wasm-pack (node scripts/setup.mjs installs it): ${error.message}`));
    });
    runner.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`wasm-pack ${args.join(' ')} exited (${code}) before serving the page (a build error? is tests/${test}.rs or tests/${test}/main.rs there?); it said:\n${said}`));
    });
  });
  await serving;
  return { runner, origin: `http://127.0.0.1:${port}` };
}

/** A proxy to `upstream` that sends every request over one connection. */
async function startProxy(upstream) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const target = new URL(upstream);
  const proxy = createServer((req, res) => {
    const forward = httpRequest(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: { ...req.headers, host: target.host }, agent },
      (answer) => {
        res.writeHead(answer.statusCode, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', (error) => {
      res.writeHead(502, { 'Content-Type': 'text/plain' });
      res.end(`the test runner's server did not answer ${req.url}: ${error.message}`);
    });
    req.pipe(forward);
  });
  proxy.listen(0, '127.0.0.1');
  await once(proxy, 'listening');
  return { proxy, agent, origin: `http://127.0.0.1:${proxy.address().port}` };
}

/** Opens the page; resolves to the output it showed and whether it passed. */
async function runPage(origin) {
  const browser = await launch();
  try {
    const page = await browser.newPage();
    const console_ = [];
    page.on('console', (m) => console_.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => console_.push(`page error: ${e.message}`));
    const outputText = () => page.locator('#output').textContent({ timeout: 5000 }).catch((e) => `(no output: ${e.message.split('\n')[0]})`);
    try {
      await page.goto(origin, { waitUntil: 'load', timeout: timeoutMs });
      await page.waitForFunction(() => /test result: \w+\./.test(document.getElementById('output')?.textContent ?? ''), null, { timeout: timeoutMs, polling: 100 });
    } catch (error) {
      const shown = await outputText();
      throw new Error(`the test page of ${test} did not finish in ${timeoutMs / 1000} s (${error.message.split('\n')[0]}); it showed:\n${shown}\nconsole:\n${console_.join('\n')}`);
    }
    const output = await outputText();
    return { output, passed: /test result: ok\./.test(output) };
  } finally {
    await browser.close();
  }
}

let runner;
let proxy;
let code = 1;
try {
  console.log(`wasm-pack test: ${test} in headless Chromium (the runner's page through a one-connection proxy)`);
  const started = await startRunner();
  runner = started.runner;
  proxy = await startProxy(started.origin);
  const { output, passed } = await runPage(proxy.origin);
  console.log(output);
  code = passed ? 0 : 1;
} catch (error) {
  console.error(`error: ${error.message}`);
} finally {
  if (proxy) {
    proxy.agent.destroy();
    proxy.proxy.closeAllConnections();
    proxy.proxy.close();
  }
  if (runner && runner.exitCode === null) {
    try {
      process.kill(-runner.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
}
process.exit(code);
