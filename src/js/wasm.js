// Loads the wasm module on first use, synchronously, from bytes embedded in
// this bundle: no file to fetch, no top-level await, nothing for a bundler to
// rewrite. A page that only imports the package pays nothing.

import * as glue from '../../build/pkg/eventsource_wasm.js';
import { wasmBytes } from '../../build/wasm-bytes.js';

let ready = false;

export function wasm() {
  if (!ready) {
    try {
      glue.initSync({ module: wasmBytes() });
    } catch (error) {
      // A Content-Security-Policy without 'wasm-unsafe-eval' forbids
      // compiling any WebAssembly: keep the engine's error (its type and its
      // words, which name the directive) and say what to add.
      if (error instanceof WebAssembly.CompileError && /Content Security|CSP|unsafe-eval/i.test(error.message)) {
        throw new WebAssembly.CompileError(
          `${error.message} (eventsource-wasm: add 'wasm-unsafe-eval' to script-src; it allows compiling WebAssembly and nothing else)`,
          { cause: error },
        );
      }
      throw error;
    }
    ready = true;
  }
  return glue;
}

/** The wasm module, or null where it cannot be compiled (a CSP forbids it). */
export function wasmIfAvailable() {
  try {
    return wasm();
  } catch (error) {
    if (error instanceof WebAssembly.CompileError) return null;
    throw error;
  }
}
