// The second constructor argument: `withCredentials` (as WebIDL converts it)
// and this package's opt-in options, each checked here, in the constructor,
// with an error that says what is wrong (before any WebAssembly is needed).
// With none of them set, the source behaves exactly as the spec says. The
// result, a `Settings`, is what the Rust driver reads: the fields it reads
// are declared in src/contract/settings.rs (a typed binding there, the
// generated SETTINGS list here; tests/node/options.test.mjs checks that a
// Settings has each, of its type).

import { canStreamFetch, defaultTransport, hasXhr, realmOrigin } from './env.js';
import { persistOption } from './persist.js';
import { checkComparable, sharedOption } from './shared.js';

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

/**
 * The normalized options of one source (`init` checked: undefined or an
 * object), every field declared here, each written once: those the driver
 * reads (src/contract/settings.rs, of the types given there) and those only
 * the shell uses.
 */
export class Settings {
  constructor(o = {}) {
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
    // What beforeReconnect may change for later requests.
    this.request = { method: typed(o, 'method', 'string') || (body === undefined ? 'GET' : 'POST'), body, headers };
    // reconnect.resend: a request with a body, or another method than
    // GET/HEAD, may be sent again automatically (the app says it is
    // idempotent). Without it such a request is sent once (sendsOnce).
    this.resend = !!resend;
    this.sendOnce = sendsOnce(this.request, this.resend);
    this.fetch = typed(o, 'fetch', 'function');
    this.beforeReconnect = typed(o, 'beforeReconnect', 'function');
    this.onComment = typed(o, 'onComment', 'function');
    this.heartbeatTimeout = count(o, 'heartbeatTimeout');
    this.lastEventId = typed(o, 'lastEventId', 'string');
    this.maxLineLength = count(o, 'maxLineLength');
    this.maxEventSize = count(o, 'maxEventSize');
    this.initialDelay = count(reconnect, 'initialDelay', 'reconnect.initialDelay');
    this.maxDelay = count(reconnect, 'maxDelay', 'reconnect.maxDelay');
    this.exponential = backoff === 'exponential';
    this.jitter = jitter || 0;
    this.maxRetries = count(reconnect, 'maxRetries', 'reconnect.maxRetries');
    this.origin = realmOrigin();
    this.pauseWhenHidden = !!get(o, 'pauseWhenHidden');
    // The group's key, or false (event-source.js decides whether it can share here).
    this.sharedKey = sharedOption(get(o, 'shared'));
    this.shared = false;
    this.persist = persistOption(get(o, 'persistLastEventId'));
    this.withCredentials = false;
    // A URL's credentials (credentials.js splits them off).
    this.authorization = this.username = this.password = undefined;
    this.authorizeFirst = false;
    // Only in the build with test hooks (scripts/build.mjs defines it): no
    // part of the border (src/contract/settings.rs).
    if (typeof __TEST_HOOKS__ !== 'undefined' && __TEST_HOOKS__) this.panicOnChunk = !!get(o, '__testPanicOnChunk');
    if (this.heartbeatTimeout === 0) throw fail('heartbeatTimeout', 'a positive number of milliseconds');
    checkComparable(this);
    const chosen = transport(typed(o, 'transport', 'string'), this.fetch);
    if (chosen instanceof Error) throw chosen;
    // 'fetch' or 'xhr'.
    this.transport = chosen;
  }
}

/** Check `init` (undefined or an object) and return the driver's settings. */
export function normalize(init) {
  return new Settings(init);
}
