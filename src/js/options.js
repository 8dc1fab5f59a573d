// The second constructor argument: `withCredentials` (as WebIDL converts it)
// and this package's opt-in options, each checked here, in the constructor,
// with an error that says what is wrong (before any WebAssembly is needed).
// With none of them set, the source behaves exactly as the spec says. The
// result is what the Rust driver reads (src/web/settings.rs): its keys are
// part of the contract.

import { canStreamFetch, defaultTransport, hasXhr, realmOrigin } from './env.js';
import { checkComparable, persistOption, sharedOption } from './shared.js';

const fail = (option, expected) => new TypeError(`eventsource-wasm: the ${option} option must be ${expected}`);

const get = (object, key) => (object == null ? undefined : object[key]);

/** A non-negative number of milliseconds or bytes (or undefined). */
function count(object, key, name = key) {
  const value = get(object, key);
  if (value === undefined) return value;
  if (typeof value !== 'number' || !(value >= 0) || value === Infinity) throw fail(name, 'a non-negative number');
  return Math.floor(value);
}

function typed(object, key, type) {
  const value = get(object, key);
  if (value !== undefined && typeof value !== type) throw fail(key, type === 'string' ? 'a string' : 'a function');
  return value;
}

function transport(forced, customFetch) {
  const lacks = (what) => new TypeError(`eventsource-wasm: ${what}`);
  if (customFetch !== undefined) {
    if (forced === 'xhr') throw lacks("the fetch option needs the fetch transport, not 'xhr'");
    return 'fetch';
  }
  if (forced === 'fetch') {
    if (canStreamFetch()) return forced;
    throw lacks("transport 'fetch': this runtime's fetch cannot stream a response body (it needs fetch, AbortController and Response.prototype.body)");
  }
  if (forced === 'xhr') {
    if (hasXhr()) return forced;
    throw lacks("transport 'xhr': this runtime has no XMLHttpRequest");
  }
  if (forced !== undefined) throw fail('transport', "'fetch' or 'xhr'");
  return defaultTransport() || lacks('this runtime has neither a fetch that can stream a response body nor XMLHttpRequest');
}

/**
 * Whether `request` is sent once (eventsource_core's Config::send_once): it has a
 * body or a method other than GET/HEAD (which may have effects, RFC 9110
 * §9.2.2), and the app did not allow re-sending it.
 */
export function sendsOnce(request, resend) {
  return !resend && (request.body !== undefined || !/^(GET|HEAD)$/i.test(request.method));
}

/** Check `init` (undefined or an object) and return the driver's settings. */
export function normalize(o = {}) {
  const headers = get(o, 'headers');
  if (headers !== undefined && typeof headers !== 'function' && (typeof headers !== 'object' || headers === null)) {
    throw fail('headers', 'an object, a Headers, an array of pairs, or a function returning one');
  }
  const body = get(o, 'body');
  const reconnect = get(o, 'reconnect');
  if (reconnect !== undefined && (typeof reconnect !== 'object' || reconnect === null)) throw fail('reconnect', 'an object');
  const backoff = get(reconnect, 'backoff');
  if (backoff !== undefined && backoff !== 'none' && backoff !== 'exponential') throw fail('reconnect.backoff', "'exponential' or 'none'");
  const jitter = get(reconnect, 'jitter');
  if (jitter !== undefined && !(jitter >= 0 && jitter <= 1)) throw fail('reconnect.jitter', 'a number from 0 to 1');
  const resend = get(reconnect, 'resend');
  if (resend !== undefined && typeof resend !== 'boolean') throw fail('reconnect.resend', 'a boolean');
  const request = { method: typed(o, 'method', 'string') || (body === undefined ? 'GET' : 'POST'), body, headers };
  const settings = {
    // What beforeReconnect may change for later requests.
    request,
    // reconnect.resend: a request with a body, or another method than
    // GET/HEAD, may be sent again automatically (the app says it is
    // idempotent). Without it such a request is sent once (sendsOnce).
    resend: !!resend,
    sendOnce: sendsOnce(request, !!resend),
    fetch: typed(o, 'fetch', 'function'),
    beforeReconnect: typed(o, 'beforeReconnect', 'function'),
    onComment: typed(o, 'onComment', 'function'),
    heartbeatTimeout: count(o, 'heartbeatTimeout'),
    lastEventId: typed(o, 'lastEventId', 'string'),
    maxLineLength: count(o, 'maxLineLength'),
    maxEventSize: count(o, 'maxEventSize'),
    initialDelay: count(reconnect, 'initialDelay', 'reconnect.initialDelay'),
    maxDelay: count(reconnect, 'maxDelay', 'reconnect.maxDelay'),
    exponential: backoff === 'exponential',
    jitter: jitter || 0,
    maxRetries: count(reconnect, 'maxRetries', 'reconnect.maxRetries'),
    origin: realmOrigin(),
    pauseWhenHidden: !!get(o, 'pauseWhenHidden'),
    // The group's key, or false (event-source.js decides whether it can share here).
    sharedKey: sharedOption(get(o, 'shared')),
    shared: false,
    persist: persistOption(get(o, 'persistLastEventId')),
  };
  // Only in the build with test hooks (scripts/build.mjs defines it).
  if (typeof __TEST_HOOKS__ !== 'undefined' && __TEST_HOOKS__) settings.panicOnChunk = !!get(o, '__testPanicOnChunk');
  if (settings.heartbeatTimeout === 0) throw fail('heartbeatTimeout', 'a positive number of milliseconds');
  checkComparable(settings);
  const chosen = transport(typed(o, 'transport', 'string'), settings.fetch);
  if (chosen instanceof Error) throw chosen;
  settings.transport = chosen;
  return settings;
}
