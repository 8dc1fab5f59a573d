#!/usr/bin/env node
// Installs what building and testing need, only where it is missing, and
// says what it does. Idempotent and quick (well under 5 s) once done.
//
//   - the wasm32-unknown-unknown Rust target
//   - wasm-bindgen-cli at exactly the wasm-bindgen version of Cargo.lock
//   - wasm-pack
//   - Debian's chromium and chromium-driver (as root; otherwise says what to run)
//   - Debian's firefox-esr (driven over WebDriver BiDi) and webkit2gtk-driver
//     (WebKitWebDriver and MiniBrowser) with xvfb, for the other two engines
//   - the npm devDependencies (again whenever package-lock.json changes),
//     among them the runtimes the tests run the package in: Bun, Deno and
//     workerd, whose binaries come inside registry packages; and the
//     bundlers the bundler test builds with (tests/bundlers, its own lock)
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
export const FIREFOX_PATHS = ['/usr/bin/firefox-esr', '/usr/bin/firefox'];
export const WEBKIT_DRIVER_PATHS = ['/usr/bin/WebKitWebDriver'];
// Debian ships MiniBrowser with the WebKitGTK library, outside PATH.
export const MINIBROWSER_PATHS = ['/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser', '/usr/lib/aarch64-linux-gnu/webkit2gtk-4.1/MiniBrowser', '/usr/libexec/webkit2gtk-4.1/MiniBrowser'];
export const XVFB_RUN_PATHS = ['/usr/bin/xvfb-run'];

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

/**
 * The exact wasm-bindgen version the build uses: Cargo.lock's. (Cargo.toml
 * asks for a compatible one, `0.2.N`, so that a Rust app depending on the
 * crate is not forced onto one exact version; this repository's lock file
 * is what pins the npm build, and the CLI must match it exactly.)
 */
export function pinnedWasmBindgen() {
  const lock = readFileSync(join(root, 'Cargo.lock'), 'utf8');
  const m = lock.match(/^\[\[package\]\]\nname = "wasm-bindgen"\nversion = "([0-9.]+)"/m);
  if (!m) throw new SetupError('Cargo.lock has no wasm-bindgen package: run cargo generate-lockfile, then npm test again');
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

/**
 * Debian packages the browser tests need, installed where their files are
 * missing: `wants` is [[label, paths, packages]].
 */
function debianPackages(what, wants, time) {
  const missing = wants.filter(([, paths]) => !paths.some((p) => existsSync(p)));
  if (!missing.length) return;
  const packages = [...new Set(missing.flatMap(([, , pkgs]) => pkgs))];
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !probe('apt-get', ['--version'])) {
    throw new SetupError(
      `${what} ${missing.length === 1 ? 'is' : 'are'} needed for the browser tests (${missing.map(([label]) => label).join(', ')} not found). Install ${missing.length === 1 ? 'it' : 'them'} with:\n` +
        `  sudo apt-get install ${packages.join(' ')}\n` +
        'then run npm test again.',
    );
  }
  say(`installing Debian ${packages.join(', ')} (${time})`);
  run('apt-get', ['update', '-q'], 'refreshing the package lists');
  run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...packages], `installing ${packages.join(', ')}`);
  const still = missing.filter(([, paths]) => !paths.some((p) => existsSync(p)));
  if (still.length) throw new SetupError(`installed ${packages.join(', ')} but ${still.map(([label, paths]) => `${label} (${paths.join(' or ')})`).join(', ')} still missing`);
}

function chromium() {
  debianPackages(
    'Chromium and ChromeDriver',
    [
      ['chromium', CHROMIUM_PATHS, ['chromium']],
      ['chromedriver', CHROMEDRIVER_PATHS, ['chromium-driver']],
    ],
    'about a minute',
  );
}

/** Gecko and WebKit: the engines tests/e2e/engines.test.mjs runs the core cases in. */
function otherEngines() {
  debianPackages(
    'Firefox ESR, WebKitWebDriver with MiniBrowser, and xvfb',
    [
      ['firefox-esr', FIREFOX_PATHS, ['firefox-esr']],
      ['WebKitWebDriver', WEBKIT_DRIVER_PATHS, ['webkit2gtk-driver']],
      ['MiniBrowser', MINIBROWSER_PATHS, ['webkit2gtk-driver']],
      ['xvfb-run', XVFB_RUN_PATHS, ['xvfb', 'xauth']],
    ],
    'a few minutes',
  );
}

/** `npm ci` in `dir` whenever its lock changed since the last install. */
function npmInstall(dir, what) {
  const lock = join(dir, 'package-lock.json');
  const manifest = readFileSync(existsSync(lock) ? lock : join(dir, 'package.json'));
  const digest = createHash('sha256').update(manifest).digest('hex');
  const stamp = join(dir, 'node_modules', '.setup-stamp');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === digest) return;
  const args = existsSync(lock) ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund'];
  say(`${what}: npm ${args.join(' ')} in ${dir}`);
  const r = spawnSync('npm', args, { cwd: dir, stdio: 'inherit' });
  if (r.status !== 0) throw new SetupError(`${what} failed (npm ${args.join(' ')} in ${dir} exited with ${r.status ?? r.signal})`);
  writeFileSync(stamp, digest);
}

function npmDependencies() {
  npmInstall(root, 'installing npm dependencies');
}

/**
 * The bundlers of tests/package/bundlers.test.mjs (webpack, Rollup, Vite,
 * Next.js, Parcel, esbuild) at pinned versions, from their own lock: about
 * 500 MB that nothing else needs, so kept out of the package's own
 * devDependencies (and out of the install of anyone who only builds).
 */
function bundlers() {
  npmInstall(join(root, 'tests', 'bundlers'), 'installing the bundlers under test');
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
  if (browser) {
    chromium();
    otherEngines();
  }
  npmDependencies();
  runtimes();
  if (browser) bundlers();
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
