// eventsource-wasm: the ESM entry. It never touches globals; see ./auto.js
// for the entry that installs EventSource where it is missing. The package
// is used explicitly, so the core comes with it (a static import: module
// service workers may not import() anything) and importing starts its
// compilation in the background; nothing waits for it.

import { provideChunk } from './core.js';
import * as chunk from './core-chunk.js';
import { ready } from './api.js';

export * from './api.js';

provideChunk(chunk);
// A failure (a CSP that forbids WebAssembly) is the constructor's to report.
ready().catch(() => {});
