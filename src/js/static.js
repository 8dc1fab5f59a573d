// eventsource-wasm/static: the explicit entry with its core imported
// statically, for where a core cannot be loaded on demand: module service
// workers (HTML forbids import() in a ServiceWorkerGlobalScope) and bundles
// without code splitting (esbuild --bundle inlines every import(), so an
// entry that can load either core would carry both). The core it carries is
// the `shared` option's, which serves every source: one core, and every
// option works. It never touches globals. Its build (scripts/build.mjs) is
// one file with no import() in it.

import { provideChunk } from './core.js';
import * as chunk from './core-chunk-shared.js';
import { ready } from './api.js';

export * from './api.js';

provideChunk(chunk, 'shared');
// Compilation starts at once: this is the only core there is to choose. A
// failure (a CSP that forbids WebAssembly) is the constructor's to report.
ready().catch(() => {});
