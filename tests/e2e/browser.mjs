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
