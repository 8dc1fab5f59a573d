// eventsource-wasm: the ESM entry. It never touches globals; see ./auto.js
// for the entry that installs EventSource where it is missing. It carries
// no core: the one a page needs (the base core, or the `shared` option's,
// which serves every source) is a chunk of its own, imported once the
// code after this import has had its turn to construct a source, so that a
// page that shares downloads one core. Where import() is forbidden (module
// service workers) or no chunk can be loaded apart (bundles without code
// splitting), ./static.js carries its core.

import { ready } from './api.js';
import { soon } from './soon.js';

export * from './api.js';

// The package is used explicitly: the core will be needed. A failure (a
// CSP that forbids WebAssembly) is the constructor's to report.
soon(() => ready().catch(() => {}));
