// The browser tests' JavaScript (tests/web.rs binds it with
// #[wasm_bindgen(module = …)]): a recording front-end in place of the
// EventSource class (makeLink), and helpers to reach the test server
// (planUrl, sleep, serverLog, uniqueKey: the Rust API's tests bind these
// too, from tests/api_support/mod.rs).
export function makeLink() {
  const log = [];
  let lastId = '';
  return {
    log,
    open(finalUrl, reopened, lastEventId) { log.push(['open', finalUrl]); },
    error(readyState, reason, status, detail, cause) { log.push(['error', readyState, reason, status, detail]); this.causes.push(cause); },
    causes: [],
    panicked(message) { log.push(['panicked', message]); },
    warn(warning, sign, first, second, url) { log.push(['warn', warning]); },
    request(url, lastEventId, authorize) {
      // What src/js/request.js writes for a plain source.
      const headers = new Headers({ Accept: 'text/event-stream' });
      if (lastEventId) headers.set('Last-Event-ID', unescape(encodeURIComponent(lastEventId)));
      return { method: 'GET', headers, mode: 'cors', credentials: 'same-origin', cache: 'no-store', redirect: 'follow' };
    },
    reconnecting(attempt, delay, reason, lastEventId, url) { return undefined; },
    post(message) { log.push(['post', message.t]); },
    messages(bytes) {
      // The layout of src/batch.rs (tests/contract.rs checks these three against src/contract/).
      const BATCH_END = '\r', KIND_TYPE = 1, KIND_ID = 2;
      const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
      const piece = () => { const end = text.indexOf(BATCH_END, at); const s = text.substring(at, end); at = end + 1; return s; };
      let at = 0;
      while (at < text.length) {
        const kind = text.charCodeAt(at++);
        const type = kind & KIND_TYPE ? piece() : 'message';
        const data = piece();
        if (kind & KIND_ID) lastId = piece();
        log.push(['message', type, data, lastId]);
      }
    },
  };
}
export function linkLog(link) { return link.log; }
// What each error's cause was: its constructor's name, or 'none'.
export function linkCauses(link) { return JSON.stringify(link.causes.map((c) => (c === undefined ? 'none' : c.constructor.name))); }
export function planUrl(origin, key, plan) {
  const b64 = btoa(unescape(encodeURIComponent(plan))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return `${origin}/sse?key=${encodeURIComponent(key)}&plan=${b64}`;
}
export function sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }
export async function serverLog(origin, key) {
  const r = await fetch(`${origin}/log?key=${encodeURIComponent(key)}`);
  const log = await r.json();
  // The requests the source made, not the CORS preflights (OPTIONS) before
  // them: a reconnection that sends Last-Event-ID cross-origin is preceded by
  // one, as with the native EventSource.
  log.requests = log.requests.filter((q) => q.method !== 'OPTIONS');
  return log;
}
export function uniqueKey(name) { return `${name}-${Date.now()}-${Math.random().toString(36).slice(2)}`; }
