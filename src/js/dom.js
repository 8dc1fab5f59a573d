// The DOM pieces the EventSource class stands on: EventTarget, Event and
// MessageEvent where the engine can construct them; otherwise (IE-era engines
// and some old WebViews) a listener registry and event objects of our own
// with the same observable behaviour.

const G = globalThis;

function constructible(Ctor, ...args) {
  if (typeof Ctor !== 'function') return false;
  try {
    new Ctor(...args);
    return true;
  } catch {
    return false;
  }
}

const hasEventTarget = constructible(G.EventTarget);
const hasEvent = hasEventTarget && constructible(G.Event, 'x');
const hasMessageEvent = hasEventTarget && constructible(G.MessageEvent, 'x', { data: '' });

export function report(error) {
  // Like the platform: an exception in a listener is reported and the
  // dispatch goes on with the next listener.
  if (typeof G.reportError === 'function') G.reportError(error);
  else setTimeout(() => {
    throw error;
  }, 0);
}

// An event for engines whose Event cannot be constructed.
class FallbackEvent {
  constructor(type, init) {
    Object.assign(this, { type: `${type}`, target: null, currentTarget: null, eventPhase: 0, bubbles: false, cancelable: false, defaultPrevented: false, isTrusted: false, timeStamp: Date.now(), stopped: false }, init);
  }
  stopPropagation() {}
  stopImmediatePropagation() {
    this.stopped = true;
  }
  preventDefault() {
    if (this.cancelable) this.defaultPrevented = true;
  }
  composedPath() {
    return this.currentTarget ? [this.currentTarget] : [];
  }
}

const LISTENERS = Symbol('listeners');
const captureOf = (options) => (typeof options === 'boolean' ? options : !!(options && options.capture));

// EventTarget's behaviour for engines that cannot construct EventTarget:
// duplicate listeners ignored, `once`, `signal`, removal during dispatch
// (a listener removed by an earlier one is not called), handleEvent objects,
// stopImmediatePropagation, exceptions reported without stopping dispatch.
class FallbackEventTarget {
  constructor() {
    Object.defineProperty(this, LISTENERS, { value: new Map() });
  }

  addEventListener(type, callback, options) {
    const capture = captureOf(options);
    const { once, signal } = options !== null && typeof options === 'object' ? options : {};
    if (callback == null || (signal && signal.aborted)) return;
    type = `${type}`;
    const map = this[LISTENERS];
    const list = map.get(type) || [];
    map.set(type, list);
    if (list.some((l) => l.callback === callback && l.capture === capture)) return;
    list.push({ callback, capture, once: !!once });
    if (signal) signal.addEventListener('abort', () => this.removeEventListener(type, callback, capture));
  }

  removeEventListener(type, callback, options) {
    const capture = captureOf(options);
    const list = this[LISTENERS].get(`${type}`) || [];
    const index = list.findIndex((l) => l.callback === callback && l.capture === capture);
    if (index >= 0) list.splice(index, 1)[0].removed = true;
  }

  dispatchEvent(event) {
    const own = event instanceof FallbackEvent;
    let stopped = false;
    if (own) Object.assign(event, { target: this, currentTarget: this, eventPhase: 2 });
    else {
      // An engine's own event (e.g. from document.createEvent): give it a
      // target and notice stopImmediatePropagation().
      for (const key of ['target', 'currentTarget']) Object.defineProperty(event, key, { value: this, configurable: true });
      const stop = event.stopImmediatePropagation;
      event.stopImmediatePropagation = function () {
        stopped = true;
        if (typeof stop === 'function') stop.call(this);
      };
    }
    for (const entry of (this[LISTENERS].get(event.type) || []).slice()) {
      if (entry.removed) continue;
      if (entry.once) this.removeEventListener(event.type, entry.callback, entry.capture);
      try {
        const cb = entry.callback;
        if (typeof cb === 'function') cb.call(this, event);
        else if (cb && typeof cb.handleEvent === 'function') cb.handleEvent(event);
      } catch (error) {
        report(error);
      }
      if (stopped || (own && event.stopped)) break;
    }
    if (own) Object.assign(event, { currentTarget: null, eventPhase: 0 });
    return !event.defaultPrevented;
  }
}

export const BaseEventTarget = hasEventTarget ? G.EventTarget : FallbackEventTarget;

/** Whether the engine's own EventTarget is in use (false: the fallback). */
export const nativeEventTarget = hasEventTarget;

function withDetails(event, details) {
  if (details) {
    for (const key of Object.keys(details)) {
      Object.defineProperty(event, key, { value: details[key], enumerable: true, configurable: true });
    }
  }
  return event;
}

/** A plain event (`open`, `error`), optionally carrying read-only details. */
export function makeEvent(type, details) {
  return withDetails(hasEvent ? new G.Event(type) : new FallbackEvent(type), details);
}

/** A MessageEvent with the three attributes an event stream sets. */
export function makeMessageEvent(type, data, origin, lastEventId) {
  if (hasMessageEvent) return new G.MessageEvent(type, { data, origin, lastEventId });
  return new FallbackEvent(type, { data, origin, lastEventId, source: null, ports: [] });
}
