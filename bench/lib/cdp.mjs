// Headless Chromium driven over a bare DevTools-protocol pipe.
//
// Why not Playwright's page API: Playwright enables the Network domain on
// every page it drives, so the browser process turns each message of a native
// EventSource (Network.eventSourceMessageReceived) and each chunk of a fetch
// body (Network.dataReceived) into a CDP event and sends it to Node. On a
// stream of 100 000 small events that is more CPU than the stream itself, and
// it taxes the implementations unequally. Here only the domains the benchmark
// asks for are enabled (none of Network).

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function launchChromium(executable, extraArgs = []) {
  const profile = mkdtempSync(join(tmpdir(), 'esw-bench-'));
  const child = spawn(
    executable,
    [
      '--headless',
      '--remote-debugging-pipe',
      `--user-data-dir=${profile}`,
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--no-default-browser-check',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-extensions',
      '--disable-dev-shm-usage',
      '--disable-renderer-backgrounding',
      '--disable-background-timer-throttling',
      '--disable-backgrounding-occluded-windows',
      '--disable-breakpad',
      '--mute-audio',
      ...extraArgs,
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  const write = child.stdio[3];
  const read = child.stdio[4];
  let nextId = 0;
  const pending = new Map();
  const listeners = new Set();
  let buffer = '';
  read.setEncoding('utf8');
  read.on('data', (chunk) => {
    buffer += chunk;
    let end;
    while ((end = buffer.indexOf('\0')) >= 0) {
      const message = JSON.parse(buffer.slice(0, end));
      buffer = buffer.slice(end + 1);
      if (message.id !== undefined) {
        const p = pending.get(message.id);
        pending.delete(message.id);
        if (message.error) p.reject(new Error(`${p.method}: ${message.error.message}`));
        else p.resolve(message.result);
      } else {
        for (const l of listeners) l(message);
      }
    }
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  exited.then(() => {
    for (const p of pending.values()) p.reject(new Error(`Chromium exited: ${stderr.slice(-500)}`));
    pending.clear();
  });

  function send(method, params = {}, sessionId = undefined) {
    const id = ++nextId;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject, method });
      write.write(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }) + '\0');
    });
  }

  const version = await send('Browser.getVersion');

  return {
    pid: child.pid,
    version: version.product.replace(/^.*?\//, ''),
    send,
    /** Every CDP event (any session) to `listener(message)` until the returned function is called. */
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    /**
     * A new page (own target, flattened session): { send, evaluate, navigate, close }.
     * isolated: in a browser context of its own (so a renderer process of its own,
     * with cold caches); close() disposes of the context.
     */
    async newPage({ isolated = false } = {}) {
      const browserContextId = isolated ? (await send('Target.createBrowserContext', { disposeOnDetach: true })).browserContextId : undefined;
      const { targetId } = await send('Target.createTarget', { url: 'about:blank', ...(browserContextId ? { browserContextId } : {}) });
      const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
      const s = (method, params) => send(method, params, sessionId);
      await s('Page.enable');
      const page = {
        send: s,
        async evaluate(expression) {
          const r = await s('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true });
          if (r.exceptionDetails) throw new Error(`page: ${r.exceptionDetails.exception?.description || r.exceptionDetails.text}`);
          return r.result.value;
        },
        async navigate(url, ready = 'true') {
          const loaded = new Promise((resolve) => {
            const l = (m) => {
              if (m.sessionId === sessionId && m.method === 'Page.loadEventFired') {
                listeners.delete(l);
                resolve();
              }
            };
            listeners.add(l);
          });
          const r = await s('Page.navigate', { url });
          if (r.errorText) throw new Error(`navigate ${url}: ${r.errorText}`);
          await loaded;
          for (let i = 0; i < 500; i++) {
            if (await page.evaluate(ready)) return;
            await new Promise((r2) => setTimeout(r2, 10));
          }
          throw new Error(`page ${url} never became ready`);
        },
        async close() {
          await send('Target.closeTarget', { targetId });
          if (browserContextId) await send('Target.disposeBrowserContext', { browserContextId });
        },
      };
      return page;
    },
    async close() {
      try {
        await Promise.race([send('Browser.close'), new Promise((r) => setTimeout(r, 3000))]);
      } catch {
        // exited already
      }
      if (child.exitCode === null) child.kill();
      await exited;
      // Chromium's helper processes may still be writing into the profile
      // just after the browser exits: retry, and never fail a finished run
      // over a temporary directory.
      try {
        rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
      } catch (error) {
        console.warn(`bench: could not remove ${profile}: ${error.message}`);
      }
    },
  };
}
