// eventsource-wasm for Cloudflare Workers (workerd), chosen by the `workerd`
// export condition (Wrangler resolves it). Workers compile only the
// WebAssembly a program imports: compiling from bytes at run time fails
// ("Wasm code generation disallowed by embedder"), and so does it at startup
// with `disallow_eval_during_startup` or a compatibility date before
// 2025-06-01; a promise made in the global scope that waits for I/O never
// settles there. So the core comes in as a .wasm module, compiled by the
// runtime when it loads the worker, and is instantiated here, synchronously
// (instantiating compiles nothing): the first source of the first request
// finds it ready. Like ./index.js, it touches no global; see ./workerd-auto.js.

import wasmModule from './eventsource_wasm_bg.wasm';
import * as glue from '../../build/pkg/eventsource_wasm.js';
import * as js from './core-js.js';
import { provideCore } from './core.js';

export * from './api.js';

glue.initSync({ module: wasmModule });
provideCore({ ...glue, ...js });
