// The two browser engines besides Chromium, from Debian (scripts/setup.mjs
// installs them; never a downloaded browser), behind one small interface so
// that tests/e2e/engines.test.mjs runs the same cases in each:
//
//   { name, version, goto(url), evaluate(fn, arg), close() }
//
// evaluate(fn, arg) runs `fn(arg)` in the page (fn is sent as its source, so
// it must not close over anything) and resolves with its awaited,
// JSON-shaped result.
//
//   Gecko: firefox-esr, driven over WebDriver BiDi by puppeteer-core (no
//     geckodriver needed).
//   WebKit: WebKitWebDriver (webkit2gtk-driver) starting MiniBrowser, spoken
//     to over classic WebDriver (W3C WebDriver §6, plain HTTP + JSON, so no
//     client library), under xvfb-run: MiniBrowser needs an X display.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

import { freePort } from './helpers.mjs';
import { FIREFOX_PATHS, MINIBROWSER_PATHS, WEBKIT_DRIVER_PATHS, XVFB_RUN_PATHS } from '../../scripts/setup.mjs';

const find = (paths) => paths.find((p) => existsSync(p));

function missing(what, paths) {
  return new Error(`${what} not found at ${paths.join(' or ')}: npm test installs it as root (scripts/setup.mjs); otherwise run \`sudo apt-get install firefox-esr webkit2gtk-driver xvfb xauth\``);
}

/** Firefox ESR over WebDriver BiDi. */
export async function launchFirefox() {
  const executablePath = find(FIREFOX_PATHS);
  if (!executablePath) throw missing('Firefox', FIREFOX_PATHS);
  const { default: puppeteer } = await import('puppeteer-core');
  let browser;
  try {
    browser = await puppeteer.launch({ browser: 'firefox', executablePath, headless: true, protocol: 'webDriverBiDi', timeout: 60000 });
  } catch (error) {
    throw new Error(`Firefox (${executablePath}) did not start under puppeteer-core over WebDriver BiDi: ${error.message}`, { cause: error });
  }
  const page = await browser.newPage();
  return {
    name: 'Gecko (Firefox ESR)',
    version: await browser.version(),
    async goto(url) {
      await page.goto(url, { waitUntil: 'load' });
    },
    evaluate: (fn, arg) => page.evaluate(fn, arg),
    close: () => browser.close(),
  };
}

/** MiniBrowser through WebKitWebDriver, on a virtual X display. */
export async function launchWebKit() {
  const driver = find(WEBKIT_DRIVER_PATHS);
  const binary = find(MINIBROWSER_PATHS);
  const xvfbRun = find(XVFB_RUN_PATHS);
  if (!driver) throw missing('WebKitWebDriver', WEBKIT_DRIVER_PATHS);
  if (!binary) throw missing('MiniBrowser', MINIBROWSER_PATHS);
  if (!xvfbRun) throw missing('xvfb-run', XVFB_RUN_PATHS);
  const port = await freePort();
  // Its own process group, so that closing ends xvfb-run, Xvfb, the driver
  // and the browser together.
  const child = spawn(xvfbRun, ['-a', '-s', '-screen 0 1280x1024x24', driver, `--port=${port}`, '--host=127.0.0.1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const base = `http://127.0.0.1:${port}`;

  async function command(method, path, body) {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(`WebKitWebDriver ${method} ${path}: ${response.status} ${json.value?.error ?? ''}: ${json.value?.message ?? JSON.stringify(json)}`);
    return json.value;
  }

  async function stop() {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    }
  }

  // The driver listens once Xvfb is up: poll its status endpoint.
  const deadline = Date.now() + 30000;
  for (;;) {
    try {
      const status = await command('GET', '/status');
      if (status?.ready !== false) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`WebKitWebDriver did not start under xvfb-run (exit ${child.exitCode}): ${output.trim() || 'no output'}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  let session;
  try {
    session = await command('POST', '/session', {
      capabilities: {
        alwaysMatch: {
          browserName: 'MiniBrowser',
          'webkitgtk:browserOptions': { binary, args: ['--automation'] },
        },
      },
    });
  } catch (error) {
    await stop();
    throw new Error(`WebKitWebDriver could not start MiniBrowser (${binary}): ${error.message}; driver output: ${output.trim() || 'none'}`, { cause: error });
  }
  const id = session.sessionId;
  await command('POST', `/session/${id}/timeouts`, { script: 60000, pageLoad: 30000 });

  return {
    name: 'WebKit (WebKitGTK MiniBrowser)',
    version: session.capabilities?.browserVersion ?? 'unknown',
    async goto(url) {
      await command('POST', `/session/${id}/url`, { url });
    },
    async evaluate(fn, arg) {
      // Execute Async Script (W3C WebDriver §13.2.2): the last argument is
      // the callback that settles it. Errors come back as values so that the
      // page's own message reaches the test.
      const script =
        'const done = arguments[arguments.length - 1];' +
        `Promise.resolve().then(() => (${fn})(arguments[0])).then(` +
        '(value) => done({ ok: true, value: value === undefined ? null : value }),' +
        '(error) => done({ ok: false, error: String(error && error.stack || error) }));';
      const result = await command('POST', `/session/${id}/execute/async`, { script, args: [arg ?? null] });
      if (!result.ok) throw new Error(`in WebKit: ${result.error}`);
      return result.value;
    },
    async close() {
      await command('DELETE', `/session/${id}`).catch(() => {});
      await stop();
    },
  };
}
