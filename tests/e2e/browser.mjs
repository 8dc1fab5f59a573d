// Shared helpers for the browser end-to-end tests: one headless Debian
// Chromium (never a downloaded browser) driven by playwright-core.

import { chromium } from 'playwright-core';
import { existsSync } from 'node:fs';

export const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p));

export async function launch() {
  if (!CHROMIUM) throw new Error('Chromium not found: install it with `apt-get install chromium chromium-driver` (npm test does this as root)');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/**
 * Chromium started directly and driven over CDP. Playwright's own launch
 * turns the back/forward cache off; this one keeps it on, for the test of a
 * real round trip through it. Resolves to { browser, close() }.
 */
export async function launchWithBackForwardCache() {
  const { spawn } = await import('node:child_process');
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  if (!CHROMIUM) throw new Error('Chromium not found: install it with `apt-get install chromium chromium-driver`');
  const profile = mkdtempSync(join(tmpdir(), 'esw-bfcache-'));
  const child = spawn(
    CHROMIUM,
    ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--remote-debugging-port=0', `--user-data-dir=${profile}`, 'about:blank'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const endpoint = await new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error('Chromium did not start its DevTools endpoint')), 15000);
    child.stderr.on('data', (data) => {
      text += data;
      const match = /DevTools listening on (ws:\S+)/.exec(text);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
  });
  const browser = await chromium.connectOverCDP(endpoint);
  return {
    browser,
    async close() {
      await browser.close().catch(() => {});
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill();
        await exited;
      }
      // Chromium's helper processes may still be writing the profile for a
      // moment after the browser exits: removing it is best effort.
      for (let i = 0; i < 10; i++) {
        try {
          rmSync(profile, { recursive: true, force: true });
          break;
        } catch {
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    },
  };
}
