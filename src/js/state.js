// What the EventSource class, its Link and the page lifecycle share: the
// per-object state, the set of live sources, and the calls into the driver.

import { CLOSED, CONNECTING } from './generated/contract.js';
import { makeEvent } from './dom.js';
import { contain } from './wasm/guard.js';
import { STOP_EVENT, watchStop as wrapStop } from './wasm/stop.js';

// Internal state lives under a symbol (non-enumerable, so it stays out of
// Object.keys, JSON.stringify and spreads), which works in every engine
// without the cost of a WeakMap lookup per access.
export const $ = Symbol('eventsource-wasm');

export function internals(target) {
  const state = target != null ? target[$] : undefined;
  if (state === undefined) throw new TypeError('Illegal invocation');
  return state;
}

/**
 * The state of one source, every field declared here. readyState and the
 * last event ID each have one writer (`enter`, `sawEventId`); the driver
 * decides both, and the shell and the link carry its decisions here.
 */
export class SourceState {
  constructor(url, requestUrl, credentialed, withCredentials, settings, persisted) {
    // The source's half in the wasm (a core `Source`), once made; null
    // before the core is here, and again once CLOSED.
    this.source = null;
    // The URL as given (parsed), and as requested (without its credentials).
    this.url = url;
    this.requestUrl = requestUrl;
    this.credentialed = credentialed;
    this.withCredentials = withCredentials;
    this.settings = settings;
    // Written by `enter` only.
    this.readyState = CONNECTING;
    // The serialized origin of the final URL (messages carry it).
    this.origin = '';
    // Written by `sawEventId` only.
    this.lastId = '';
    // The on<type> attributes' handlers.
    this.handlers = { open: null, message: null, error: null };
    // Called once the source is CLOSED (async iterators, the group).
    this.onClosed = [];
    // Why the connection is let go of for now: 'hidden', 'bfcache' or null.
    this.suspended = null;
    // The first request, made by the shell while the core loads (first.js).
    this.first = null;
    // Whether the `shared` option was given (sharing() answers for it).
    this.sharedAsked = settings.sharedKey !== false;
    // The group membership (group.js), with `shared` where it can share.
    this.member = null;
    // persistLastEventId's storage (persist.js), or null.
    this.persisted = persisted;
    // Calls into the driver running now, and a driver to free after them.
    this.busy = 0;
    this.freeLater = null;
  }

  /** readyState is now `readyState` (the driver's, or CLOSED by close() or a trap). */
  enter(readyState) {
    this.readyState = readyState;
  }

  /** Take the driver's readyState (after a signal that may change it). */
  follow() {
    if (this.source !== null) this.enter(this.source.readyState);
  }

  /** The last event ID after a chunk's events (persisted once per chunk, not per event). */
  sawEventId(id) {
    this.lastId = id;
    if (this.persisted !== null) this.persisted.save(id);
  }
}

// Sources that hold (or wait for) a driver, for the page lifecycle below.
export const live = new Set();

// The source is CLOSED for good: let go of the driver, wake iterators.
export function finish(state, free) {
  const source = state.source;
  state.source = null;
  // A first request the shell made while the core was loading.
  if (state.first !== null) state.first.abort();
  state.first = null;
  live.delete(state);
  // A source cannot be freed while one of its methods runs (a handler
  // called close() during `relayed`): then it is freed when that returns.
  if (source !== null && free) {
    if (state.busy > 0) state.freeLater = source;
    else source.free();
  }
  for (const wake of state.onClosed.splice(0)) wake();
}

// The core's signals, in the order of the codes `Source::signal` takes
// (src/web/source.rs): one wasm export for all of them (issue 25).
const SIGNALS = ['suspend', 'resume', 'reconnect', 'online', 'stopped', 'granted', 'relayed', 'leave', 'rejoin', 'close'];

// Call into the driver. A trap (a panic in the wasm, already reported on the
// console and turned into an error event by the panic hook) must not escape
// into the caller's code: the source is simply gone.
export function drive(state, method, argument) {
  const source = state.source;
  if (source === null) return;
  state.busy += 1;
  try {
    // A core that knows no such signal is of another build than this shell:
    // an error that says so, which contain() passes on to the caller as it
    // does any JavaScript error (tests/node/node.test.mjs).
    if (!source.signal(SIGNALS.indexOf(method), argument)) throw new Error(`eventsource-wasm: the core does not know the signal '${method}' (a core and a shell of different builds)`);
  } catch (error) {
    contain(error);
    state.enter(CLOSED);
    state.freeLater = null;
    finish(state, false);
  } finally {
    state.busy -= 1;
    const later = state.busy === 0 ? state.freeLater : null;
    if (later) {
      state.freeLater = null;
      later.free();
    }
  }
}

export function dispatchError(target, state, readyState, reason, status, statusText, message, cause) {
  state.enter(readyState);
  if (readyState === CLOSED) finish(state, true);
  // A plain Event, as the platform dispatches; why it happened rides along
  // as extra read-only properties for those who want to know: `cause` is
  // what the platform threw (undefined where nothing was thrown).
  target.dispatchEvent(makeEvent('error', { reason, status, statusText, message, cause }));
}


export function hidden() {
  const d = globalThis.document;
  return !!d && d.visibilityState === 'hidden';
}

export function offline() {
  const n = globalThis.navigator;
  return !!n && n.onLine === false;
}

// window.stop() fails every connection in flight as aborted: the one
// signal src/js/wasm/stop.js dispatches (the Rust API listens to it too).
// Listened to once, when the first source is made (importing the package
// changes no global).
let stopHeard = false;
export function watchStop() {
  const g = globalThis;
  if (!g.document || typeof g.addEventListener !== 'function') return;
  if (!stopHeard) {
    stopHeard = true;
    g.addEventListener(STOP_EVENT, () => {
      for (const state of live) {
        // A first request the shell made itself is aborted by the page too.
        if (state.first !== null) state.first.stopped = true;
        drive(state, 'stopped');
      }
    });
  }
  wrapStop();
}
