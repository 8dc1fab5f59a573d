// What the benchmark loads: a snapshot of dist/ (every file: the package is
// multi-file), the peers bundled for the browser, and two builds of ours made
// by scripts/build.mjs itself (--out/--pkg/--features, never re-implemented
// here): the `bench`-feature build (its core glue exports `parseCount`, the
// wasm parser alone) and a profiling build. Everything goes to bench/.build/
// (git-ignored); nothing outside bench/ is written but cargo's target/.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { optimize } from '../../scripts/build.mjs';

export function sha(bytes) {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 12);
}

/** The files of a directory (flat, as dist/ is), sorted. */
function filesOf(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => e.name)
    .sort();
}

/** One hash over a directory's names and contents. */
function dirSha(dir) {
  const h = createHash('sha256');
  for (const f of filesOf(dir)) h.update(f).update('\0').update(readFileSync(join(dir, f))).update('\0');
  return h.digest('hex').slice(0, 12);
}

/**
 * Copy all of dist/ into bench/.build/dist, so that a concurrent rebuild
 * cannot change what is measured. The entries import their chunks by
 * relative name (hashed names), so every file comes along; a relative import
 * the snapshot cannot satisfy fails here rather than in a page.
 */
export function snapshotDist(root, out) {
  const dist = join(root, 'dist');
  const dest = join(out, 'dist');
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest, { recursive: true });
  const files = filesOf(dist);
  for (const f of files) copyFileSync(join(dist, f), join(dest, f));
  for (const f of files.filter((x) => /\.(c?js)$/.test(x))) {
    const text = readFileSync(join(dest, f), 'utf8');
    for (const m of text.matchAll(/(?:from\s*|import\s*\(?\s*|require\()\s*["']\.\/([^"']+)["']/g)) {
      if (!files.includes(m[1])) throw new Error(`dist/${f} imports ./${m[1]}, which dist/ does not have`);
    }
  }
  for (const need of ['index.js', 'auto.js', 'index.cjs', 'core-chunk.cjs', 'eventsource-wasm.js', 'eventsource-wasm.core.js', 'eventsource_wasm_bg.wasm']) {
    if (!files.includes(need)) throw new Error(`dist/ has no ${need}: is it the layout of scripts/build.mjs?`);
  }
  return {
    dir: dest,
    files,
    wasmSha: sha(readFileSync(join(dest, 'eventsource_wasm_bg.wasm'))),
    distSha: dirSha(dest),
    builtAt: statSync(join(dist, 'index.js')).mtime,
  };
}

export async function buildPeers(root, out) {
  const esbuild = await import('esbuild');
  // One bundle of `contents` (a module's source), for the browser.
  const bundle = (contents, file, format, globalName) =>
    esbuild.build({
      bundle: true,
      minify: true,
      legalComments: 'none',
      logLevel: 'error',
      absWorkingDir: root,
      target: 'es2020',
      stdin: { contents, resolveDir: root, loader: 'js' },
      format,
      ...(globalName ? { globalName } : {}),
      platform: 'browser',
      outfile: join(out, file),
    });
  // The browser build of `eventsource` (fetch-based), as a classic script.
  await bundle("export { EventSource } from 'eventsource';", 'eventsource.js', 'iife', 'EventSourcePkg');
  // The same as an ES module, for its shipped size.
  await bundle("export { EventSource } from 'eventsource';", 'eventsource.esm.js', 'esm');
  await bundle("export { createParser } from 'eventsource-parser';", 'eventsource-parser.esm.js', 'esm');
  // event-source-polyfill ships a minified UMD file; a classic script sets window.EventSourcePolyfill.
  copyFileSync(join(root, 'node_modules/event-source-polyfill/src/eventsource.min.js'), join(out, 'polyfill.js'));
  // @microsoft/fetch-event-source is a function with callbacks, not an
  // EventSource: the page drives it through the smallest adapter that gives
  // the benchmark's listeners what they read (type, data, lastEventId — the
  // library's own `id` of each message). Its messages are plain objects,
  // handed to the listeners directly: no Event is made or dispatched.
  await bundle(
    `
        import { fetchEventSource } from '@microsoft/fetch-event-source';
        export class Adapter {
          constructor(url) {
            this.readyState = 0;
            this.listeners = new Map();
            this.controller = new AbortController();
            fetchEventSource(url, {
              signal: this.controller.signal,
              openWhenHidden: true,
              onopen: async (response) => {
                if (response.status !== 200 || !(response.headers.get('content-type') || '').startsWith('text/event-stream')) throw new Error('bad response ' + response.status);
                this.readyState = 1;
              },
              onmessage: (m) => {
                const type = m.event || 'message';
                const list = this.listeners.get(type);
                if (list) { const e = { type, data: m.data, lastEventId: m.id }; for (const f of list) f(e); }
              },
              onerror: (error) => { throw error; }, // never retry: as a failed EventSource connection
            }).catch(() => { this.readyState = 2; const list = this.listeners.get('error'); if (list) for (const f of list) f({ type: 'error' }); });
          }
          addEventListener(type, f) { if (!this.listeners.has(type)) this.listeners.set(type, []); this.listeners.get(type).push(f); }
          close() { this.readyState = 2; this.controller.abort(); }
        }`,
    'fetch-event-source.js',
    'iife',
    'FetchEventSourcePkg',
  );
  // The library alone as an ES module, for its shipped size.
  await bundle("export { fetchEventSource } from '@microsoft/fetch-event-source';", 'fetch-event-source.esm.js', 'esm');
}

// ---------------------------------------------------------------- builds by scripts/build.mjs

/** What a build of ours is made of: the Rust and JS sources, the manifests, the build script. */
function sourceKey(root, extra) {
  const h = createHash('sha256').update(extra);
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else h.update(relative(root, p)).update('\0').update(readFileSync(p));
    }
  };
  walk(join(root, 'src'));
  walk(join(root, 'crates'));
  for (const f of ['Cargo.toml', 'Cargo.lock', 'scripts/build.mjs']) h.update(f).update(readFileSync(join(root, f)));
  return h.digest('hex');
}

/**
 * node scripts/build.mjs --quiet ARGS --out=bench/.build/NAME --pkg=bench/.build/NAME-pkg,
 * skipped when nothing it is made of changed since the last one.
 */
function buildWith(root, out, name, args) {
  const dir = join(out, name);
  const key = sourceKey(root, args.join(' '));
  const keyFile = join(out, `${name}.key`);
  if (existsSync(keyFile) && readFileSync(keyFile, 'utf8') === key && existsSync(join(dir, 'index.js'))) return { dir, rebuilt: false };
  rmSync(keyFile, { force: true });
  execFileSync(process.execPath, ['scripts/build.mjs', '--quiet', ...args, `--out=${relative(root, dir)}`, `--pkg=${relative(root, join(out, `${name}-pkg`))}`], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  writeFileSync(keyFile, key);
  return { dir, rebuilt: true };
}

/**
 * The `bench`-feature build (cargo feature `bench`: the core glue exports
 * `parseCount`, the wasm parser alone; never in dist/). Returns the
 * directory; its core-chunk.cjs exports { glue, wasmBytes }.
 */
export function buildBenchFeature(root, out) {
  return buildWith(root, out, 'dist-bench', ['--features=bench']).dir;
}

/** A reader of a wasm module's bytes: unsigned LEB128 and names. */
function reader(bytes, at = 0) {
  return {
    get at() {
      return at;
    },
    set at(v) {
      at = v;
    },
    u32() {
      let v = 0;
      let shift = 0;
      let b;
      do {
        b = bytes[at++];
        v += (b & 0x7f) * 2 ** shift;
        shift += 7;
      } while (b & 0x80);
      return v;
    },
    byte() {
      return bytes[at++];
    },
    name() {
      const n = this.u32();
      const s = Buffer.from(bytes.subarray(at, at + n)).toString('utf8');
      at += n;
      return s;
    },
  };
}

/** The sections of a wasm module: [{ id, name (of a custom section), head, payload, end }]. */
function sections(bytes) {
  const out = [];
  const r = reader(bytes, 8);
  while (r.at < bytes.length) {
    const head = r.at;
    const id = r.byte();
    const size = r.u32();
    const end = r.at + size;
    const name = id === 0 ? r.name() : null;
    out.push({ id, name, head, payload: r.at, end });
    r.at = end;
  }
  return out;
}

/** The module without its `name` section (what -g keeps): for comparing code. */
export function stripNames(bytes) {
  const keep = [Buffer.from(bytes.subarray(0, 8))];
  for (const s of sections(bytes)) if (s.name !== 'name') keep.push(Buffer.from(bytes.subarray(s.head, s.end)));
  return Buffer.concat(keep);
}

/** Function index → name, from the `name` section's function names (subsection 1); null without one. */
export function wasmFunctionNames(bytes) {
  const sec = sections(bytes).find((x) => x.name === 'name');
  if (!sec) return null;
  const names = {};
  const r = reader(bytes, sec.payload);
  while (r.at < sec.end) {
    const kind = r.byte();
    const size = r.u32();
    const next = r.at + size;
    if (kind === 1) {
      for (let count = r.u32(); count > 0; count--) {
        const index = r.u32();
        names[index] = r.name();
      }
    }
    r.at = next;
  }
  return names;
}

/**
 * A profiling build of ours, made by scripts/build.mjs with --names (keep
 * the function-name section: optimize(…, { names: true })) and --no-minify.
 * scripts/build.mjs does not know those two flags yet (it ignores them), so
 * today this is exactly dist/; then the wasm functions are named from a twin:
 * the release artifact that same run left in target/, through wasm-bindgen and
 * optimize(…, { names: true }) — whose code, once its name section is
 * dropped, must be byte-identical to the build's wasm, or no names are used.
 * Returns { dir, script, esm, matchesDist, names (index → name, or null),
 * namesFrom: 'build' | 'twin' | null, minified }.
 */
export async function buildProfiling(root, out, distWasm) {
  const { dir } = buildWith(root, out, 'prof', ['--names', '--no-minify']);
  const wasm = readFileSync(join(dir, 'eventsource_wasm_bg.wasm'));
  const matchesDist = Buffer.compare(stripNames(wasm), stripNames(distWasm)) === 0;
  let names = wasmFunctionNames(wasm);
  let namesFrom = names ? 'build' : null;
  if (!names) {
    const twinDir = join(out, 'prof-twin');
    const artifact = join(root, 'target/wasm32-unknown-unknown/release/eventsource_wasm.wasm');
    const key = sha(readFileSync(artifact)) + sha(wasm);
    const keyFile = join(twinDir, 'key.txt');
    if (!(existsSync(keyFile) && readFileSync(keyFile, 'utf8') === key)) {
      rmSync(twinDir, { recursive: true, force: true });
      mkdirSync(twinDir, { recursive: true });
      execFileSync('wasm-bindgen', [artifact, '--out-dir', twinDir, '--target', 'web', '--omit-default-module-path', '--no-typescript'], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
      optimize(join(twinDir, 'eventsource_wasm_bg.wasm'), join(twinDir, 'eventsource_wasm.js'), { names: true });
      writeFileSync(keyFile, key);
    }
    const twin = readFileSync(join(twinDir, 'eventsource_wasm_bg.wasm'));
    if (Buffer.compare(stripNames(twin), stripNames(wasm)) === 0) {
      names = wasmFunctionNames(twin);
      namesFrom = names ? 'twin' : null;
    }
  }
  const minified = !/\n {2}\S/.test(readFileSync(join(dir, 'eventsource-wasm.js'), 'utf8').slice(0, 20000));
  writeFileSync(join(dir, 'wasm-names.json'), JSON.stringify(names || {}));
  return { dir, script: join(dir, 'eventsource-wasm.js'), esm: join(dir, 'index.js'), namesFile: join(dir, 'wasm-names.json'), matchesDist, names, namesFrom, minified };
}
