// Loads the WebAssembly core: compiled asynchronously, never on the
// constructor's path, and only where it is used. Construction needs no wasm
// (URL parsing, options, readyState and the object are JavaScript); the
// first request leaves after the constructing code, from first.js, which
// makes it itself when the core is not ready by then. The module's bytes are embedded in the core chunk: no file
// to fetch, nothing for a bundler to rewrite.

import { fetchChunk } from './core-glue.js';

// The loaded cores: the base one, and the one with the `shared` option,
// which does everything the base one does (its driver serves sources that
// do not share too): once it is loaded or loading, sources that do not
// share use it as well, so that a page that shares downloads one core.
const cores = { base: null, shared: null };
const loading = { base: null, shared: null };
let allowed = null;
// Core chunks imported statically by the entry (`eventsource-wasm/static`):
// loaded from here, never through import().
const provided = { base: null, shared: null };

/**
 * A core chunk imported statically by an entry that cannot import() one
 * (`eventsource-wasm/static`: module service workers, bundles without code
 * splitting). A shared chunk serves every source, as a loaded one does.
 */
export function provideChunk(chunk, variant = 'base') {
  provided[variant] = chunk;
}

/**
 * The base core, already instantiated (the `workerd` entry instantiates it
 * synchronously from a .wasm module the runtime compiled): nothing is
 * compiled from bytes here, and sources connect at once.
 */
export function provideCore(core) {
  cores.base = core;
  loading.base = Promise.resolve(core);
}

// The smallest module there is: compiling it says at once whether this
// realm may compile WebAssembly at all.
const EMPTY_MODULE = [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0];

/**
 * Throw (synchronously) if this realm may not compile WebAssembly: a
 * Content-Security-Policy without 'wasm-unsafe-eval'. The engine's error
 * is kept (its type and its words, which name the directive), with what
 * to add.
 */
export function checkWasmAllowed() {
  // A core instantiated from a module the runtime compiled needs no
  // compilation here (Cloudflare Workers forbid it).
  if (allowed === true || cores.base !== null) return;
  if (allowed !== null) throw allowed;
  try {
    if (typeof WebAssembly !== 'object') throw new TypeError('eventsource-wasm: this runtime has no WebAssembly');
    new WebAssembly.Module(new Uint8Array(EMPTY_MODULE));
    allowed = true;
  } catch (error) {
    allowed = error instanceof WebAssembly.CompileError ? forbidden(error) : error;
    throw allowed;
  }
}

// The engine's refusal, with what to do about it: a CSP without
// 'wasm-unsafe-eval' (browsers), or an embedder that compiles only the
// modules a program imports (Cloudflare Workers: "Wasm code generation
// disallowed by embedder").
function forbidden(error) {
  let advice = null;
  if (/Content Security|CSP|unsafe-eval/i.test(error.message)) {
    advice = "add 'wasm-unsafe-eval' to script-src; it allows compiling WebAssembly and nothing else";
  } else if (/disallowed by embedder/i.test(error.message)) {
    advice =
      "this runtime compiles only the WebAssembly modules a program imports (Cloudflare Workers): load the package through its 'workerd' export condition (Wrangler does; esbuild: --conditions=workerd), whose entry imports the core as a .wasm module";
  }
  return advice === null ? error : new WebAssembly.CompileError(`${error.message} (eventsource-wasm: ${advice})`, { cause: error });
}

/** Whether WebAssembly may be compiled here (false under such a CSP). */
export function wasmAllowed() {
  try {
    checkWasmAllowed();
    return true;
  } catch {
    return false;
  }
}

/**
 * A core (`variant` 'base' or 'shared') if it is loaded, else null. For
 * 'base', the shared core serves if it is here and the base one is not.
 */
export function coreNow(variant = 'base') {
  return variant === 'base' ? cores.base || cores.shared : cores.shared;
}

/** Every core loaded. */
export function loadedCores() {
  return [cores.base, cores.shared].filter((core) => core !== null);
}

/**
 * Start loading a core (once); resolves with it. The base core is not
 * loaded when the shared one is loaded, loading or carried by the entry
 * (`eventsource-wasm/static`): that one serves.
 */
export function loadCore(variant = 'base') {
  if (variant === 'base' && loading.base === null && (loading.shared !== null || provided.shared !== null)) return loadCore('shared');
  if (loading[variant] === null) {
    // The synchronous probe, once, here (an entry that will construct starts
    // loading at once), so that a constructor finds its answer cached.
    if (!wasmAllowed()) {
      loading[variant] = Promise.reject(allowed);
      loading[variant].catch(() => {});
      return loading[variant];
    }
    const chunk = provided[variant] !== null ? Promise.resolve(provided[variant]) : fetchChunk(variant);
    loading[variant] = chunk.then(async ({ glue, wasmBytes, ...js }) => {
      // Compiled off the constructor's path (and, in engines that can, off
      // the main thread); instantiating a compiled module is quick.
      const module = await WebAssembly.compile(wasmBytes());
      glue.initSync({ module });
      // The glue's exports and the JavaScript only a loaded core needs: the
      // Link and its messages, the page lifecycle, URL credentials.
      return (cores[variant] = { ...glue, ...js });
    });
    // A failure is reported to whoever waits; keep it from being unhandled here.
    loading[variant].catch(() => {});
  }
  return loading[variant];
}
