// The `shared` option: every source of one browser profile and origin that
// makes the same request (URL, withCredentials, method, body, headers) with
// the same key holds one connection. What the constructor needs of it is
// here (is sharing possible, the options, whether the request can be
// compared); the membership itself (group.js, which
// names the group by a digest of the request) comes with the
// core that has the option compiled in. Both only carry out what the
// driver decides (src/web/shared.rs is the wire
// format, eventsource_core::shared the rules): it holds the group's Web Lock, whose
// holder leads (the lock is handed to the next waiter the moment a holder
// closes, crashes or navigates), and its BroadcastChannel, on which the
// leader's frames reach the others. Both are looked up when used, never at
// load: tests replace them.
//
// Why here and not in the wasm (web-sys's LockManager needs
// --cfg=web_sys_unstable_apis in every build and wasm-pack test; an extern
// block would do): the lock is held by a promise that must stay pending
// until this source leaves, and the moments it leaves are the JavaScript
// class's (close(), the pagehide listener of lifecycle.js); the class can
// also tell, before any WebAssembly is loaded, whether this realm shares.
// The driver decides everything else (when to claim, lead, apply, welcome).

import { $ } from './state.js';

const G = globalThis;

/** Whether this realm can share a connection: Web Locks and BroadcastChannel. */
export function canShare() {
  const locks = G.navigator && G.navigator.locks;
  return typeof G.BroadcastChannel === 'function' && !!locks && typeof locks.request === 'function';
}

/** The `shared` option: false, or the key of the group ('' for none). */
export function sharedOption(value) {
  if (value === undefined || value === false) return false;
  if (value === true) return '';
  if (typeof value === 'string') return value;
  throw new TypeError('eventsource-wasm: the shared option must be true, false or a string key');
}

/** What of a body cannot be read before it is sent (null: it can). */
function unreadableBody(body) {
  if (body === null || typeof body !== 'object') return null;
  const is = (name) => typeof G[name] === 'function' && body instanceof G[name];
  if (is('ReadableStream')) return 'a ReadableStream body';
  if (is('Blob')) return 'a Blob body';
  if (is('FormData')) for (const [, value] of body) if (typeof value !== 'string') return 'a FormData body with a file';
  return null;
}

/**
 * `shared: true` (with no key) joins only sources whose requests are the
 * same, so that a tab signed in as one user never receives the events of a
 * connection made with another's credentials: every part of the request
 * must be known, and comparable, now. Throw a TypeError naming what is not,
 * and the fix. (A key is the caller's promise that its sources may see the
 * same events: then what cannot be compared is left out of the group's
 * identity, README "Sharing and credentials".)
 */
export function checkComparable(settings) {
  if (settings.sharedKey !== '') return;
  const { headers, body } = settings.request;
  const what =
    typeof headers === 'function'
      ? 'headers given by a function'
      : settings.fetch !== undefined
        ? 'a fetch function (it may send anything)'
        : unreadableBody(body);
  if (what === null) return;
  throw new TypeError(
    `eventsource-wasm: shared: true shares a connection only among sources whose requests are the same (no tab may receive events fetched with another's credentials), and ${what} cannot be compared; give it as a value, or pass shared: 'a key' to promise that every source with that key may see the same events`,
  );
}

/**
 * How `source` holds its connection: null without the `shared` option;
 * otherwise { mode: 'shared' (one connection for the group) or 'own' (Web
 * Locks or BroadcastChannel are missing here, so it holds its own), leading:
 * whether this source holds the connection now }.
 */
export function sharing(source) {
  const state = source != null ? source[$] : undefined;
  if (state === undefined) throw new TypeError('sharing() takes an EventSource of this package');
  if (!state.sharedAsked) return null;
  if (!state.settings.shared) return { mode: 'own', leading: state.readyState !== 2 };
  // (Before the core is loaded, no source leads yet.)
  return { mode: 'shared', leading: state.source !== null && state.source.leads };
}
