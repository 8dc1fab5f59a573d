// The core chunk: wasm-bindgen's glue, the module's bytes, and the
// JavaScript the driver calls (the Link), none of which a page whose
// browser has EventSource ever needs.
import * as glue from '../../build/pkg/eventsource_wasm.js';

export { glue };
export { wasmBytes } from '../../build/wasm-bytes.js';
export { Link } from './link.js';
export { watchLifecycle } from './lifecycle.js';
export { splitCredentials } from './credentials.js';
export { readReport } from './inspect.js';
