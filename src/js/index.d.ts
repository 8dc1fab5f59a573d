// Types for eventsource-wasm. The EventSource class matches TypeScript's
// lib.dom declaration member for member, so it can stand wherever lib.dom's
// EventSource is expected (and the other way round); the options beyond
// `withCredentials` are this package's.

export type HeadersLike = Record<string, string> | [string, string][] | Headers;

export interface ReconnectInfo {
  /** 1 for the first reconnection since the source was last OPEN. */
  attempt: number;
  /** Milliseconds the source will wait before reconnecting. */
  delay: number;
  /** Why the connection went down: 'network', 'ended', 'timeout', … */
  reason: ErrorReason;
  lastEventId: string;
  url: string;
}

export interface ReconnectPolicy {
  /** Delay before the first reconnection when the server sent no `retry` (ms, default 3000). */
  initialDelay?: number;
  /** Upper bound of any computed delay (ms). */
  maxDelay?: number;
  /** Double the delay after each failed attempt ('exponential'), or not ('none', the default). */
  backoff?: 'exponential' | 'none';
  /** Fraction (0–1) of the delay to add at random, to spread reconnecting clients (never shortens it). */
  jitter?: number;
  /** Give up (error, CLOSED) after this many reconnections that never reached OPEN. */
  maxRetries?: number;
  /**
   * Send a request with a body, or with a method other than GET/HEAD, again
   * when its connection is lost, as a GET is. Off by default: such a request
   * is sent once (error 'unrepeatable', CLOSED) unless `beforeReconnect`
   * returns the request to continue with. Only for idempotent requests
   * (e.g. a REPORT feed).
   */
  resend?: boolean;
}

export interface EventSourceInit {
  withCredentials?: boolean;
  /** Request headers, or a function asked before every connection (e.g. to refresh a token). */
  headers?: HeadersLike | ((info: { url: string; lastEventId: string }) => HeadersLike | Promise<HeadersLike>);
  /** The request method (default GET, or POST when a body is given). */
  method?: string;
  /** A request body (for POST streams). */
  body?: BodyInit;
  /** A fetch function to carry the requests instead of the global one. */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
  /** Force a transport; by default streaming fetch where it works, XHR where it does not. */
  transport?: 'fetch' | 'xhr';
  /** Opt-in reconnection policy; `retry:` from the server still wins. */
  reconnect?: ReconnectPolicy;
  /**
   * Asked before each reconnection: return false to give up, or the request
   * to make from now on (e.g. POST once, then resume with a GET of the
   * stream's own URL): a GET or HEAD without a body drops the old body.
   * A request with a body or another method than GET/HEAD is not sent again
   * unless this returns a request (`{}`: the same one) or `reconnect.resend`
   * is set; returning nothing then fails the connection ('unrepeatable').
   */
  beforeReconnect?: (info: ReconnectInfo) => boolean | ReconnectRequest | void;
  /**
   * Called with the text of each comment line (`: keep-alive` → 'keep-alive':
   * the text after the colon, less one leading space), in stream order among
   * the events. A callback, not a listener type, because a server may name
   * an event anything: no event type could be reserved for comments. Without
   * it, comments are ignored as the standard says.
   */
  onComment?: (this: EventSource, text: string) => void;
  /** Treat the connection as dropped when nothing (not even a comment) arrives for this long (ms). */
  heartbeatTimeout?: number;
  /** The last event ID to start from (sent as Last-Event-ID on the first request). */
  lastEventId?: string;
  /** Fail the connection when a line is longer than this (bytes). */
  maxLineLength?: number;
  /** Fail the connection when an event's data is larger than this (bytes). */
  maxEventSize?: number;
  /** Release the connection while the page is hidden, and reconnect when it is visible. */
  pauseWhenHidden?: boolean;
  /**
   * One connection for every source of this profile and origin (tabs,
   * frames, workers) that makes the same request (URL, withCredentials,
   * method, body, headers) with the same key (`true`: no key). One leads;
   * the others receive its events. Where Web Locks or BroadcastChannel are
   * missing each source holds its own: see sharing(). `true` refuses a
   * request it cannot compare (a headers or fetch function, a stream, Blob
   * or file body: TypeError) and a request returned by beforeReconnect; a
   * key is your promise that every source with it may see the same events.
   */
  shared?: boolean | string;
  /**
   * Keep the last event ID in sessionStorage ('session'), localStorage
   * ('local') or a Storage of your own, once per chunk, and send it as
   * Last-Event-ID on the first request of a new source for the same URL
   * (after a reload). An explicit `lastEventId` wins.
   */
  persistLastEventId?: 'session' | 'local' | { storage: 'session' | 'local' | Pick<Storage, 'getItem' | 'setItem'>; key?: string };
}

/** What `beforeReconnect` may return: the request to make from now on. */
export interface ReconnectRequest {
  url?: string;
  method?: string;
  body?: BodyInit | null;
  headers?: HeadersLike;
}

export type ErrorReason =
  | 'network'
  | 'ended'
  | 'status'
  | 'mime'
  | 'refused'
  | 'limit'
  | 'timeout'
  | 'retries'
  | 'vetoed'
  | 'aborted'
  | 'scheme'
  | 'unrepeatable'
  | 'panic';

/** The `error` event: a plain Event, with why it happened. */
export interface EventSourceErrorEvent extends Event {
  readonly reason?: ErrorReason;
  /** The HTTP status when `reason` is 'status', else 0. */
  readonly status?: number;
  readonly statusText?: string;
  /** A sentence that says what happened and what to do (naming `cause`, if any). */
  readonly message?: string;
  /**
   * What the platform threw when the request or the stream failed (reasons
   * 'network', 'aborted', 'refused', 'scheme'): e.g. fetch's `TypeError`,
   * with its own `cause` in Node ("connect ECONNREFUSED …"), or the error a
   * `headers` function threw. `undefined` where nothing was thrown (the
   * server ended the stream, a status, XHR's errors).
   */
  readonly cause?: unknown;
}

/**
 * The `warning` event (not in HTML): a plain Event, dispatched with a
 * console warning, when something went wrong that fails nothing. A server
 * may also send events named `warning`: those are MessageEvents, and have no
 * `warning` property.
 */
export interface EventSourceWarningEvent extends Event {
  /**
   * 'buffering': something between the server and this client buffers the
   * stream (once per source); 'last-event-id-refused': a cross-origin
   * server refused the Last-Event-ID preflight.
   */
  readonly warning: 'buffering' | 'last-event-id-refused';
  /** For 'buffering', what was seen. */
  readonly sign?: 'compressed' | 'late-first-bytes' | 'buffer-sized-bursts';
  /** 'late-first-bytes': milliseconds between the headers and the first bytes. */
  readonly waited?: number;
  /** 'late-first-bytes': events that came at once. */
  readonly events?: number;
  /** 'buffer-sized-bursts': the buffer's size in bytes (4096, 8192, 16384 or 32768). */
  readonly bufferSize?: number;
  /** What was seen and what to set on the server. */
  readonly message: string;
}

/** The `open` event: a plain Event, saying whether it is a reopen and from which ID. */
export interface EventSourceOpenEvent extends Event {
  /** False for the first open of the source, true for a reopen after the connection was lost. */
  readonly reopened?: boolean;
  /** The Last-Event-ID the connection was made with ('' for none). */
  readonly resumedFrom?: string;
}

export interface EventSourceEventMap {
  error: EventSourceErrorEvent;
  message: MessageEvent;
  open: EventSourceOpenEvent;
  warning: EventSourceWarningEvent;
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
  onerror: ((this: EventSource, ev: EventSourceErrorEvent) => any) | null;
  onmessage: ((this: EventSource, ev: MessageEvent) => any) | null;
  onopen: ((this: EventSource, ev: EventSourceOpenEvent) => any) | null;
  close(): void;
  addEventListener<K extends keyof EventSourceEventMap>(type: K, listener: (this: EventSource, ev: EventSourceEventMap[K]) => any, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: (this: EventSource, event: MessageEvent) => any, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof EventSourceEventMap>(type: K, listener: (this: EventSource, ev: EventSourceEventMap[K]) => any, options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: (this: EventSource, event: MessageEvent) => any, options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
  // `for await (const event of source)` works at run time too; it is left
  // out of this declaration so that the class stays interchangeable with
  // lib.dom's EventSource. Typed iteration: `for await (const e of events(source))`.
}

/**
 * The events of the given types (default: message), until the source closes,
 * `signal` aborts or the loop exits. Works with the platform's EventSource too.
 */
export declare function events(
  source: EventSource | globalThis.EventSource,
  options?: { types?: string[]; signal?: AbortSignal },
): AsyncIterableIterator<MessageEvent>;

/**
 * Reconnect `source` now (not in HTML): drop its connection, or the wait
 * before the next one, and connect again at once with Last-Event-ID,
 * asking the `headers` function again. No error event; readyState is
 * CONNECTING until the `open` event (`reopened: true`). Nothing happens on a
 * CLOSED source. In a shared group it reconnects the group's one connection.
 * Throws a TypeError for an EventSource that is not this package's.
 */
export declare function reconnect(source: EventSource): void;

/** Whether this realm can receive server-sent events (natively or with this package). */
export declare function supportsSSE(): boolean;

/** Whether `ctor` (default: globalThis.EventSource) is this package's EventSource. */
export declare function isPolyfill(ctor?: unknown): boolean;

/** What the polyfill runs on in this realm. */
export declare function environment(): {
  native: boolean;
  transport: 'fetch' | 'xhr' | null;
  eventTarget: 'native' | 'fallback';
  /** Whether `shared` sources hold one connection here (Web Locks and BroadcastChannel exist). */
  shared: boolean;
};

/**
 * How a source made with the `shared` option holds its connection (null
 * without it): 'shared' (one for the group; `leading`: this source holds
 * it now) or 'own' (this realm cannot share: no Web Locks or
 * BroadcastChannel, e.g. a non-secure context).
 */
export declare function sharing(source: EventSource): { mode: 'shared' | 'own'; leading: boolean } | null;

/** Live counts of what the package holds (all but memory return to 0 once every source is closed). */
export declare function diagnostics(): {
  sources: number;
  timers: number;
  listeners: number;
  requests: number;
  callbacks: number;
  wasmMemoryBytes: number;
};

export type InspectEntry =
  | { kind: 'event'; type: string; data: string; lastEventId: string }
  | { kind: 'retry'; retry: number }
  | { kind: 'ignored'; line: string; reason: string }
  | { kind: 'incomplete'; pendingLine: number; pendingData: number };

/** Parse a whole stream with the wasm parser and report what it makes of it (once the core is loaded). */
export declare function inspectStream(input: string | Uint8Array): Promise<InspectEntry[]>;

/**
 * Resolves once the WebAssembly core is loaded and compiled. Nothing needs
 * to wait for it (a source constructed before simply connects when it is);
 * it rejects where WebAssembly may not be compiled (a CSP without
 * 'wasm-unsafe-eval').
 */
export declare function ready(): Promise<void>;
