#!/usr/bin/env node
// Installs what building and testing need, only where it is missing, and
// says what it does. Idempotent and quick (well under 5 s) once done.
//
//   - the wasm32-unknown-unknown Rust target
//   - wasm-bindgen-cli at exactly the wasm-bindgen version pinned in Cargo.toml
//   - wasm-pack
//   - Debian's chromium and chromium-driver (as root; otherwise says what to run)
//   - the npm devDependencies (again whenever package-lock.json changes),
//     among them the runtimes the tests run the package in: Bun, Deno and
//     workerd, whose binaries come inside registry packages
//
// Nothing is downloaded from outside the package registries.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// Tools that cargo installs live in ~/.cargo/bin: make sure children see it.
const cargoBin = join(process.env.CARGO_HOME || join(homedir(), '.cargo'), 'bin');
if (!process.env.PATH.split(delimiter).includes(cargoBin)) process.env.PATH = `${cargoBin}${delimiter}${process.env.PATH}`;

export const CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
export const CHROMEDRIVER_PATHS = ['/usr/bin/chromedriver'];

function say(message) {
  console.log(`setup: ${message}`);
}

class SetupError extends Error {}

/** Output of a command, or null if it cannot run. */
function probe(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return r.status === 0 ? r.stdout.trim() : null;
}

function run(cmd, args, what) {
  say(`${what}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new SetupError(`${what} failed (${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal})`);
}

/** The exact wasm-bindgen version Cargo.toml pins (`wasm-bindgen = "=X"`). */
export function pinnedWasmBindgen() {
  const toml = readFileSync(join(root, 'Cargo.toml'), 'utf8');
  const m = toml.match(/^wasm-bindgen\s*=\s*(?:\{[^}]*version\s*=\s*)?"=([0-9.]+)"/m);
  if (!m) throw new SetupError('Cargo.toml must pin wasm-bindgen with "=X.Y.Z" so the CLI can match it');
  return m[1];
}

function rust() {
  if (!probe('cargo', ['--version'])) {
    throw new SetupError('cargo is not installed: install Rust with rustup (https://rustup.rs), then run npm test again');
  }
  const targets = probe('rustup', ['target', 'list', '--installed']) || '';
  if (!targets.split('\n').includes('wasm32-unknown-unknown')) {
    run('rustup', ['target', 'add', 'wasm32-unknown-unknown'], 'adding the wasm32 target');
  }
}

function wasmBindgen() {
  const want = pinnedWasmBindgen();
  const have = probe('wasm-bindgen', ['--version']);
  if (have !== `wasm-bindgen ${want}`) {
    say(`wasm-bindgen-cli ${want} is ${have ? `not installed (found ${have})` : 'not installed'}; building it from crates.io (about 4 minutes)`);
    run('cargo', ['install', 'wasm-bindgen-cli', '--version', want, '--force'], 'installing wasm-bindgen-cli');
  }
}

function wasmPack() {
  if (!probe('wasm-pack', ['--version'])) {
    say('wasm-pack is not installed; building it from crates.io (about 3 minutes)');
    run('cargo', ['install', 'wasm-pack', '--locked'], 'installing wasm-pack');
  }
}

function chromium() {
  const browser = CHROMIUM_PATHS.find((p) => existsSync(p));
  const driver = CHROMEDRIVER_PATHS.find((p) => existsSync(p));
  if (browser && driver) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !probe('apt-get', ['--version'])) {
    throw new SetupError(
      'Chromium and ChromeDriver are needed for the browser tests. Install them with:\n' +
        '  sudo apt-get install chromium chromium-driver\n' +
        '(or any Chromium at /usr/bin/chromium with a matching /usr/bin/chromedriver), then run npm test again.',
    );
  }
  say('installing Debian chromium and chromium-driver (about a minute)');
  run('apt-get', ['update', '-q'], 'refreshing the package lists');
  run('apt-get', ['install', '-y', '-q', '--no-install-recommends', 'chromium', 'chromium-driver'], 'installing chromium');
}

function npmDependencies() {
  const lock = join(root, 'package-lock.json');
  const manifest = readFileSync(existsSync(lock) ? lock : join(root, 'package.json'));
  const digest = createHash('sha256').update(manifest).digest('hex');
  const stamp = join(root, 'node_modules', '.setup-stamp');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === digest) return;
  if (existsSync(lock)) run('npm', ['ci', '--no-audit', '--no-fund'], 'installing npm dependencies');
  else run('npm', ['install', '--no-audit', '--no-fund'], 'installing npm dependencies');
  writeFileSync(stamp, digest);
}

/**
 * Say which runtimes from npm can run here, one line each. One that cannot
 * is said so, and its tests fail (tests/runtimes/helpers.mjs): a runtime
 * skipped in silence would be untested.
 */
function runtimes() {
  for (const name of ['bun', 'deno', 'workerd']) {
    const bin = join(root, 'node_modules', '.bin', name);
    const version = existsSync(bin) ? probe(bin, ['--version']) : null;
    if (version) say(`${name} ${version.split('\n')[0].replace(new RegExp(`^${name}\\s*`, 'i'), '')}`);
    else say(`${name} cannot run on this machine (${existsSync(bin) ? `\`${name} --version\` failed` : `npm installed no ${name} for ${process.platform}-${process.arch}`}): its tests will fail`);
  }
}

export function setup({ browser = true } = {}) {
  const started = Date.now();
  rust();
  wasmBindgen();
  wasmPack();
  if (browser) chromium();
  npmDependencies();
  runtimes();
  say(`ready (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    setup({ browser: !process.argv.includes('--no-browser') });
  } catch (error) {
    console.error(`setup failed: ${error.message}`);
    process.exit(1);
  }
}

export { SetupError };
