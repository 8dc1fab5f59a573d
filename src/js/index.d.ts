// Types for eventsource-wasm. EventSource matches TypeScript's lib.dom
// declaration, so it can be used wherever that type is expected.

export interface EventSourceInit {
  withCredentials?: boolean;
}

export interface EventSourceEventMap {
  error: Event;
  message: MessageEvent;
  open: Event;
}

export declare class EventSource extends EventTarget {
  constructor(url: string | URL, eventSourceInitDict?: EventSourceInit);
  readonly url: string;
  readonly withCredentials: boolean;
  readonly readyState: number;
  readonly CONNECTING: 0;
  readonly OPEN: 1;
  readonly CLOSED: 2;
  static readonly CONNECTING: 0;
  static readonly OPEN: 1;
  static readonly CLOSED: 2;
  onerror: ((this: EventSource, ev: Event) => any) | null;
  onmessage: ((this: EventSource, ev: MessageEvent) => any) | null;
  onopen: ((this: EventSource, ev: Event) => any) | null;
  close(): void;
  addEventListener<K extends keyof EventSourceEventMap>(type: K, listener: (this: EventSource, ev: EventSourceEventMap[K]) => any, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: (this: EventSource, event: MessageEvent) => any, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof EventSourceEventMap>(type: K, listener: (this: EventSource, ev: EventSourceEventMap[K]) => any, options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: (this: EventSource, event: MessageEvent) => any, options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}

/** Whether this realm can receive server-sent events (natively or with this package). */
export declare function supportsSSE(): boolean;

/** Whether `ctor` (default: globalThis.EventSource) is this package's EventSource. */
export declare function isPolyfill(ctor?: unknown): boolean;

/** What the polyfill runs on in this realm. */
export declare function environment(): {
  native: boolean;
  transport: 'fetch' | 'xhr' | null;
  eventTarget: 'native' | 'fallback';
};
