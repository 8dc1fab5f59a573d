// What each build of the minimal page does when the server ends the stream:
// it should reconnect (HTML §9.2: a GET is reestablished). Opened in
// headless Chromium against the test server's scriptable stream, whose
// every connection sends `retry: 200` and one event, then ends. Used by
// bench/rust-size.mjs: a measured fact beside the sizes (reqwest-eventsource
// is known to panic on its first retry in a browser, reqwest-eventsource#27).

import { startServer, sseUrl } from '../../tests/server/server.mjs';
import { launch } from '../../tests/e2e/browser.mjs';

/** How long a page is watched: enough for several 200 ms retries. */
export const WATCH_MS = 3000;

/**
 * Opens each of `pages` ({ name, path }: path under the test server's
 * static roots, e.g. /build/examples/minimal-size-gloo-net/) and returns
 * [{ name, requests, shown, errors }]: the requests the server saw within
 * WATCH_MS, the list items the page showed, and its uncaught errors (with
 * their stacks) and console errors (a panic's message goes there).
 */
export async function retryCheck(pages) {
  const server = await startServer();
  const browser = await launch();
  try {
    const results = [];
    for (const { name, path } of pages) {
      const key = `rust-size-${name}-${Date.now()}`;
      const stream = sseUrl(server.origin, key, { chunks: ['retry: 200\ndata: one\n\n'], end: 'close' });
      const page = await browser.newPage();
      const errors = [];
      page.on('pageerror', (error) => errors.push(error.stack || error.message));
      page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
      await page.goto(`${server.origin}${path}?${new URLSearchParams({ stream })}`);
      await new Promise((resolve) => setTimeout(resolve, WATCH_MS));
      const shown = await page.$$eval('#events li', (items) => items.map((li) => `${li.dataset.kind}: ${li.textContent}`));
      await page.close();
      results.push({ name, requests: server.log(key).requests.length, shown, errors });
    }
    return results;
  } finally {
    await browser.close();
    await server.close();
  }
}

/**
 * One line of the check's result, for the benchmark's output. `names`
 * (function index → name, from the build's names twin) names the wasm
 * frames of the first error's stack: where a trap came from.
 */
export function describeRetry({ name, requests, shown, errors }, names) {
  let line = `${name}: ${requests} request(s) in ${WATCH_MS / 1000} s, ${shown.length} list item(s) shown`;
  if (!errors.length) return `${line}; no page error`;
  const [message, ...stack] = errors[0].split('\n');
  line += `; ${errors.length} page error(s), the first: ${message.slice(0, 160)}`;
  const frames = stack
    .map((frame) => /wasm-function\[(\d+)\]/.exec(frame)?.[1])
    .filter(Boolean)
    .map((index) => names?.[index] ?? `wasm-function[${index}]`);
  return frames.length ? `${line}, in ${frames.slice(0, 6).join(' ← ')}` : line;
}
