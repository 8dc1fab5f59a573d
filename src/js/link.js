// The driver's side of one EventSource: the object the Rust driver calls
// (src/web/link.rs is the contract, checked by tests/contract.rs). It
// dispatches what the driver decided and calls the user's hooks. It is in
// the core chunk (only a loaded core needs it), so it imports nothing with
// state of its own: the shell hands it the object's state and its helpers
// (`shell`: see SHELL in event-source.js), of which the core chunk, bundled
// apart in the CommonJS and classic builds, would otherwise get copies.

import { BATCH_END, CLOSED, KIND_COMMENT, KIND_ID, KIND_TYPE, OPEN } from './generated/contract.js';
import { errorMessage, warningMessage } from './messages.js';

// The batch crosses as the stream's own bytes, undecoded (src/batch.rs), and
// is decoded here once, by the WHATWG decoder in replacement mode (invalid
// bytes become U+FFFD, as the spec says). ignoreBOM: a U+FEFF that starts an
// event's data is data, not a byte-order mark (the parser dropped the
// stream's BOM).
let decoder;
function decodeBatch(bytes) {
  decoder ||= new TextDecoder('utf-8', { ignoreBOM: true });
  return decoder.decode(bytes);
}

// What a MessageEvent costs is most of what an event costs. Chromium 156,
// 32-byte data, construct + dispatch to one listener: 3.6–3.9 µs, of which
// ~1.2 µs is the origin, however it is given (a dictionary member or
// initMessageEvent's argument): Chromium parses an origin-shaped string
// there, while an equally long other string costs nothing measurable. So
// where initMessageEvent (HTML's legacy initializer, in every browser) takes
// six arguments and sets them, each origin gets a subclass of MessageEvent
// whose prototype answers `origin` (an enumerable getter, as the
// platform's), and events are made of it with an empty origin and
// initialized positionally: 2.2–2.9 µs against 3.6–4.8 (the floor figure
// of `npm run bench`, BENCHMARKS.md). The event is the same to every
// reader: `instanceof MessageEvent`, `constructor`, `Symbol.toStringTag`,
// `origin`, `data`, `lastEventId`, `source` null, no ports, neither
// bubbling nor cancelable; only Object.getPrototypeOf(event) is the
// subclass's prototype (README, "How it differs"). Elsewhere (Node) the shell's makeMessageEvent, and
// wherever the shell makes events of its own. Here, not in the shell: only
// a loaded core needs it.
let initializes = null;
function canInitialize(shell) {
  try {
    if (!(shell.makeMessageEvent('x', '', '', '') instanceof MessageEvent)) return false;
    const event = makerFor('o')('x', 'd', 'o', 'i');
    return event.data === 'd' && event.origin === 'o' && event.lastEventId === 'i' && event instanceof MessageEvent;
  } catch {
    return false;
  }
}

// One maker (and subclass) per origin, made once: a page talks to few
// origins, and the cache is bounded.
const makers = new Map();
function makerFor(origin) {
  let make = makers.get(origin);
  if (make !== undefined) return make;
  const Made = class extends MessageEvent {};
  Object.defineProperty(Made.prototype, 'origin', { get: () => origin, enumerable: true, configurable: true });
  Object.defineProperty(Made.prototype, 'constructor', { value: MessageEvent, writable: true, configurable: true });
  make = (type, data, _origin, lastEventId) => {
    const event = new Made(type);
    event.initMessageEvent(type, false, false, data, '', lastEventId);
    return event;
  };
  if (makers.size >= 64) makers.clear();
  makers.set(origin, make);
  return make;
}

function originOf(url) {
  try {
    return new URL(url).origin;
  } catch {
    return 'null';
  }
}

// The onComment option, called with the source as `this`; what it throws is
// reported like an exception in a listener, and the stream goes on. (Not a
// method: the Link's methods are the driver's contract, src/web/link.rs.)
function comment(link, text) {
  try {
    link.state.settings.onComment.call(link.target, text);
  } catch (error) {
    link.shell.report(error);
  }
}

export class Link {
  constructor(target, state, shell) {
    this.target = target;
    this.state = state;
    this.shell = shell;
  }

  open(finalUrl, reopened, lastEventId) {
    const state = this.state;
    // Messages carry the serialized origin of the final URL (after redirects).
    state.origin = originOf(finalUrl);
    state.enter(OPEN);
    // Beyond the platform's: whether this is a reopen after a loss, and the
    // Last-Event-ID the connection resumed from ('' if none).
    this.target.dispatchEvent(this.shell.makeEvent('open', { reopened, resumedFrom: lastEventId }));
  }

  error(readyState, reason, status, detail, cause) {
    const state = this.state;
    const statusText = reason === 'status' ? detail : '';
    const message = errorMessage(reason, status, detail, state.settings, state.url, cause);
    this.shell.dispatchError(this.target, state, readyState, reason, status, statusText, message, cause);
  }

  panicked(message) {
    // A bug in the wasm: the driver released its connection and timer and
    // will never be entered again. Do not free it (its memory may be in an
    // inconsistent state); just let go of it.
    const target = this.target;
    const state = this.state;
    state.enter(CLOSED);
    this.shell.finish(state, false);
    target.dispatchEvent(this.shell.makeEvent('error', { reason: 'panic', status: 0, statusText: '', message }));
  }

  warn(warning, sign, first, second, url) {
    const message = warningMessage(warning, sign, first, second, url);
    console.warn(message);
    // Beyond the platform: a `warning` event (a plain Event, as `error` is)
    // saying the same, with what was seen (index.d.ts: EventSourceWarningEvent).
    const buffering = warning === 'buffering';
    const detail = {
      warning,
      sign: buffering ? sign : undefined,
      waited: sign === 'late-first-bytes' ? first : undefined,
      events: sign === 'late-first-bytes' ? second : undefined,
      bufferSize: sign === 'buffer-sized-bursts' ? first : undefined,
      message,
    };
    if (this.state.readyState !== CLOSED) this.target.dispatchEvent(this.shell.makeEvent('warning', detail));
  }

  request(url, lastEventId, authorize) {
    // The fetch init (or a promise of it: an async `headers` function); what
    // a `headers` function throws makes the request fail, and is retried.
    return this.shell.requestInit(this.state.settings, url, lastEventId, authorize);
  }

  post(message) {
    const member = this.state.member;
    if (member) member.post(message);
  }

  reconnecting(attempt, delay, reason, lastEventId, url) {
    const settings = this.state.settings;
    let answer;
    try {
      answer = settings.beforeReconnect({ attempt, delay, reason, lastEventId, url });
    } catch (error) {
      // Reported like an exception in a listener; the reconnection goes on.
      this.shell.report(error);
      return undefined;
    }
    if (answer === false) return false;
    if (answer === null || typeof answer !== 'object') return undefined;
    // shared: true joins the sources whose requests are the same, so no
    // hook may change the request (it would be made for every source of
    // the group); with a key, the caller promised that it may.
    if (settings.sharedKey === '' && ['url', 'method', 'body', 'headers'].some((key) => key in answer)) {
      this.shell.report(new TypeError("eventsource-wasm: beforeReconnect returned a request (url, method, body or headers) for a source with shared: true, which shares a connection only among sources whose requests are the same, so the request is not changed; pass shared: 'a key' to promise that every source with that key may see the same events, and the hook's request is made for all of them"));
      return undefined;
    }
    // { url, method, body, headers }: for this reconnection and the ones
    // after it (POST once, then resume with a GET). A new method without a
    // body drops the old one when it cannot carry one.
    const request = settings.request;
    if (typeof answer.method === 'string') {
      if (!('body' in answer) && /^(GET|HEAD)$/i.test(answer.method)) request.body = undefined;
      request.method = answer.method;
    }
    if ('body' in answer) request.body = answer.body;
    if (answer.headers !== undefined) request.headers = answer.headers;
    // To the driver (src/web/hooks.rs): the hook answered with the request
    // to continue with, so even one that is sent once goes on this time;
    // `once` says whether its new shape is sent once from now on.
    const once = this.shell.sendsOnce(request, settings.resend);
    if (answer.url === undefined) return { url: undefined, once };
    try {
      return { url: new URL(`${answer.url}`, url).href, once };
    } catch (error) {
      this.shell.report(new TypeError(`eventsource-wasm: beforeReconnect returned an invalid url: ${answer.url}`));
      return { url: undefined, once };
    }
  }

  messages(bytes) {
    const target = this.target;
    const state = this.state;
    // `bytes` is a view of wasm memory, which a handler could grow (and so
    // detach) by creating another source: decode first. Each piece ends at
    // the first BATCH_END after its start (no piece contains one).
    const text = decodeBatch(bytes);
    const end = text.length;
    const origin = state.origin;
    if (initializes === null) initializes = canInitialize(this.shell);
    const make = initializes ? makerFor(origin) : this.shell.makeMessageEvent;
    let lastId = state.lastId;
    let at = 0;
    while (at < end) {
      // A handler that called close() stops the rest (HTML §9.2.6: the task
      // dispatches only if readyState is not CLOSED).
      if (state.readyState === CLOSED) break;
      const kind = text.charCodeAt(at++);
      // A comment line (only with the onComment option): its text.
      if (kind & KIND_COMMENT) {
        const to = text.indexOf(BATCH_END, at);
        comment(this, text.substring(at, to));
        at = to + 1;
        continue;
      }
      let type = 'message';
      let to;
      if (kind & KIND_TYPE) {
        to = text.indexOf(BATCH_END, at);
        type = text.substring(at, to);
        at = to + 1;
      }
      to = text.indexOf(BATCH_END, at);
      const data = text.substring(at, to);
      at = to + 1;
      if (kind & KIND_ID) {
        to = text.indexOf(BATCH_END, at);
        lastId = text.substring(at, to);
        at = to + 1;
      }
      target.dispatchEvent(make(type, data, origin, lastId));
    }
    // Once per chunk, not per event (and persisted then: persistLastEventId).
    state.sawEventId(lastId);
  }
}
