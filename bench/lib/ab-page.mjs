// The in-page half of bench/ab.mjs: one build of ours (served at /a/ or
// /b/), a stream held in memory and fed by a custom `fetch` (an option of
// the source) as a byte stream of chunks, and page.mjs's run() with its
// checks of every event.

import * as bench from '/bench/lib/page.mjs';

let build = null;
let chunks = null;

export async function init(which) {
  build = await import(`/${which}/index.js`);
  // Builds from before ready() existed compiled the core on import.
  await build.ready?.();
  return true;
}

/** Fetch the stream's bytes once and cut them as the scenario's writes (odd, or `write` bytes) or in 64 KiB pieces. */
export async function load(name, spec) {
  const bytes = new Uint8Array(await (await fetch(`/bytes/${name}`)).arrayBuffer());
  chunks = [];
  if (spec.kind === 'odd') {
    const sizes = spec.writes;
    for (let at = 0, k = 0; at < bytes.length; k++) {
      const end = Math.min(at + sizes[k % sizes.length], bytes.length);
      chunks.push(bytes.slice(at, end));
      at = end;
    }
  } else {
    const write = spec.write || 65536;
    for (let at = 0; at < bytes.length; at += write) chunks.push(bytes.slice(at, at + write));
  }
  await bench.prepare(name, spec);
  return chunks.length;
}

function respond() {
  let i = 0;
  // Stays open after the last chunk, as the bench server's streams do.
  const body = new ReadableStream({
    type: 'bytes',
    pull(controller) {
      if (i < chunks.length) controller.enqueue(chunks[i++].slice());
    },
  });
  // A response-like object whose body is that byte stream itself (a
  // Response would wrap it), so the BYOB reader runs as on a real fetch.
  return Promise.resolve({ status: 200, statusText: 'OK', url: 'http://127.0.0.1:1/ab', headers: new Headers({ 'Content-Type': 'text/event-stream' }), body });
}

export async function once() {
  const ES = build.EventSource;
  window.__ES = class extends ES {
    constructor(url) {
      super(url, { fetch: respond });
    }
  };
  const r = await bench.run('http://127.0.0.1:1/ab', { impl: 'ab' });
  const failure = r.why !== 'done' ? r.why : r.bad ? `${r.bad} events wrong (first: #${r.firstBad.i} ${r.firstBad.what})` : null;
  return JSON.stringify({ ms: r.ms, failure });
}
