// The driver's side of one EventSource: the object the Rust driver calls
// (src/web/link.rs is the contract, checked by tests/contract.rs). It
// dispatches what the driver decided and calls the user's hooks.

import { CLOSED, OPEN, SAME_ID } from './contract.js';
import { makeEvent, makeMessageEvent, report } from './dom.js';
import { errorMessage, warningMessage } from './messages.js';
import { $, dispatchError, finish } from './state.js';

// The batch text crosses as UTF-8 bytes (always valid: the parser made
// them) and is decoded here with a decoder that need not check them, which
// Chromium does ~15% faster than wasm-bindgen's fatal one. ignoreBOM: a
// U+FEFF that starts an event's data is data, not a byte-order mark.
let decoder;
function decodeBatch(bytes) {
  decoder ||= new TextDecoder('utf-8', { ignoreBOM: true });
  return decoder.decode(bytes);
}

function originOf(url) {
  try {
    return new URL(url).origin;
  } catch {
    return 'null';
  }
}

export class Link {
  constructor(target) {
    this.target = target;
  }

  open(finalUrl, reopened, lastEventId) {
    const state = this.target[$];
    // Messages carry the serialized origin of the final URL (after redirects).
    state.origin = originOf(finalUrl);
    state.readyState = OPEN;
    // Beyond the platform's: whether this is a reopen after a loss, and the
    // Last-Event-ID the connection resumed from ('' if none).
    this.target.dispatchEvent(makeEvent('open', { reopened, resumedFrom: lastEventId }));
  }

  error(readyState, reason, status, detail) {
    const state = this.target[$];
    const statusText = reason === 'status' ? detail : '';
    const message = errorMessage(reason, status, detail, state.settings, state.url);
    dispatchError(this.target, state, readyState, reason, status, statusText, message);
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

  warn(warning, url) {
    console.warn(warningMessage(warning, url));
  }

  headers(url, lastEventId) {
    const headers = this.target[$].settings.headers;
    // A function is asked before every connection (a token is refreshed on
    // reconnection); what it throws makes the request fail, and is retried.
    return typeof headers === 'function' ? headers({ url, lastEventId }) : headers;
  }

  post(message) {
    const member = this.target[$].member;
    if (member) member.post(message);
  }

  reconnecting(attempt, delay, reason, lastEventId, url) {
    const hook = this.target[$].settings.beforeReconnect;
    try {
      return hook({ attempt, delay, reason, lastEventId, url });
    } catch (error) {
      // Reported like an exception in a listener; the reconnection goes on.
      report(error);
      return undefined;
    }
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
      if (state.readyState === CLOSED) break;
      const typeLength = table[i];
      const type = typeLength === 0 ? 'message' : text.substring(at, (at += typeLength));
      const data = text.substring(at, (at += table[i + 1]));
      const idLength = table[i + 2];
      if (idLength !== SAME_ID) state.lastId = lastId = text.substring(at, (at += idLength));
      target.dispatchEvent(makeMessageEvent(type, data, origin, lastId));
    }
    // persistLastEventId: once per chunk, not per event.
    if (state.persisted !== null) state.persisted.save(lastId);
  }
}
