// Loads the wasm module on first use, synchronously, from bytes embedded in
// this bundle: no file to fetch, no top-level await, nothing for a bundler to
// rewrite. The module is small, so compiling it at the first `new
// EventSource()` takes well under a millisecond or two; a page that only
// imports the package pays nothing.

import * as glue from '../../build/pkg/eventsource_wasm.js';
import { wasmBytes } from '../../build/wasm-bytes.js';

let ready = false;

export function wasm() {
  if (!ready) {
    glue.initSync({ module: wasmBytes() });
    ready = true;
  }
  return glue;
}
