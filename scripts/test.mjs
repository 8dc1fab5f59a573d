#!/usr/bin/env node
// `npm test`: set up, then every check and every suite, in order:
//
//   cargo fmt --check · cargo clippy -D warnings (host, wasm32) · cargo test
//   · npm run build (prints the sizes against the budget) · the wasm-bindgen
//   browser tests (each binary a wasm-pack test run, in headless Chromium:
//   scripts/wasm-browser.mjs)
//   · node --test (Node; Bun, Deno and workerd; browser end-to-end, package, demo)
//   · the Rust examples (examples/: built with cargo and wasm-bindgen, opened
//     in headless Chromium; tests/examples)
//
// Each check that is not a test suite counts as one test. The last line is
// `N passed, M failed` over everything; the exit code is 1 if anything failed.
//
// Options: --only=NAME[,NAME] runs only those stages (fmt, clippy, cargo,
// build, wasm, node, examples); --node-filter=REGEX is passed to node --test.

import { spawn } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { setup } from './setup.mjs';
import { startServer } from '../tests/server/server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const only = argv.find((a) => a.startsWith('--only='))?.slice(7).split(',');
const nodeFilter = argv.find((a) => a.startsWith('--node-filter='))?.slice(14);

const results = [];

/** Run a command, echoing its output; resolve with {code, output}. */
function run(cmd, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const echo = (stream) => (data) => {
      output += data;
      stream.write(data);
    };
    child.stdout.on('data', echo(process.stdout));
    child.stderr.on('data', echo(process.stderr));
    child.on('error', (error) => resolve({ code: 127, output: `${output}\n${error.message}` }));
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output }));
  });
}

function sum(output, regex) {
  let total = 0;
  let found = false;
  for (const m of output.matchAll(regex)) {
    total += Number(m[1]);
    found = true;
  }
  return found ? total : null;
}

function record(name, passed, failed) {
  results.push({ name, passed, failed });
  console.log(`\n── ${name}: ${passed} passed, ${failed} failed\n`);
}

/** A check that is not a test suite: one test, passed if it exits 0. */
async function check(name, cmd, args, env) {
  console.log(`\n── ${name}: ${cmd} ${args.join(' ')}`);
  const { code } = await run(cmd, args, env);
  record(name, code === 0 ? 1 : 0, code === 0 ? 0 : 1);
  return code === 0;
}

/**
 * A test suite: runs it and sums the passed and failed counts its output
 * reports (`passed`/`failed`: regexes whose group 1 is a count).
 */
async function suite(name, title, cmd, args, env, { passed: passedRe, failed: failedRe }) {
  console.log(`\n── ${name}: ${title}`);
  const { code, output } = await run(cmd, args, env);
  const passed = sum(output, passedRe);
  let failed = sum(output, failedRe);
  if (passed === null) {
    record(name, 0, 1); // did not build or run at all
    return false;
  }
  if (code !== 0 && !failed) failed = 1;
  record(name, passed, failed || 0);
  return code === 0;
}

/** A Rust test run (cargo test, wasm-bindgen-test): sums its result lines. */
function rustSuite(name, cmd, args, env) {
  return suite(name, `${cmd} ${args.join(' ')}`, cmd, args, env, {
    passed: /test result: \w+\. (\d+) passed/g,
    failed: /test result: \w+\. \d+ passed; (\d+) failed/g,
  });
}

function nodeSuite(name, files, env) {
  const args = ['--test', '--test-reporter=spec', '--test-concurrency=1'];
  if (nodeFilter) args.push(`--test-name-pattern=${nodeFilter}`);
  return suite(name, `node --test (${files.length} files)`, process.execPath, [...args, ...files], env, {
    passed: /^ℹ pass (\d+)/gm,
    failed: /^ℹ fail (\d+)/gm,
  });
}

const want = (stage) => !only || only.includes(stage);

// `cargo publish --dry-run --workspace` verifies eventsource-wasm against the
// eventsource-core it has just packaged, through a temporary local registry;
// cargo unpacks that crate once into $CARGO_HOME/registry/src/<that
// registry>/ and reuses the directory on the next run even when the packaged
// source changed (the check then builds against a stale core and fails with
// unresolved names). Cargo also takes a registry crate's build as fresh by its
// name and version alone, so the core's wasm32 fingerprints go too (it
// rebuilds in seconds). Only our own crates, only outside crates.io's index.
function forgetPackagedCrates() {
  const fingerprints = join(process.env.CARGO_TARGET_DIR || join(root, 'target'), 'wasm32-unknown-unknown', 'debug', '.fingerprint');
  try {
    for (const name of readdirSync(fingerprints)) {
      if (name.startsWith('eventsource-core-')) rmSync(join(fingerprints, name), { recursive: true, force: true });
    }
  } catch {
    // no wasm32 debug build yet: nothing to forget
  }
  const src = join(process.env.CARGO_HOME || join(homedir(), '.cargo'), 'registry', 'src');
  let registries = [];
  try {
    registries = readdirSync(src);
  } catch {
    return; // nothing unpacked yet
  }
  for (const registry of registries.filter((name) => !name.startsWith('index.crates.io-'))) {
    for (const name of readdirSync(join(src, registry))) {
      if (/^eventsource-(core|wasm)-\d/.test(name)) rmSync(join(src, registry, name), { recursive: true, force: true });
    }
  }
}

async function main() {
  try {
    setup();
    record('setup', 1, 0);
  } catch (error) {
    console.error(`setup failed: ${error.message}`);
    record('setup', 0, 1);
    return;
  }

  if (want('fmt')) await check('cargo fmt --check', 'cargo', ['fmt', '--all', '--check']);
  if (want('clippy')) {
    await check('cargo clippy (host)', 'cargo', ['clippy', '--workspace', '--all-targets', '--', '-D', 'warnings']);
    // The JavaScript class's exports (`js`) with the Rust API (default): what the browser tests build.
    await check('cargo clippy (wasm32)', 'cargo', ['clippy', '--target', 'wasm32-unknown-unknown', '--all-targets', '--features', 'js,shared,test-hooks', '--', '-D', 'warnings']);
    // What a Rust app that depends on the crate builds: the Rust API, no JavaScript exports.
    await check('cargo clippy (wasm32, Rust API only)', 'cargo', ['clippy', '--target', 'wasm32-unknown-unknown', '--lib', '--', '-D', 'warnings']);
    // A Rust app that leaves the `std` feature off (`default-features = false, features = ["api"]`): the crate is no_std.
    await check('cargo clippy (wasm32, Rust API without std)', 'cargo', ['clippy', '--target', 'wasm32-unknown-unknown', '--lib', '--no-default-features', '--features', 'api', '--', '-D', 'warnings']);
    // The core with the `shared` option compiled in (a build of its own).
    await check('cargo clippy (wasm32, shared)', 'cargo', ['clippy', '--target', 'wasm32-unknown-unknown', '--lib', '--no-default-features', '--features', 'js,shared', '--', '-D', 'warnings']);
    // The npm build's configuration: no_std, with its own panic handler.
    await check('cargo clippy (wasm32, no_std)', 'cargo', ['clippy', '--target', 'wasm32-unknown-unknown', '--no-default-features', '--features', 'js', '--lib', '--', '-D', 'warnings']);
    // The protocol core on its own, for a target without std: it is no_std.
    await check('cargo clippy (eventsource-core, wasm32)', 'cargo', ['clippy', '-p', 'eventsource-core', '--target', 'wasm32-unknown-unknown', '--lib', '--', '-D', 'warnings']);
    await check('cargo doc (eventsource-core, no warnings)', 'cargo', ['doc', '-p', 'eventsource-core', '--no-deps'], { RUSTDOCFLAGS: '-D warnings' });
    // The Rust API exists for wasm32 only: its docs are built for it (as docs.rs does, package.metadata.docs.rs).
    await check('cargo doc (eventsource-wasm, wasm32, no warnings)', 'cargo', ['doc', '-p', 'eventsource-wasm', '--no-deps', '--target', 'wasm32-unknown-unknown', '--features', 'shared'], { RUSTDOCFLAGS: '-D warnings' });
    // Both crates as crates.io would take them: packaged (metadata, README,
    // licenses, the versioned path dependency) and built from the package for
    // wasm32. It reads the crates.io index: without a network it fails, and
    // cargo's message says so (it never passes without having checked).
    forgetPackagedCrates();
    await check('cargo publish --dry-run (eventsource-core, eventsource-wasm)', 'cargo', ['publish', '--dry-run', '--allow-dirty', '--workspace', '--target', 'wasm32-unknown-unknown']);
  }
  if (want('cargo')) await rustSuite('cargo test', 'cargo', ['test', '--workspace']);

  let built = true;
  if (want('build') || want('wasm') || want('node')) {
    built = await check('npm run build', process.execPath, ['scripts/build.mjs']);
    // The same build with the test hooks (a forced panic), apart from dist/.
    built = (await check('build with test hooks', process.execPath, ['scripts/build.mjs', '--quiet', '--features=test-hooks', '--out=test-artifacts/hooks-dist'])) && built;
  }

  if (want('wasm')) {
    // The wasm browser tests talk to the scriptable test server; its origin
    // is compiled into them (SSE_TEST_ORIGIN).
    const server = await startServer();
    try {
      const env = { SSE_TEST_ORIGIN: server.origin, SSE_TEST_CROSS_ORIGIN: server.crossOrigin };
      // Each binary in a `wasm-pack test` run of its own (rust_api_shared
      // loads dist/, built above), in headless Chromium through
      // scripts/wasm-browser.mjs (wasm-pack in server mode, the page opened by
      // playwright-core), not chromedriver: wasm-bindgen-test-runner's server can leave one of the
      // page's module requests unread for minutes when Chromium opens several
      // connections at once (a lost wake-up in tiny_http's connection pool;
      // the script says how, and sends every request over one connection).
      // Seen under chromedriver as a page that never loads ("Timed out
      // receiving message from renderer", 300 s). Never retried or skipped.
      // rust_api forces a panic through the test hook (Builder::panic_on_chunk).
      for (const binary of ['web', 'rust_api', 'rust_api_release', 'rust_api_shared']) {
        const features = binary === 'rust_api' ? 'js,shared,test-hooks' : 'js,shared';
        await rustSuite(`wasm browser tests (${binary})`, process.execPath, ['scripts/wasm-browser.mjs', `--test=${binary}`, `--features=${features}`], env);
      }
    } finally {
      await server.close();
    }
  }

  if (want('node')) {
    if (!built) {
      record('node --test', 0, 1);
    } else {
      const dir = join(root, 'tests');
      const files = [];
      for (const sub of ['node', 'runtimes', 'e2e', 'package', 'demo', 'soak']) {
        try {
          for (const f of readdirSync(join(dir, sub)).sort()) if (f.endsWith('.test.mjs')) files.push(join('tests', sub, f));
        } catch {
          // a suite folder that does not exist yet
        }
      }
      await nodeSuite('node --test', files);
    }
  }

  // Apart from the node stage: it needs no dist/, and its first build (a
  // fresh target/examples) compiles Leptos.
  if (want('examples')) await nodeSuite('Rust examples (node --test)', ['tests/examples/examples.test.mjs']);
}

await main();
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
console.log('── summary');
for (const r of results) console.log(`${r.failed ? '✗' : '✓'} ${r.name.padEnd(36)} ${r.passed} passed, ${r.failed} failed`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
