// eventsource-wasm/auto: installs globalThis.EventSource where it is missing.
export * from './index.js';
