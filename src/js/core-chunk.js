// The core chunk: wasm-bindgen's glue, the module's bytes, and the
// JavaScript the driver calls, none of which a page whose browser has
// EventSource ever needs.
import * as glue from '../../build/pkg/eventsource_wasm.js';

export { glue };
export { wasmBytes } from '../../build/wasm-bytes.js';
export * from './core-js.js';
