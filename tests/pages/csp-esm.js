// CSP page with the ES module entry, imported by a module file.
import * as api from '/dist/index.js';

// The ESM entry touches no globals: install it the way a page would.
window.EventSource = api.EventSource;
window.EventSourceWasm = api;
window.cspRun(api, 'esm');
