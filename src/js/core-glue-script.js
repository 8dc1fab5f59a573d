// Where a core comes from, for the classic script: the file
// eventsource-wasm.core.js next to the script (or the URL in
// `globalThis.EventSourceWasmCoreUrl`, or the script tag's `data-core`
// attribute), a classic script too, that leaves its glue and bytes in
// `globalThis.__eventsourceWasmCore`; for the `shared` option,
// eventsource-wasm.shared.js next to it, which leaves them in
// `globalThis.__eventsourceWasmShared`. Windows add it as a <script>
// element; workers (service workers included, which may only import scripts
// while they start) load it with importScripts(), synchronously.

const G = globalThis;

// The script's own URL, known only while it runs for the first time.
const scriptUrl = (() => {
  const d = G.document;
  const current = d && d.currentScript;
  if (current) return current.getAttribute('data-core') || current.src.replace(/\.js(?=$|[?#])/, '.core.js');
  // A worker's importScripts(): the running script is in the stack.
  const stack = String(new Error().stack || '');
  const match = stack.match(/((?:https?|file|blob):[^\s)]+?\.js)(?::\d+)+/);
  return match ? match[1].replace(/\.js$/, '.core.js') : '';
})();

function take(name, url) {
  const chunk = G[name];
  if (!chunk) throw new Error(`eventsource-wasm: ${url} did not define the core`);
  delete G[name];
  return chunk;
}

function coreUrl(variant) {
  const url = G.EventSourceWasmCoreUrl || scriptUrl;
  return variant === 'shared' ? url.replace(/\.core\.js(?=$|[?#])/, '.shared.js') : url;
}

export function fetchChunk(variant) {
  const url = coreUrl(variant);
  const name = variant === 'shared' ? '__eventsourceWasmShared' : '__eventsourceWasmCore';
  if (!url) return Promise.reject(new Error('eventsource-wasm: cannot tell where eventsource-wasm.core.js is; set globalThis.EventSourceWasmCoreUrl'));
  if (!G.document && typeof G.importScripts === 'function') {
    try {
      G.importScripts(url);
      return Promise.resolve(take(name, url));
    } catch (error) {
      return Promise.reject(error);
    }
  }
  return new Promise((resolve, reject) => {
    const d = G.document;
    const script = d.createElement('script');
    script.src = url;
    script.async = true;
    script.onload = () => {
      script.remove();
      try {
        resolve(take(name, url));
      } catch (error) {
        reject(error);
      }
    };
    script.onerror = () => {
      script.remove();
      reject(new Error(`eventsource-wasm: could not load ${url}`));
    };
    (d.head || d.documentElement).appendChild(script);
  });
}
