// The core with the `shared` option compiled in (one connection for every
// tab), loaded only for a source that asks to share: the base core does
// not carry its code.
import * as glue from '../../build/pkg-shared/eventsource_wasm.js';

export { glue };
export { wasmBytes } from '../../build/wasm-bytes-shared.js';
export * from './core-js.js';
export { prepareGroup } from './group.js';
