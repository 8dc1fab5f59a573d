#!/usr/bin/env node
// Builds the Rust examples (examples/*: apps on the crate's Rust API, each
// its own Cargo workspace with its own Cargo.lock) into pages a browser can
// open: build/examples/NAME/ holds index.html, the wasm-bindgen glue and the
// optimised wasm.
//
//   node scripts/examples.mjs [NAME…]        (default: every example)
//
// Built as the npm package is built (scripts/build.mjs): release profile
// (each example's own: LTO, opt-level "z", panic=abort, one codegen unit; a
// cdylib alone, so Cargo keeps -C lto), wasm-bindgen --target web with the
// installed CLI (which must be the version in the example's Cargo.lock),
// then npm's wasm-opt at the package's level (never Debian's binaryen: see
// DESIGN.md). The Cargo target directory target/examples is shared by the
// examples and kept between runs, so a second build only links.

import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

import { WASM_FEATURES, WASM_OPT_LEVEL } from './build.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const EXAMPLES_DIR = join(root, 'examples');
export const TARGET_DIR = join(root, 'target/examples');

/** The examples: the folders of examples/ that hold a Cargo.toml. */
export function exampleNames() {
  return readdirSync(EXAMPLES_DIR).filter((name) => existsSync(join(EXAMPLES_DIR, name, 'Cargo.toml'))).sort();
}

/** `[package] name` of a Cargo.toml, as the artifact is named (`-` → `_`). */
function crateFile(manifest) {
  const m = /^\[package\][^[]*?^name\s*=\s*"([^"]+)"/ms.exec(readFileSync(manifest, 'utf8'));
  if (!m) throw new Error(`${manifest} has no [package] name`);
  return m[1].replace(/-/g, '_');
}

/**
 * Throws unless the wasm-bindgen in `lock` (the text of `example`'s
 * Cargo.lock) is the CLI's version (`cliVersion`: `wasm-bindgen --version`'s
 * output). The CLI refuses a module built with another version, with a
 * message that does not say which file pins it.
 */
export function checkWasmBindgen(example, lock, cliVersion) {
  const m = /\[\[package\]\]\nname = "wasm-bindgen"\nversion = "([^"]+)"/.exec(lock);
  if (!m) throw new Error(`${example}/Cargo.lock has no wasm-bindgen: is it an app on eventsource-wasm?`);
  if (`wasm-bindgen ${m[1]}` !== cliVersion.trim()) {
    throw new Error(`${example}/Cargo.lock has wasm-bindgen ${m[1]} but the CLI is ${cliVersion.trim()}: pin wasm-bindgen = "=X" in ${example}/Cargo.toml to the CLI's version (the one in the project's Cargo.lock, which setup installs)`);
  }
}

/**
 * Builds example `name` (with Cargo `features`, and without its default
 * ones if `defaultFeatures` is false: the size benchmark's variants) into
 * `out` (default build/examples/NAME). Returns { out, wasm, glue, raw,
 * gzip, glueGzip, seconds }: the optimised wasm's path and the glue's, the
 * wasm's size raw and gzipped (level 9), the glue's gzipped, and how long
 * the build took. With `names`, also `namesWasm`: the same wasm optimised
 * the same way but keeping its name section (wasm-opt -g), for
 * bench/rust-size.mjs --breakdown.
 */
export function buildExample(name, { features = [], defaultFeatures = true, out = join(root, 'build/examples', name), quiet = false, names = false } = {}) {
  const dir = join(EXAMPLES_DIR, name);
  const started = Date.now();
  const stdio = quiet ? ['ignore', 'ignore', 'pipe'] : 'inherit';
  // The glue and the wasm must come from the same wasm-bindgen.
  const cli = spawnSync('wasm-bindgen', ['--version'], { encoding: 'utf8' });
  if (cli.status !== 0) throw new Error(`wasm-bindgen (the CLI) does not run: ${cli.error?.message || cli.stderr}; run npm run setup`);
  checkWasmBindgen(`examples/${name}`, readFileSync(join(dir, 'Cargo.lock'), 'utf8'), cli.stdout);
  const argv = ['build', '--release', '--locked', '--target', 'wasm32-unknown-unknown', '--target-dir', TARGET_DIR, ...(defaultFeatures ? [] : ['--no-default-features']), ...(features.length ? ['--features', features.join(',')] : [])];
  const cargo = spawnSync('cargo', argv, { cwd: dir, stdio, encoding: 'utf8' });
  if (cargo.status !== 0) throw new Error(`cargo ${argv.join(' ')} in examples/${name} failed (exit ${cargo.status ?? cargo.signal})${quiet ? `:\n${cargo.stderr.slice(-4000)}` : ''}`);
  const file = crateFile(join(dir, 'Cargo.toml'));
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  execFileSync('wasm-bindgen', [join(TARGET_DIR, 'wasm32-unknown-unknown/release', `${file}.wasm`), '--out-dir', out, '--target', 'web', '--no-typescript'], { stdio });
  const wasm = join(out, `${file}_bg.wasm`);
  const wasmOpt = join(root, 'node_modules/.bin/wasm-opt');
  const strip = ['--strip-producers', '--strip-target-features'];
  let namesWasm;
  if (names) {
    namesWasm = join(out, 'names.wasm');
    execFileSync(wasmOpt, [wasm, '-o', namesWasm, WASM_OPT_LEVEL, ...WASM_FEATURES, ...strip, '-g'], { stdio });
  }
  execFileSync(wasmOpt, [wasm, '-o', wasm, WASM_OPT_LEVEL, ...WASM_FEATURES, '--strip-debug', ...strip], { stdio });
  copyFileSync(join(dir, 'index.html'), join(out, 'index.html'));
  const bytes = readFileSync(wasm);
  const glue = join(out, `${file}.js`);
  const gzip = (data) => gzipSync(data, { level: 9 }).length;
  return { out, wasm, glue, namesWasm, raw: bytes.length, gzip: gzip(bytes), glueGzip: gzip(readFileSync(glue)), seconds: (Date.now() - started) / 1000 };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const names = process.argv.slice(2).length ? process.argv.slice(2) : exampleNames();
  for (const name of names) {
    try {
      const built = buildExample(name);
      console.log(`examples/${name} → ${built.out}: wasm ${built.raw} B, ${built.gzip} B gzipped (${built.seconds.toFixed(1)} s)`);
    } catch (error) {
      console.error(`building examples/${name} failed: ${error.message}`);
      process.exit(1);
    }
  }
}
