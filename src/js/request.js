// The request HTML §9.2.2 describes, as a fetch init: built here for every
// request the driver makes (through the Link), and for the first one, which
// the shell makes itself when the WebAssembly core is still loading (so that
// it leaves as soon as native's would). What is sent — whether there is a
// Last-Event-ID, whether credentials go — is the machine's decision
// (src/web/request.rs passes it in); this only writes it down.

/** Header values are byte strings: the last event ID goes as its UTF-8 bytes. */
function byteString(text) {
  let out = '';
  for (const byte of new TextEncoder().encode(text)) out += String.fromCharCode(byte);
  return out;
}

function sameOrigin(settings, url) {
  if (settings.origin === undefined) return true;
  try {
    return new URL(url).origin === settings.origin;
  } catch {
    return false;
  }
}

// Fetch's `no-store` cache mode, where the platform takes it: workerd before
// its `cache_option_enabled` compatibility flag throws on any `cache` member
// ("The 'cache' field on 'RequestInitializerDict' is not implemented"), and
// then the request goes without it (a Worker's subrequests are not cached
// unless it asks). Found once, by trying.
let cacheMode = null;
function takesCacheMode() {
  if (cacheMode === null) {
    try {
      new Request('http://localhost/', { cache: 'no-store' });
      cacheMode = true;
    } catch {
      // No Request at all (an engine that streams over XHR): nothing to learn.
      cacheMode = typeof Request !== 'function';
    }
  }
  return cacheMode;
}

function init(settings, url, lastEventId, authorize, userHeaders) {
  const request = settings.request;
  const headers = new Headers(userHeaders === null ? undefined : userHeaders);
  // Accept: text/event-stream (a user's Accept stands); Last-Event-ID only
  // as decided, whatever the user's headers said.
  if (!headers.has('accept')) headers.set('Accept', 'text/event-stream');
  if (lastEventId) headers.set('Last-Event-ID', byteString(lastEventId));
  else headers.delete('Last-Event-ID');
  if (authorize && settings.authorization) headers.set('Authorization', settings.authorization);
  // Fetch's cache mode no-store adds these; XHR has no cache mode, so
  // without them the HTTP cache may answer a second source with the first
  // one's response. Same-origin only: across origins they would need a
  // CORS preflight (README, "How it differs").
  if (settings.transport === 'xhr' && sameOrigin(settings, url)) {
    for (const name of ['Cache-Control', 'Pragma']) if (!headers.has(name)) headers.set(name, 'no-cache');
  }
  const out = {
    method: request.method,
    headers,
    mode: 'cors',
    credentials: settings.withCredentials ? 'include' : 'same-origin',
    redirect: 'follow',
  };
  if (takesCacheMode()) out.cache = 'no-store';
  if (request.body !== undefined) out.body = request.body;
  return out;
}

/**
 * The init for a request to `url`: at once, or a promise when the `headers`
 * option's function answers with one. A function that throws, or headers
 * the platform refuses, throw (or reject): the request is then not made.
 */
export function requestInit(settings, url, lastEventId, authorize) {
  const given = settings.request.headers;
  const user = typeof given === 'function' ? given({ url, lastEventId }) : given;
  if (user !== null && typeof user === 'object' && typeof user.then === 'function') {
    return Promise.resolve(user).then((headers) => init(settings, url, lastEventId, authorize, headers ?? null));
  }
  return init(settings, url, lastEventId, authorize, user ?? null);
}
