// The classic <script> build (dist/eventsource-wasm.js): one self-contained
// file that installs EventSource where it is missing and exposes the
// package's exports as the global `EventSourceWasm`.

import * as api from './auto.js';

globalThis.EventSourceWasm = api;
