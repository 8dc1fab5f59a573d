// The JavaScript face of eventsource-wasm: a class with the WebIDL shape of
// the platform's EventSource (HTML §9.2.2). Only a JS class can extend
// EventTarget, so this file exists; it makes no protocol decision. The Rust
// driver decides every state change and tells this shell, through a Link,
// what to dispatch. Construction needs no WebAssembly: the core is loaded
// (asynchronously) by the time the first request is due, or the source
// waits for it, CONNECTING, as a source waits for its first response.

import { CLOSED, CONNECTING, OPEN } from './generated/contract.js';
import { checkWasmAllowed, coreNow } from './core.js';
import { BaseEventTarget, makeEvent, makeMessageEvent, nativeEventTarget, report } from './dom.js';
import { startUp } from './first.js';
import { normalize, sendsOnce } from './options.js';
import { requestInit } from './request.js';
import { openPersisted } from './persist.js';
import { canShare } from './shared.js';
import { $, SourceState, dispatchError, drive, finish, hidden, internals, live, offline, watchStop } from './state.js';

const isNode = typeof process === 'object' && process !== null && !!(process.versions && process.versions.node);

function syntaxError(message) {
  const g = globalThis;
  if (typeof g.DOMException === 'function') return new g.DOMException(message, 'SyntaxError');
  return new SyntaxError(message);
}

// Schemes whose hosts are domains (the URL Standard's special schemes).
const SPECIAL = new Set(['http:', 'https:', 'ws:', 'wss:', 'ftp:', 'file:']);

// HTML §9.2.2 steps 2–4: parse the URL relative to the document's base URL
// (the worker's URL in workers); failure throws a "SyntaxError" DOMException.
function resolveUrl(url) {
  const g = globalThis;
  const base = g.document && typeof g.document.baseURI === 'string' ? g.document.baseURI : g.location && g.location.href;
  let parsed;
  try {
    parsed = base ? new URL(url, base) : new URL(url);
    // Credentials are sent percent-decoded (credentials.js): those that
    // decodeURIComponent cannot decode make the URL invalid, now.
    decodeURIComponent(parsed.username + parsed.password);
  } catch {
    // Node's own words ("Invalid URL"), which code and tests match there.
    const why = base || parsed
      ? 'is invalid'
      : 'is invalid or relative, and there is no document or location to resolve it against; pass an absolute URL';
    throw syntaxError(isNode ? `Invalid URL: '${url}' ${why}` : `Failed to construct 'EventSource': The URL '${url}' ${why}.`);
  }
  // The URL Standard never yields a special-scheme domain containing '%'
  // (host parsing fails on a forbidden code point, such as a space, that
  // some engines percent-encode instead): such a URL is invalid.
  if (SPECIAL.has(parsed.protocol) && parsed.hostname.includes('%')) {
    const message = `The URL '${url}' is invalid: its host contains a character the URL Standard forbids.`;
    throw syntaxError(isNode ? `Invalid URL: ${message}` : `Failed to construct 'EventSource': ${message}`);
  }
  return parsed;
}

// WebIDL conversion of the EventSourceInit dictionary argument.
function toInit(init) {
  if (init === undefined || init === null) return undefined;
  if (typeof init !== 'object' && typeof init !== 'function') {
    throw new TypeError("Failed to construct 'EventSource': The provided value is not of type 'EventSourceInit'.");
  }
  return init;
}

// What the Link (in the core chunk) uses of the shell: one copy of each.
const SHELL = { dispatchError, drive, finish, hidden, live, makeEvent, makeMessageEvent, report, requestInit, sendsOnce };

// Make the driver, now that the core is here (unless close() came first),
// handing it the first request if the shell already made it (first.js).
function connect(target, core) {
  const state = target[$];
  if (state.readyState === CLOSED || state.source !== null) return;
  const first = state.first;
  state.first = null;
  // The URL's credentials: only such a URL needs the code that splits
  // them off, which is in the core chunk.
  if (state.credentialed) state.requestUrl = core.splitCredentials(state.settings, state.url);
  if (state.settings.shared) core.prepareGroup(state, SHELL);
  state.source = new core.Source(state.requestUrl, state.withCredentials, new core.Link(target, state, SHELL), state.settings, first || undefined);
  core.watchLifecycle(SHELL);
  // What the page said while the core was loading (a hidden page with
  // pauseWhenHidden: a shared source stays out of its group until shown).
  if (state.settings.pauseWhenHidden && hidden()) state.suspended = 'hidden';
  if (state.suspended && state.member) state.member.leaveGroup();
  else if (state.suspended) drive(state, 'suspend');
  else if (state.member) state.member.lock();
  if (offline()) drive(state, 'online', false);
}

export class EventSource extends BaseEventTarget {
  constructor(url) {
    // WebIDL argument conversions come first, as in the platform.
    if (arguments.length < 1) {
      throw new TypeError("Failed to construct 'EventSource': 1 argument required, but only 0 present.");
    }
    // USVString: String() conversion (a Symbol throws a TypeError).
    url = `${url}`;
    const init = toInit(arguments[1]);
    const parsed = resolveUrl(url);
    const settings = normalize(init);
    // One connection for the group where Web Locks and BroadcastChannel
    // exist; elsewhere each source holds its own (sharing() says which).
    settings.shared = settings.sharedKey !== false && canShare();
    // The last event ID kept across page loads; an explicit lastEventId wins.
    const persisted = settings.persist ? openPersisted(settings.persist, parsed.href) : null;
    if (persisted !== null && settings.lastEventId === undefined) settings.lastEventId = persisted.load();
    const variant = settings.shared ? 'shared' : 'base';
    const core = coreNow(variant);
    // Where no WebAssembly may be compiled, say so now, not later.
    if (core === null) checkWasmAllowed();
    super();
    const credentialed = parsed.username !== '' || parsed.password !== '';
    const withCredentials = init !== undefined && !!init.withCredentials;
    settings.withCredentials = withCredentials;
    const state = new SourceState(parsed.href, parsed.href, credentialed, withCredentials, settings, persisted);
    Object.defineProperty(this, $, { value: state });
    live.add(state);
    watchStop();
    if (settings.pauseWhenHidden && hidden()) state.suspended = 'hidden';
    startUp(
      state,
      variant,
      (core) => connect(this, core),
      (error) => {
        if (state.readyState === CLOSED) return;
        const message = `eventsource-wasm could not load its WebAssembly core (${error && error.message}); the connection failed`;
        console.error(message);
        dispatchError(this, state, CLOSED, 'network', 0, '', message, error);
      },
    );
  }

  get url() {
    return internals(this).url;
  }

  get withCredentials() {
    return internals(this).withCredentials;
  }

  get readyState() {
    return internals(this).readyState;
  }

  close() {
    const state = internals(this);
    state.enter(CLOSED);
    drive(state, 'close');
    finish(state, true);
  }
}

/**
 * Reconnect `source` now (not in HTML): drop its connection, or the wait
 * before the next one, and connect again at once with Last-Event-ID,
 * asking the `headers` function again (eventsource_core's Machine::reconnect
 * decides). No error event: nothing failed; readyState is CONNECTING until
 * the `open` event (a reopen). Nothing happens on a CLOSED source, or one
 * whose first connection is still being made. In a shared group, the
 * group's one connection is reconnected, whichever source asks. A function
 * rather than a method, so that the object keeps native's shape (the
 * prototype, the lib.dom type) as `events()` and `sharing()` do.
 */
export function reconnect(source) {
  const state = source != null ? source[$] : undefined;
  if (state === undefined) throw new TypeError('eventsource-wasm: reconnect() takes an EventSource of this package');
  if (state.readyState === CLOSED || state.source === null) return;
  // A follower's readyState is its leader's, relayed.
  if (state.source.leads) state.enter(CONNECTING);
  drive(state, 'reconnect');
}

// Async iteration: `for await (const event of source)` yields the message
// events; see `events()` for other types.
Object.defineProperty(EventSource.prototype, Symbol.asyncIterator, {
  value: function () {
    return events(this);
  },
  writable: true,
  configurable: true,
});

/**
 * An async iterator over the events of `source` of the given types (default
 * `message`), in order, buffered while the loop body runs. It ends when the
 * source is CLOSED (close(), or a failed connection), when `signal` aborts,
 * or when the loop exits (break, return, throw).
 */
export function events(source, { types = ['message'], signal } = {}) {
  // Ours says when it closes; another EventSource (the platform's) is
  // watched through its error events and readyState.
  const state = source != null ? source[$] : undefined;
  const queue = [];
  let waiting = null;
  let done = source.readyState === CLOSED;
  const wake = () => {
    if (waiting) {
      const resolve = waiting;
      waiting = null;
      resolve();
    }
  };
  const push = (event) => {
    queue.push(event);
    wake();
  };
  const stop = () => {
    if (done) return;
    done = true;
    for (const type of types) source.removeEventListener(type, push);
    source.removeEventListener('error', closedByError);
    if (signal) signal.removeEventListener('abort', stop);
    wake();
  };
  const closedByError = () => {
    if (source.readyState === CLOSED) stop();
  };
  if (!done) {
    for (const type of types) source.addEventListener(type, push);
    if (state !== undefined) state.onClosed.push(stop);
    else source.addEventListener('error', closedByError);
    if (signal) {
      if (signal.aborted) stop();
      else signal.addEventListener('abort', stop);
    }
  }
  return {
    async next() {
      while (queue.length === 0 && !done) {
        // close() on a foreign EventSource fires nothing: check while waiting.
        const poll = state === undefined ? setInterval(() => source.readyState === CLOSED && stop(), 250) : undefined;
        await new Promise((resolve) => (waiting = resolve));
        clearInterval(poll);
      }
      if (queue.length > 0) return { value: queue.shift(), done: false };
      return { value: undefined, done: true };
    },
    async return() {
      stop();
      queue.length = 0;
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

// Whether the platform's EventTarget itself calls an `on<type>` attribute
// of its target when it dispatches `type` (workerd's does, for any
// target): then a handler must not also be a listener of ours, or it runs
// twice. Found once, by trying it, when the first handler is set.
let platformCallsHandlers = null;
function callsHandlers() {
  if (platformCallsHandlers === null) {
    platformCallsHandlers = false;
    if (nativeEventTarget) {
      try {
        const Probe = class extends BaseEventTarget {
          get oneventsourceprobe() {
            return () => (platformCallsHandlers = true);
          }
        };
        new Probe().dispatchEvent(makeEvent('eventsourceprobe'));
      } catch {
        platformCallsHandlers = false;
      }
    }
  }
  return platformCallsHandlers;
}

// Event handler IDL attributes (HTML §8.1.8.1): setting a handler adds one
// listener at that moment; replacing it keeps that listener's place;
// setting null removes it. Where the platform's EventTarget calls `on<type>`
// itself, the attribute only holds the value (the platform calls it).
function defineHandler(type) {
  Object.defineProperty(EventSource.prototype, `on${type}`, {
    get() {
      const handler = internals(this).handlers[type];
      return handler === null ? null : handler.value;
    },
    set(value) {
      const state = internals(this);
      const callable = typeof value === 'function' || (typeof value === 'object' && value !== null);
      let handler = state.handlers[type];
      if (callsHandlers()) {
        state.handlers[type] = callable ? { value, listener: null } : null;
        return;
      }
      if (!callable) {
        if (handler !== null) {
          BaseEventTarget.prototype.removeEventListener.call(this, type, handler.listener);
          state.handlers[type] = null;
        }
        return;
      }
      if (handler !== null) {
        handler.value = value;
        return;
      }
      const self = this;
      handler = {
        value,
        listener(event) {
          const fn = handler.value;
          // WebIDL [LegacyTreatNonObjectAsNull]: a non-callable object is
          // not called, silently.
          if (typeof fn !== 'function') return;
          // HTML's event handler processing: returning false cancels.
          if (fn.call(self, event) === false) event.preventDefault();
        },
      };
      state.handlers[type] = handler;
      BaseEventTarget.prototype.addEventListener.call(this, type, handler.listener);
    },
    enumerable: true,
    configurable: true,
  });
}

for (const type of ['open', 'message', 'error']) defineHandler(type);

// WebIDL: attributes and operations are enumerable; constants are
// enumerable, read-only and non-configurable, on both the interface object
// and its prototype.
for (const name of ['url', 'withCredentials', 'readyState', 'close']) {
  const descriptor = Object.getOwnPropertyDescriptor(EventSource.prototype, name);
  descriptor.enumerable = true;
  Object.defineProperty(EventSource.prototype, name, descriptor);
}
for (const [name, value] of [
  ['CONNECTING', CONNECTING],
  ['OPEN', OPEN],
  ['CLOSED', CLOSED],
]) {
  const descriptor = { value, enumerable: true, writable: false, configurable: false };
  Object.defineProperty(EventSource, name, descriptor);
  Object.defineProperty(EventSource.prototype, name, descriptor);
}
Object.defineProperty(EventSource.prototype, Symbol.toStringTag, { value: 'EventSource', configurable: true });
// The brand of this package's class, the same in every copy of the package
// (two bundles in one page, a server prerender and its client) and every
// realm of the agent: Symbol.for keys one registry. isPolyfill() reads it.
// Symbol-keyed and not enumerable: only Reflect.ownKeys and
// Object.getOwnPropertySymbols see it (README, "How it differs").
export const BRAND = Symbol.for('eventsource-wasm.EventSource');
Object.defineProperty(EventSource, BRAND, { value: true });
// The minifier renames the class binding; the interface object is named.
Object.defineProperty(EventSource, 'name', { value: 'EventSource', configurable: true });
