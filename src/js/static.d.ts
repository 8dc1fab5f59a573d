// eventsource-wasm/static: the same API as the package's main entry, with its core carried in the file (module service workers, bundles without code splitting).
export * from './index.js';
