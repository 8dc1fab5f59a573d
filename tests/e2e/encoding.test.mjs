// The classic script's core carries the wasm bytes as UTF-8 characters (no
// `\xNN` escapes: scripts/build.mjs, wasmModuleSource), so it must be read
// as UTF-8 on any page: it starts with a byte order mark, which wins over
// the page's encoding and the response's charset (Encoding Standard,
// "decode"). Here a windows-1252 page gets the core file labelled
// windows-1252 too, in Chromium, and the source still works.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { sseUrl, uniqueKey, waitFor, withServerAndBrowser } from './helpers.mjs';

const dist = join(dirname(fileURLToPath(import.meta.url)), '../../dist');
let server;
let browser;
withServerAndBrowser((env) => ({ server, browser } = env));

describe('the classic script in a page of another encoding (Chromium)', () => {
  it('a windows-1252 page whose core file is served as windows-1252 still compiles the core and receives the events intact', async () => {
    const core = readFileSync(join(dist, 'eventsource-wasm.core.js'));
    assert.deepEqual([...core.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'the core file starts with a UTF-8 byte order mark');
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    try {
      await page.route('**/dist/eventsource-wasm.core.js', (route) => route.fulfill({ contentType: 'text/javascript; charset=windows-1252', body: core }));
      await page.route('**/__latin1.html', (route) =>
        route.fulfill({
          contentType: 'text/html; charset=windows-1252',
          body: Buffer.from('<!doctype html><meta charset="windows-1252"><title>caf\xe9</title><script>delete window.EventSource;</script><script src="/dist/eventsource-wasm.js"></script>', 'latin1'),
        }),
      );
      await page.goto(`${server.origin}/__latin1.html`);
      assert.equal(await page.evaluate(() => document.characterSet), 'windows-1252');
      const k = uniqueKey('latin1');
      const url = sseUrl(server.origin, k, { chunks: ['id: é\ndata: café ✓\n\n'], end: 'open' });
      await page.evaluate((url) => {
        window.log = [];
        const es = new EventSource(url);
        es.onmessage = (e) => window.log.push([e.data, e.lastEventId]);
        es.onerror = (e) => window.log.push(['error', e.message]);
        window.es = es;
      }, url);
      await waitFor(() => page.evaluate(() => window.log.length > 0), { timeout: 8000, message: 'the message' });
      assert.deepEqual(await page.evaluate(() => window.log), [['café ✓', 'é']]);
      assert.deepEqual(errors, []);
      await page.evaluate(() => window.es.close());
    } finally {
      await page.close();
    }
  });
});
