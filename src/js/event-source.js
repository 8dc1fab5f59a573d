// The JavaScript face of eventsource-wasm: a class with the WebIDL shape of
// the platform's EventSource (HTML §9.2.2). Only a JS class can extend
// EventTarget, so this file exists; it makes no protocol decision. The Rust
// driver decides every state change and tells this shell, through a Link,
// what to dispatch.

import { wasm } from './wasm.js';
import { BaseEventTarget, makeEvent, makeMessageEvent } from './dom.js';

const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 2;

// Batch layout from src/batch.rs: "id unchanged" marker.
const SAME_ID = 0xffffffff;

// The batch text crosses as UTF-8 bytes (always valid: the parser made
// them) and is decoded here with a decoder that need not check them, which
// Chromium does ~15% faster than wasm-bindgen's fatal one. ignoreBOM: a
// U+FEFF that starts an event's data is data, not a byte-order mark. (In one
// decode: decoding a large batch in pieces and concatenating them measured
// faster alone but slower in use, the rope being flattened later.)
let decoder;
function decodeBatch(bytes) {
  decoder ||= new TextDecoder('utf-8', { ignoreBOM: true });
  return decoder.decode(bytes);
}

// Internal state lives under a symbol (non-enumerable, so it stays out of
// Object.keys, JSON.stringify and spreads), which works in every engine
// without the cost of a WeakMap lookup per access.
const $ = Symbol('eventsource-wasm');

function internals(target) {
  const state = target != null ? target[$] : undefined;
  if (state === undefined) throw new TypeError('Illegal invocation');
  return state;
}

function originOf(url) {
  try {
    return new URL(url).origin;
  } catch {
    return 'null';
  }
}

// HTML §9.2.2 steps 2–4: parse the URL relative to the document's base URL
// (the worker's URL in workers); failure throws a "SyntaxError" DOMException.
function resolveUrl(url) {
  const g = globalThis;
  const base = g.document && typeof g.document.baseURI === 'string' ? g.document.baseURI : g.location && g.location.href;
  try {
    return (base ? new URL(url, base) : new URL(url)).href;
  } catch {
    const why = base ? 'is invalid' : 'is invalid or relative, and there is no document or location to resolve it against; pass an absolute URL';
    const message = `Failed to construct 'EventSource': The URL '${url}' ${why}.`;
    if (typeof g.DOMException === 'function') throw new g.DOMException(message, 'SyntaxError');
    throw new SyntaxError(message);
  }
}

// Sources that hold a driver, for the page lifecycle below.
const live = new Set();

// The source is CLOSED for good: let go of the driver, wake iterators.
function finish(state, free) {
  const source = state.source;
  state.source = null;
  live.delete(state);
  if (source !== null && free) source.free();
  for (const wake of state.onClosed.splice(0)) wake();
}

function release(state) {
  finish(state, true);
}

// Call into the driver. A trap (a panic in the wasm, already reported on the
// console and turned into an error event by the panic hook) must not escape
// into the caller's code: the source is simply gone.
function drive(state, method) {
  const source = state.source;
  if (source === null) return;
  try {
    source[method]();
  } catch (error) {
    if (!(error instanceof WebAssembly.RuntimeError)) throw error;
    state.readyState = CLOSED;
    finish(state, false);
  }
}

// The driver's view of one EventSource. Its methods are called from Rust.
class Link {
  constructor(target) {
    this.target = target;
  }

  open(finalUrl) {
    const state = this.target[$];
    // Messages carry the serialized origin of the final URL (after redirects).
    state.origin = originOf(finalUrl);
    state.readyState = OPEN;
    this.target.dispatchEvent(makeEvent('open'));
  }

  error(readyState, reason, status, statusText, message) {
    const target = this.target;
    const state = target[$];
    state.readyState = readyState;
    if (readyState === CLOSED) release(state);
    // A plain Event, as the platform dispatches; why it happened rides along
    // as extra read-only properties for those who want to know.
    target.dispatchEvent(makeEvent('error', { reason, status, statusText, message }));
  }

  panicked(message) {
    // A bug in the wasm: the driver released its connection and timer and
    // will never be entered again. Do not free it (its memory may be in an
    // inconsistent state); just let go of it.
    const target = this.target;
    const state = target[$];
    state.readyState = CLOSED;
    finish(state, false);
    target.dispatchEvent(makeEvent('error', { reason: 'panic', status: 0, statusText: '', message }));
  }

  messages(bytes, meta) {
    const target = this.target;
    const state = target[$];
    // `bytes` and `meta` are views of wasm memory, which a handler could grow
    // (and so detach) by creating another source: decode and copy first.
    const text = decodeBatch(bytes);
    const table = meta.slice();
    const origin = state.origin;
    let lastId = state.lastId;
    let at = 0;
    for (let i = 0; i < table.length; i += 3) {
      // A handler that called close() stops the rest (HTML §9.2.6: the task
      // dispatches only if readyState is not CLOSED).
      if (state.readyState === CLOSED) return;
      const typeLength = table[i];
      const type = typeLength === 0 ? 'message' : text.substring(at, (at += typeLength));
      const data = text.substring(at, (at += table[i + 1]));
      const idLength = table[i + 2];
      if (idLength !== SAME_ID) state.lastId = lastId = text.substring(at, (at += idLength));
      target.dispatchEvent(makeMessageEvent(type, data, origin, lastId));
    }
  }
}

// WebIDL conversion of the EventSourceInit dictionary argument.
function toInit(init) {
  if (init === undefined || init === null) return undefined;
  if (typeof init !== 'object' && typeof init !== 'function') {
    throw new TypeError("Failed to construct 'EventSource': The provided value is not of type 'EventSourceInit'.");
  }
  return init;
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
    const resolved = resolveUrl(url);
    super();
    const withCredentials = init !== undefined && !!init.withCredentials;
    const state = {
      source: null,
      url: resolved,
      withCredentials,
      readyState: CONNECTING,
      origin: '',
      lastId: '',
      handlers: { open: null, message: null, error: null },
      onClosed: [],
      pauseWhenHidden: init !== undefined && !!init.pauseWhenHidden,
      suspended: null,
    };
    Object.defineProperty(this, $, { value: state });
    const { Source } = wasm();
    state.source = new Source(resolved, withCredentials, new Link(this), init);
    live.add(state);
    watchLifecycle();
    if (state.pauseWhenHidden && hidden()) suspend(state, 'hidden');
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
    state.readyState = CLOSED;
    if (state.source !== null) {
      drive(state, 'close');
      release(state);
    }
  }
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

// Page lifecycle. A page with an open connection cannot enter the
// back/forward cache, so on `pagehide` (persisted) every source lets go of
// its connection, and on `pageshow` (persisted) reconnects with
// Last-Event-ID. With `pauseWhenHidden`, a source does the same while the
// page is hidden. In between, readyState is CONNECTING and no event fires.
function hidden() {
  const d = globalThis.document;
  return !!d && d.visibilityState === 'hidden';
}

function suspend(state, why) {
  if (state.source === null || state.suspended) return;
  state.suspended = why;
  drive(state, 'suspend');
  if (state.source !== null) state.readyState = state.source.readyState;
}

function resume(state, why) {
  if (state.source === null || state.suspended !== why) return;
  state.suspended = null;
  drive(state, 'resume');
  if (state.source !== null) state.readyState = state.source.readyState;
}

let watching = false;
function watchLifecycle() {
  const g = globalThis;
  if (watching || typeof g.addEventListener !== 'function' || !g.document) return;
  watching = true;
  g.addEventListener('pagehide', (e) => {
    if (e.persisted) for (const state of live) suspend(state, 'bfcache');
  });
  g.addEventListener('pageshow', (e) => {
    if (e.persisted) for (const state of live) resume(state, 'bfcache');
  });
  g.document.addEventListener('visibilitychange', () => {
    for (const state of live) {
      if (!state.pauseWhenHidden) continue;
      if (hidden()) suspend(state, 'hidden');
      else resume(state, 'hidden');
    }
  });
}

// Event handler IDL attributes (HTML §8.1.8.1): setting a handler adds one
// listener at that moment; replacing it keeps that listener's place;
// setting null removes it.
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
// The minifier renames the class binding; the interface object is named.
Object.defineProperty(EventSource, 'name', { value: 'EventSource', configurable: true });
