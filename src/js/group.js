// The `shared` option's membership of a group, in the core that has the
// option compiled in (core-chunk-shared.js): this source's BroadcastChannel
// and its place in the queue for the group's Web Lock, whose holder leads
// (the lock is handed to the next waiter the moment a holder closes,
// crashes or navigates). It only carries out what the driver decides
// (src/web/shared.rs is the wire format, eventsource_core::shared the rules); the
// shell hands it `drive`. Both are looked up when used, never at load:
// tests replace them.
//
// Why here and not in the wasm (web-sys's LockManager needs
// --cfg=web_sys_unstable_apis in every build and wasm-pack test; an extern
// block would do): the lock is held by a promise that must stay pending
// until this source leaves, and the moments it leaves are the JavaScript
// class's (close(), the pagehide listener of lifecycle.js).

import { groupName } from '../../build/pkg-shared/eventsource_wasm.js';

const G = globalThis;

/** One source's membership of its group: the channel and the lock. */
class Member {
  constructor(state, name, drive) {
    this.state = state;
    this.name = name;
    this.drive = drive;
    this.channel = null;
    this.abort = null;
    this.release = null;
  }

  /** Open the channel (before the driver says hello on it). */
  open() {
    this.channel = new G.BroadcastChannel(this.name);
    this.channel.onmessage = (event) => this.drive(this.state, 'relayed', event.data);
  }

  /** Wait for the lock; the driver is told when it is granted. */
  lock() {
    const abort = new G.AbortController();
    this.abort = abort;
    // Held until the promise the callback returns settles: until this
    // source leaves (close(), pagehide), or its realm goes away.
    const held = () =>
      new Promise((resolve) => {
        if (this.abort !== abort || this.state.source === null) return resolve();
        this.release = resolve;
        this.drive(this.state, 'granted');
      });
    G.navigator.locks.request(this.name, { signal: abort.signal }, held).catch(() => {});
  }

  post(message) {
    if (this.channel !== null) this.channel.postMessage(message);
  }

  /** pagehide (or hidden, with pauseWhenHidden): leave the group, so another source leads at once. */
  leaveGroup() {
    if (this.channel === null) return;
    this.drive(this.state, 'leave');
    this.leave();
    this.state.follow();
  }

  /** pageshow from the back/forward cache (or shown again): join again, as a newcomer. */
  rejoinGroup() {
    if (this.channel !== null || this.state.source === null) return;
    this.open();
    this.drive(this.state, 'rejoin');
    this.lock();
  }

  /** Let go of the lock (the next waiter leads) and of the channel. */
  leave() {
    if (this.abort !== null) this.abort.abort();
    if (this.release !== null) this.release();
    if (this.channel !== null) this.channel.close();
    this.abort = this.release = this.channel = null;
  }
}

const is = (value, name) => typeof G[name] === 'function' && value instanceof G[name];

/**
 * The body as the group's identity sees it (eventsource_core::shared::Body): none,
 * its kind and bytes (the kind decides the Content-Type Fetch adds), or
 * 'unreadable' for one that cannot be read before it is sent.
 */
function describeBody(body) {
  const bytes = (text) => new G.TextEncoder().encode(text);
  if (body === undefined || body === null) return [undefined, undefined];
  if (typeof body === 'string') return ['text', bytes(body)];
  if (is(body, 'ReadableStream') || is(body, 'Blob')) return ['unreadable', undefined];
  if (is(body, 'URLSearchParams')) return ['params', bytes(`${body}`)];
  if (is(body, 'ArrayBuffer')) return ['bytes', new Uint8Array(body)];
  if (ArrayBuffer.isView(body)) return ['bytes', new Uint8Array(body.buffer, body.byteOffset, body.byteLength)];
  if (is(body, 'FormData')) {
    const entries = [...body];
    return entries.every(([, value]) => typeof value === 'string') ? ['form', bytes(JSON.stringify(entries))] : ['unreadable', undefined];
  }
  // Anything else is sent as its string (WebIDL's BodyInit conversion).
  try {
    return ['text', bytes(`${body}`)];
  } catch {
    return ['unreadable', undefined];
  }
}

/**
 * The headers option as names and values, flat (null: a function decides
 * them, or they cannot be read, and then no request can be made with them
 * either). The core compares them as Fetch's Headers would.
 */
function describeHeaders(headers) {
  if (headers === undefined || headers === null) return [];
  if (typeof headers === 'function') return null;
  try {
    const flat = [];
    for (const [name, value] of Symbol.iterator in headers ? headers : Object.entries(headers)) flat.push(`${name}`, `${value}`);
    return flat;
  } catch {
    return null;
  }
}

/**
 * The request as the group's identity sees it (src/contract/group.rs
 * declares it): the URL, withCredentials, method, body and headers, whether
 * a fetch option is given, and the key.
 */
export function describeRequest(state) {
  const { settings } = state;
  const { method, body, headers } = settings.request;
  const [bodyKind, bytes] = describeBody(body);
  return {
    url: state.url,
    withCredentials: state.withCredentials,
    method,
    bodyKind,
    body: bytes,
    headers: describeHeaders(headers),
    fetch: settings.fetch !== undefined,
    key: settings.sharedKey === '' ? undefined : settings.sharedKey,
  };
}

/** Before the driver exists: the group for a source with `shared`. */
export function prepareGroup(state, { drive }) {
  // A digest of the request (src/web/identity.rs), so that sources share
  // only when their requests are the same, and no URL or header appears in
  // clear in a lock or channel name, which any code of the origin can list.
  const name = groupName(describeRequest(state));
  state.member = new Member(state, name, drive);
  state.member.open();
  state.onClosed.push(() => state.member.leave());
}

