// The second constructor argument: `withCredentials` (as WebIDL converts it)
// and this package's opt-in options, each checked here, in the constructor,
// with an error that says what is wrong (before any WebAssembly is needed).
// With none of them set, the source behaves exactly as the spec says. The
// result is what the Rust driver reads (src/web/settings.rs).

import { canStreamFetch, defaultTransport, hasXhr, realmOrigin } from './env.js';
import { persistOption, sharedOption } from './shared.js';

function fail(option, expected) {
  return new TypeError(`eventsource-wasm: the ${option} option must be ${expected}`);
}

function defined(object, key) {
  const value = object == null ? undefined : object[key];
  return value === undefined ? undefined : value;
}

/** A non-negative number of milliseconds or bytes (or undefined). */
function count(object, key, name = key) {
  const value = defined(object, key);
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value)) throw fail(name, 'a non-negative number');
  return Math.floor(value);
}

function string(object, key) {
  const value = defined(object, key);
  if (value !== undefined && typeof value !== 'string') throw fail(key, 'a string');
  return value;
}

function func(object, key) {
  const value = defined(object, key);
  if (value !== undefined && typeof value !== 'function') throw fail(key, 'a function');
  return value;
}

function chooseTransport(forced, customFetch) {
  if (customFetch !== undefined) {
    if (forced === 'xhr') throw new TypeError("eventsource-wasm: the fetch option needs the fetch transport, not 'xhr'");
    return 'fetch';
  }
  if (forced === 'fetch') {
    if (canStreamFetch()) return 'fetch';
    throw new TypeError("eventsource-wasm: transport 'fetch' was asked for, but this runtime's fetch cannot stream a response body (that needs fetch, AbortController and Response.prototype.body)");
  }
  if (forced === 'xhr') {
    if (hasXhr()) return 'xhr';
    throw new TypeError("eventsource-wasm: transport 'xhr' was asked for, but this runtime has no XMLHttpRequest");
  }
  if (forced !== undefined) throw fail('transport', "'fetch' or 'xhr'");
  const transport = defaultTransport();
  if (transport === null) {
    throw new TypeError('eventsource-wasm: this runtime can receive server-sent events neither with a streaming fetch (fetch, AbortController and Response.prototype.body) nor with XMLHttpRequest');
  }
  return transport;
}

/** Check `init` (undefined or an object) and return the driver's settings. */
export function normalize(init) {
  const o = init === undefined ? {} : init;
  const headers = defined(o, 'headers');
  if (headers !== undefined && typeof headers !== 'function' && (typeof headers !== 'object' || headers === null)) {
    throw fail('headers', 'an object, a Headers, an array of pairs, or a function returning one');
  }
  const settings = {
    transport: undefined,
    headers,
    method: string(o, 'method'),
    body: defined(o, 'body'),
    fetch: func(o, 'fetch'),
    beforeReconnect: func(o, 'beforeReconnect'),
    heartbeatTimeout: count(o, 'heartbeatTimeout'),
    lastEventId: string(o, 'lastEventId'),
    maxLineLength: count(o, 'maxLineLength'),
    maxEventSize: count(o, 'maxEventSize'),
    initialDelay: undefined,
    maxDelay: undefined,
    exponential: false,
    jitter: 0,
    maxRetries: undefined,
    origin: realmOrigin(),
    pauseWhenHidden: !!defined(o, 'pauseWhenHidden'),
    // The group's key, or false (event-source.js decides whether it can share here).
    sharedKey: sharedOption(defined(o, 'shared')),
    shared: false,
    persist: persistOption(defined(o, 'persistLastEventId')),
    panicOnChunk: !!defined(o, '__testPanicOnChunk'),
  };
  if (settings.heartbeatTimeout === 0) throw fail('heartbeatTimeout', 'a positive number of milliseconds');
  if (settings.method === undefined) settings.method = settings.body === undefined ? 'GET' : 'POST';
  const reconnect = defined(o, 'reconnect');
  if (reconnect !== undefined) {
    if (typeof reconnect !== 'object' || reconnect === null) throw fail('reconnect', 'an object');
    settings.initialDelay = count(reconnect, 'initialDelay', 'reconnect.initialDelay');
    settings.maxDelay = count(reconnect, 'maxDelay', 'reconnect.maxDelay');
    const backoff = defined(reconnect, 'backoff');
    if (backoff !== undefined && backoff !== 'none' && backoff !== 'exponential') throw fail('reconnect.backoff', "'exponential' or 'none'");
    settings.exponential = backoff === 'exponential';
    const jitter = defined(reconnect, 'jitter');
    if (jitter !== undefined && !(typeof jitter === 'number' && jitter >= 0 && jitter <= 1)) throw fail('reconnect.jitter', 'a number from 0 to 1');
    settings.jitter = jitter || 0;
    settings.maxRetries = count(reconnect, 'maxRetries', 'reconnect.maxRetries');
  }
  settings.transport = chooseTransport(string(o, 'transport'), settings.fetch);
  return settings;
}
