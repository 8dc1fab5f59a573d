// The classic <script> build (dist/eventsource-wasm.js): installs
// EventSource where it is missing and exposes the package's exports as the
// global `EventSourceWasm`, usable on the next line. The WebAssembly core
// is dist/eventsource-wasm.core.js, next to it, loaded only where it is
// used (see core-glue-script.js).

import * as api from './auto.js';

globalThis.EventSourceWasm = api;
