// What the benchmark loads besides dist/: the peers bundled for the browser,
// and a profiling build of ours (same wasm code, with its name section; JS
// not minified) so that CPU profiles name functions. Everything goes to
// bench/.build/ (git-ignored); nothing outside bench/ is written.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { optimize } from '../../scripts/build.mjs';

export function sha(bytes) {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 12);
}

/** Copy dist/ into bench/.build/dist so that a concurrent rebuild cannot change what is measured. */
export function snapshotDist(root, out) {
  const dist = join(root, 'dist');
  const dest = join(out, 'dist');
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest, { recursive: true });
  const files = ['index.js', 'index.cjs', 'eventsource-wasm.js', 'eventsource_wasm_bg.wasm'];
  for (const f of files) copyFileSync(join(dist, f), join(dest, f));
  // index.js is self-contained (wasm embedded); check that, since the Node
  // benchmark imports the copy.
  const index = readFileSync(join(dest, 'index.js'), 'utf8');
  if (/from\s*["']\.\.?\//.test(index)) throw new Error('dist/index.js imports a relative file: the snapshot would need it too');
  return {
    dir: dest,
    wasmSha: sha(readFileSync(join(dest, 'eventsource_wasm_bg.wasm'))),
    indexSha: sha(readFileSync(join(dest, 'index.js'))),
    builtAt: statSync(join(dist, 'index.js')).mtime,
  };
}

export async function buildPeers(root, out) {
  const esbuild = await import('esbuild');
  const common = { bundle: true, minify: true, legalComments: 'none', logLevel: 'error', absWorkingDir: root, target: 'es2020' };
  // The browser build of `eventsource` (fetch-based), as a classic script.
  await esbuild.build({
    ...common,
    stdin: { contents: "export { EventSource } from 'eventsource';", resolveDir: root, loader: 'js' },
    format: 'iife',
    globalName: 'EventSourcePkg',
    platform: 'browser',
    outfile: join(out, 'eventsource.js'),
  });
  // The same as an ES module, for its shipped size.
  await esbuild.build({
    ...common,
    stdin: { contents: "export { EventSource } from 'eventsource';", resolveDir: root, loader: 'js' },
    format: 'esm',
    platform: 'browser',
    outfile: join(out, 'eventsource.esm.js'),
  });
  await esbuild.build({
    ...common,
    stdin: { contents: "export { createParser } from 'eventsource-parser';", resolveDir: root, loader: 'js' },
    format: 'esm',
    platform: 'browser',
    outfile: join(out, 'eventsource-parser.esm.js'),
  });
  // event-source-polyfill ships a minified UMD file; a classic script sets window.EventSourcePolyfill.
  copyFileSync(join(root, 'node_modules/event-source-polyfill/src/eventsource.min.js'), join(out, 'polyfill.js'));
}

/**
 * A profiling build of ours: wasm-bindgen on the release artifact in
 * target/, optimized as scripts/build.mjs does it but keeping the name
 * section (-g), and the classic-script entry bundled without minification.
 * Returns { path, matchesDist } — matchesDist: whether the same wasm-opt run
 * with names stripped gives exactly dist's wasm (then the profiled code is
 * the measured code).
 */
export async function buildProfiling(root, out, distWasm) {
  const dir = join(out, 'prof');
  const artifact = join(root, 'target/wasm32-unknown-unknown/release/eventsource_wasm.wasm');
  if (!existsSync(artifact)) throw new Error(`no ${artifact}: run the release build first`);
  // wasm-opt takes a while: reuse the last profiling build when nothing it is made of changed.
  const jsDir = join(root, 'src/js');
  const key = [sha(readFileSync(artifact)), sha(distWasm), sha(readFileSync(join(root, 'scripts/build.mjs'))), ...readdirSync(jsDir).sort().map((f) => `${f}:${sha(readFileSync(join(jsDir, f)))}`)].join(' ');
  const keyFile = join(dir, 'key.txt');
  if (existsSync(keyFile) && readFileSync(keyFile, 'utf8') === key && existsSync(join(dir, 'index.js'))) {
    return { path: join(dir, 'eventsource-wasm.js'), esm: join(dir, 'index.js'), matchesDist: readFileSync(join(dir, 'matches.txt'), 'utf8') === 'true' };
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const q = { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] };
  execFileSync('wasm-bindgen', [artifact, '--out-dir', join(dir, 'pkg'), '--target', 'web', '--omit-default-module-path', '--no-typescript'], q);
  const bg = join(dir, 'pkg/eventsource_wasm_bg.wasm');
  const glue = join(dir, 'pkg/eventsource_wasm.js');
  // The optimization of scripts/build.mjs, once without names (to compare
  // with dist) and once keeping them (what is profiled).
  const stripped = join(dir, 'stripped.wasm');
  copyFileSync(bg, stripped);
  copyFileSync(glue, join(dir, 'glue-stripped.js'));
  optimize(stripped, join(dir, 'glue-stripped.js'));
  optimize(bg, glue, { names: true });
  const matchesDist = Buffer.compare(readFileSync(stripped), distWasm) === 0;
  // The same export as build/wasm-bytes.js (base64 here: size does not matter).
  writeFileSync(
    join(dir, 'wasm-bytes.js'),
    `const B = '${readFileSync(bg).toString('base64')}';\n` +
      'export function wasmBytes() { const s = atob(B); const o = new Uint8Array(s.length); for (let i = 0; i < s.length; i++) o[i] = s.charCodeAt(i); return o; }\n',
  );
  const esbuild = await import('esbuild');
  const common = {
    bundle: true,
    minify: false,
    charset: 'ascii',
    logLevel: 'error',
    plugins: [
      {
        name: 'prof-pkg',
        setup(b) {
          b.onResolve({ filter: /build\/pkg\/eventsource_wasm\.js$/ }, () => ({ path: join(dir, 'pkg/eventsource_wasm.js') }));
          b.onResolve({ filter: /build\/wasm-bytes\.js$/ }, () => ({ path: join(dir, 'wasm-bytes.js') }));
        },
      },
    ],
  };
  await esbuild.build({ ...common, entryPoints: [join(root, 'src/js/script.js')], format: 'iife', target: 'es2017', outfile: join(dir, 'eventsource-wasm.js') });
  await esbuild.build({ ...common, entryPoints: [join(root, 'src/js/index.js')], format: 'esm', target: 'es2020', outfile: join(dir, 'index.js') });
  writeFileSync(join(dir, 'matches.txt'), String(matchesDist));
  writeFileSync(keyFile, key);
  return { path: join(dir, 'eventsource-wasm.js'), esm: join(dir, 'index.js'), matchesDist };
}
