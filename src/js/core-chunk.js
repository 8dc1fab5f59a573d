// The core chunk: wasm-bindgen's glue and the module's bytes, embedded.
import * as glue from '../../build/pkg/eventsource_wasm.js';

export { glue };
export { wasmBytes } from '../../build/wasm-bytes.js';
