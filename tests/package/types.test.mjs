// The TypeScript declarations, used as a user would: the tarball is
// installed into a throwaway project, `.ts` files there import the package,
// and `tsc --noEmit --strict` must accept them with no diagnostic at all —
// including the `// @ts-expect-error` lines, which fail if a misuse stops
// being an error. Each file is compiled on its own so a failure names what
// is missing.
//
// The key property (usage.ts): the package's EventSource is interchangeable
// with lib.dom's, both the class and its instances, in both directions. The
// other files check one concern each, so one cause fails one test.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { root, packAndInstall, run } from './helpers.mjs';

const TSC = join(root, 'node_modules/typescript/bin/tsc');
const NODENEXT = ['--module', 'nodenext', '--moduleResolution', 'nodenext'];
const BUNDLER = ['--module', 'preserve', '--moduleResolution', 'bundler'];
const NODE16 = ['--module', 'node16', '--moduleResolution', 'node16'];

// ── the user code ────────────────────────────────────────────────────────

const USAGE = `// Everyday use, as the README shows it.
import { EventSource, supportsSSE, isPolyfill, environment, inspectStream, ready, events, diagnostics, reconnect, type EventSourceInit, type EventSourceOpenEvent } from 'eventsource-wasm';

type IsAny<T> = 0 extends 1 & T ? true : false;
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

const plain = new EventSource('/events');
const withCreds = new EventSource(new URL('https://example.com/events'), { withCredentials: true });
const creds: boolean = withCreds.withCredentials;
const url: string = plain.url;

plain.onmessage = (e) => {
  const m: MessageEvent = e;
  const notAny: IsAny<typeof e> = false;
  const data: string = e.data;
  const id: string = e.lastEventId;
  const origin: string = e.origin;
  void [m, notAny, data, id, origin];
};
plain.onerror = (e) => {
  const ev: Event = e;
  const notAny: IsAny<typeof e> = false;
  void [ev, notAny];
};
plain.onopen = function (e) {
  const self: EventSource = this;
  const type: string = e.type;
  void [self, type];
};
plain.addEventListener('custom', (e) => {
  const m: MessageEvent = e;
  const notAny: IsAny<typeof e> = false;
  void [m, notAny];
  return e.data;
});
plain.addEventListener('message', (e) => e.lastEventId);
plain.addEventListener('open', (e) => { const exact: Equals<typeof e, EventSourceOpenEvent> = true; const ev: Event = e; void [exact, ev]; }, { once: true });
plain.addEventListener('error', { handleEvent(e: Event) { void e; } });
plain.removeEventListener('custom', (e) => e.data);
if (plain.readyState === EventSource.OPEN) plain.close();
if (plain.readyState === plain.CONNECTING || plain.readyState === EventSource.CLOSED) plain.close();
const states: [0, 1, 2] = [EventSource.CONNECTING, EventSource.OPEN, EventSource.CLOSED];

// The package's class and instances are lib.dom's types...
const Ctor: typeof globalThis.EventSource = EventSource;
const es: globalThis.EventSource = new EventSource('/x');
const fromCtor: globalThis.EventSource = new Ctor('/y', { withCredentials: true });
function takesDom(source: globalThis.EventSource): void { source.close(); }
takesDom(plain);
// ...and the reverse, where the package's are expected.
const Back: typeof EventSource = globalThis.EventSource;
const back: EventSource = new globalThis.EventSource('/z');
function takesPackage(source: EventSource): void { source.close(); }
takesPackage(new globalThis.EventSource('/w'));
const domInit: globalThis.EventSourceInit = { withCredentials: true } satisfies EventSourceInit;
const ownInit: EventSourceInit = domInit;

const sse: boolean = supportsSSE();
const poly: boolean = isPolyfill();
const poly2: boolean = isPolyfill(globalThis.EventSource);
const env = environment();
const native: boolean = env.native;
const transport: 'fetch' | 'xhr' | null = env.transport;
const target: 'native' | 'fallback' = env.eventTarget;

// A new connection on request; a POST that may be sent again.
const nothing: void = reconnect(es);
const idempotent: EventSourceInit = { method: 'REPORT', body: '<feed/>', reconnect: { resend: true } };

// Async iteration over a source's events, and the live counts.
async function consume(source: EventSource): Promise<string[]> {
  const seen: string[] = [];
  for await (const e of events(source, { types: ['message', 'custom'], signal: AbortSignal.timeout(1000) })) {
    const m: MessageEvent = e;
    seen.push(m.data, e.lastEventId);
  }
  return seen;
}
const counts = diagnostics();
const held: number = counts.sources + counts.timers + counts.listeners + counts.requests + counts.callbacks + counts.wasmMemoryBytes;

// Misuse is an error.
// @ts-expect-error: the URL is required
new EventSource();
// @ts-expect-error: readyState is read-only
plain.readyState = 1;
// @ts-expect-error: url is read-only
plain.url = '/other';
// @ts-expect-error: the constants are read-only
EventSource.OPEN = 1;
// @ts-expect-error: withCredentials is a boolean
new EventSource('/x', { withCredentials: 'yes' });
// @ts-expect-error: a listener takes an event, not a number
plain.addEventListener('message', (e: number) => e);
// @ts-expect-error: OPEN is 1
const wrong: 0 = EventSource.OPEN;
// @ts-expect-error: there is no such transport
if (env.transport === 'websocket') plain.close();
// @ts-expect-error: isPolyfill answers a boolean
const notString: string = isPolyfill();

// The stream inspector: text or bytes in, the parser's report out (once
// the core is loaded), and ready() for whoever wants to wait for it.
async function inspect(): Promise<void> {
  await ready();
  const report = [...(await inspectStream('retry: 5\\nid: 1\\ndata: x\\n\\n')), ...(await inspectStream(new TextEncoder().encode('data: y\\n\\n')))];
  for (const entry of report) {
  switch (entry.kind) {
    case 'event': {
      const parts: [string, string, string] = [entry.type, entry.data, entry.lastEventId];
      void parts;
      break;
    }
    case 'retry': {
      const ms: number = entry.retry;
      void ms;
      break;
    }
    case 'ignored': {
      const why: [string, string] = [entry.line, entry.reason];
      void why;
      break;
    }
    case 'incomplete': {
      const pending: [number, number] = [entry.pendingLine, entry.pendingData];
      void pending;
      break;
    }
  }
  }
}
// @ts-expect-error: a stream is text or bytes
inspectStream(42);

export { creds, url, states, es, fromCtor, Back, back, ownInit, sse, poly, poly2, native, transport, target, wrong, notString, consume, held, inspect };
`;

const BUNDLER_USAGE = `// The same types under moduleResolution bundler (Vite's and esbuild's users).
import { EventSource, isPolyfill, environment } from 'eventsource-wasm';

const es = new EventSource('/events', { withCredentials: true });
es.addEventListener('custom', (e) => { const m: MessageEvent = e; return m.data; });
es.onmessage = (e) => e.lastEventId;
const open: boolean = es.readyState === EventSource.OPEN;
const poly: boolean = isPolyfill(EventSource) && environment().native;
export { es, open, poly };
`;

const OPTIONS = `// The README's "Options": the second argument takes withCredentials plus
// transport: 'fetch' | 'xhr'.
import { EventSource, type EventSourceInit } from 'eventsource-wasm';

const viaXhr = new EventSource('/events', { transport: 'xhr' });
const viaFetch = new EventSource('/events', { withCredentials: true, transport: 'fetch' });
const init: EventSourceInit = { transport: 'xhr' };
const viaInit = new EventSource('/events', init);
// @ts-expect-error: there is no such transport
new EventSource('/events', { transport: 'websocket' });
export { viaXhr, viaFetch, viaInit };
`;

const SHARED = `// The README's shared stream, persistence, resumption by another request,
// and open events that say whether they reopen and from which ID.
import { EventSource, sharing, environment } from 'eventsource-wasm';

const tabs = new EventSource('/events', { shared: true, persistLastEventId: 'session' });
const keyed = new EventSource('/events', { shared: 'room-1', persistLastEventId: { storage: 'local', key: 'k' } });
const own = new EventSource('/events', { persistLastEventId: { storage: localStorage } });
const how = sharing(tabs);
if (how !== null) {
  const mode: 'shared' | 'own' = how.mode;
  const leading: boolean = how.leading;
  void [mode, leading];
}
const can: boolean = environment().shared;
const chat = new EventSource('/chat', {
  method: 'POST',
  body: JSON.stringify({ prompt: 'hi' }),
  beforeReconnect: ({ lastEventId }) => ({ url: '/chat/stream/1', method: 'GET', headers: { 'X-Resume': lastEventId } }),
});
chat.onopen = (e) => {
  const again: boolean | undefined = e.reopened;
  const from: string | undefined = e.resumedFrom;
  void [again, from];
};
// @ts-expect-error: shared is a boolean or a key
new EventSource('/events', { shared: 1 });
// @ts-expect-error: there is no such storage
new EventSource('/events', { persistLastEventId: 'cookie' });
export { tabs, keyed, own, can, chat };
`;

const ERROR_DETAILS = `// The README: error events carry reason, status and message (read-only).
import { EventSource } from 'eventsource-wasm';

const es = new EventSource('/events');
es.onerror = (e) => {
  if (e.reason === 'status') console.log(e.status, e.message);
};
es.addEventListener('error', (e) => {
  const reason: string | undefined = e.reason;
  const status: number | undefined = e.status;
  const message: string | undefined = e.message;
  void [reason, status, message];
});
export { es };
`;

const AUTO = `// eventsource-wasm/auto: the same exports, and the global EventSource is
// lib.dom's type (installed where missing).
import 'eventsource-wasm/auto';
import { EventSource as Explicit, isPolyfill, environment } from 'eventsource-wasm/auto';
import { EventSource as Main } from 'eventsource-wasm';

const global = new EventSource('/events');
global.onmessage = (e) => e.data;
const same: typeof Main = Explicit;
const back: typeof Explicit = Main;
const poly: boolean = isPolyfill(EventSource);
const native: boolean = environment().native;
export { global, same, back, poly, native };
`;

const STATIC = `// eventsource-wasm/static: the same exported types as the main entry, under
// nodenext and bundler resolution (service workers, unsplit bundles).
import { EventSource as Static, isPolyfill, sharing, type EventSourceInit } from 'eventsource-wasm/static';
import { EventSource as Main } from 'eventsource-wasm';

const init: EventSourceInit = { shared: true };
const es = new Static('/events', init);
es.onmessage = (e) => e.data;
const same: typeof Main = Static;
const back: typeof Static = Main;
const poly: boolean = isPolyfill(Static) && sharing(es) !== undefined;
// @ts-expect-error: there is no such transport
new Static('/events', { transport: 'websocket' });
export { es, same, back, poly };
`;

const CJS = `// A CommonJS TypeScript file: require() gets the CJS build and its types.
import esw = require('eventsource-wasm');
import auto = require('eventsource-wasm/auto');

const es: esw.EventSource = new esw.EventSource('/x', { withCredentials: true });
es.addEventListener('custom', (e) => e.data);
const same: typeof esw.EventSource = auto.EventSource;
const ok: boolean = esw.isPolyfill(es.constructor) && esw.supportsSSE();
export = { es, same, ok };
`;

// ── the runs ─────────────────────────────────────────────────────────────

const CASES = [
  { name: 'usage.ts', title: 'usage.ts: every export as a user writes it, interchangeable with lib.dom (nodenext)', source: USAGE, flags: NODENEXT },
  { name: 'usage-bundler.ts', title: 'the class under moduleResolution bundler (Vite, esbuild users)', source: BUNDLER_USAGE, flags: BUNDLER },
  { name: 'options.ts', title: "the documented transport option ('fetch' | 'xhr') is accepted", source: OPTIONS, flags: NODENEXT },
  { name: 'shared.ts', title: 'the documented shared, persistLastEventId, beforeReconnect requests and open-event fields are declared', source: SHARED, flags: NODENEXT },
  { name: 'error-details.ts', title: 'the documented error-event fields (reason, status, message) are declared', source: ERROR_DETAILS, flags: NODENEXT },
  { name: 'auto.ts', title: "'eventsource-wasm/auto' has the same exported types", source: AUTO, flags: NODENEXT },
  { name: 'static.ts', title: "'eventsource-wasm/static' has the same exported types (nodenext)", source: STATIC, flags: NODENEXT },
  { name: 'static-bundler.ts', title: "'eventsource-wasm/static' has the same exported types (moduleResolution bundler)", source: STATIC, flags: BUNDLER },
  { name: 'cjs.cts', title: "a CommonJS .cts file: import x = require('eventsource-wasm') (nodenext)", source: CJS, flags: NODENEXT },
  { name: 'cjs-node16.cts', title: "a CommonJS .cts file under module node16: require gets CJS-format types", source: CJS, flags: NODE16 },
];

let installed;
const runs = new Map(); // flags (joined) → Promise<{code, stdout, stderr, timedOut}>

// One tsc per configuration, over all of that configuration's files (each
// run costs seconds, mostly reading lib.dom); diagnostics are attributed to
// files by tsc's `file(line,col): error …` lines.
const configOf = (c) => c.flags.join(' ');

before(async () => {
  installed = await packAndInstall('types');
  for (const c of CASES) await writeFile(join(installed.project, c.name), c.source);
  for (const config of new Set(CASES.map(configOf))) {
    const names = CASES.filter((c) => configOf(c) === config).map((c) => c.name);
    const args = [TSC, '--noEmit', '--strict', '--pretty', 'false', '--lib', 'es2022,dom', ...config.split(' '), ...names];
    runs.set(config, run(process.execPath, args, { cwd: installed.project, timeout: 90000 }));
  }
});

after(async () => {
  await Promise.allSettled(runs.values());
  await installed?.cleanup();
});

/** tsc's diagnostics, each with the file it is in ('' for global ones). */
function diagnostics(output) {
  const list = [];
  for (const line of output.split('\n')) {
    if (!line.trim()) continue;
    const m = /^(.+?)\(\d+,\d+\): (error|warning)/.exec(line);
    if (m) list.push({ file: m[1], text: line });
    else if (/^error|^warning/.test(line) || list.length === 0) list.push({ file: '', text: line });
    else list[list.length - 1].text += `\n${line}`; // continuation of the previous one
  }
  return list;
}

const ours = new Set(CASES.map((c) => c.name));

for (const c of CASES) {
  test(`types: ${c.title}`, async () => {
    const result = await runs.get(configOf(c));
    assert.ok(!result.timedOut, 'tsc timed out');
    const all = diagnostics(`${result.stdout}${result.stderr}`);
    // This file's diagnostics, and any that belong to no user file (global
    // ones, or errors inside the package's .d.ts files).
    const mine = all.filter((d) => d.file === c.name || !ours.has(d.file)).map((d) => d.text);
    assert.deepEqual(mine, [], `tsc ${configOf(c)} reported for ${c.name}:\n${mine.join('\n')}`);
    if (all.length === 0) assert.equal(result.code, 0, 'tsc printed nothing but did not exit 0');
  });
}
