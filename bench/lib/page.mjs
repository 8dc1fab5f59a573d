// The in-page half of the browser benchmarks. The page served at /page
// defines window.__ES (the implementation under test: ours, the native
// EventSource, `eventsource`, `event-source-polyfill`, an adapter over
// `@microsoft/fetch-event-source`) and window.__ready (a promise for ours'
// core); run.mjs calls prepare() (untimed: builds what every event must be,
// and waits for ours' WebAssembly core, whose start-up is measured apart)
// and then run().
//
// Each listener reads event.data and checks it against the expected event,
// in order (header with the sequence number, exact body, type, lastEventId),
// so a run that loses, reorders or corrupts an event is a failure.

import { header, bodies, oddStream, ODD_TYPES } from './scenarios.mjs';

let x = null;

export async function prepare(name, spec) {
  // Ours compiles its core in the background; a source made before it is
  // ready waits for it. Start-up is a figure of its own: here, have it first.
  if (window.__ready) await window.__ready;
  x = { name, spec, events: spec.events };
  if (spec.kind === 'ascii' || spec.kind === 'utf8') {
    x.bodies = bodies(spec);
    x.headers = [];
    for (let i = 0; i < spec.events; i++) x.headers.push(header(i));
    x.lengths = x.bodies.map((b) => b.length + 8);
    x.types = ['message'];
    let sum = 0;
    for (let i = 0; i < spec.events; i++) sum += x.lengths[i % x.bodies.length];
    x.expectedSum = sum;
  } else if (spec.kind === 'odd') {
    const o = oddStream(spec.events);
    x.data = o.data;
    x.typeOf = o.types;
    x.ids = o.ids;
    x.types = ODD_TYPES;
    x.expectedSum = o.data.reduce((s, d) => s + d.length, 0);
  } else if (spec.kind === 'latency') {
    x.types = ['message'];
  }
  return true;
}

/**
 * What the platform charges per event, whatever the parser: µs per call, the
 * best of 3 × n, in this page. A polyfill that dispatches real MessageEvents
 * pays "construct + dispatch" per event at least.
 */
export function eventFloor(n = 100000) {
  const data = 'x'.repeat(32);
  const out = {};
  const target = new EventTarget();
  let sink = 0;
  target.addEventListener('message', (e) => {
    sink += e.data.length;
  });
  const time = (name, f) => {
    for (let r = 0; r < 3; r++) {
      const t0 = performance.now();
      for (let i = 0; i < n; i++) f();
      const us = ((performance.now() - t0) * 1000) / n;
      out[name] = Math.min(out[name] ?? Infinity, us);
    }
  };
  time('new MessageEvent(type, { data, origin, lastEventId })', () => new MessageEvent('message', { data, origin: 'http://127.0.0.1:1', lastEventId: '' }));
  time('new MessageEvent(type, { data, origin })', () => new MessageEvent('message', { data, origin: 'http://127.0.0.1:1' }));
  time('new MessageEvent(type, { data, lastEventId })', () => new MessageEvent('message', { data, lastEventId: '' }));
  time('new MessageEvent(type, { data })', () => new MessageEvent('message', { data }));
  time('new Event(type)', () => new Event('message'));
  time('a plain object { type, data, origin, lastEventId }', () => ({ type: 'message', data, origin: 'http://127.0.0.1:1', lastEventId: '' }));
  // One init dictionary reused, its members reassigned per event (what ours does).
  const init = { data: null, origin: 'http://127.0.0.1:1', lastEventId: '' };
  const reused = () => {
    init.data = data;
    init.lastEventId = '';
    return new MessageEvent('message', init);
  };
  time('new MessageEvent(type, init), one init reused', reused);
  time('new MessageEvent(type) + initMessageEvent(type, false, false, data, origin, lastEventId)', () => {
    const e = new MessageEvent('message');
    e.initMessageEvent('message', false, false, data, 'http://127.0.0.1:1', '');
    return e;
  });
  // What ours does in browsers (src/js/link.js): Chromium parses an
  // origin-shaped string given to a MessageEvent, so a subclass per origin
  // answers `origin` from its prototype and the event is initialized with ''.
  class PerOrigin extends MessageEvent {}
  Object.defineProperty(PerOrigin.prototype, 'origin', { get: () => 'http://127.0.0.1:1', enumerable: true, configurable: true });
  Object.defineProperty(PerOrigin.prototype, 'constructor', { value: MessageEvent, writable: true, configurable: true });
  const perOrigin = () => {
    const e = new PerOrigin('message');
    e.initMessageEvent('message', false, false, data, '', '');
    return e;
  };
  time('new MessageEvent(type, { data, origin: an equally long string not shaped as an origin, lastEventId })', () => new MessageEvent('message', { data, origin: 'abcdefghijklmnopqr', lastEventId: '' }));
  time('a subclass per origin answering origin, + initMessageEvent(type, false, false, data, "", lastEventId) (ours)', perOrigin);
  time('construct + dispatchEvent to one listener reading e.data', () => target.dispatchEvent(new MessageEvent('message', { data, origin: 'http://127.0.0.1:1', lastEventId: '' })));
  time('construct (one init reused) + dispatchEvent to one listener reading e.data', () => target.dispatchEvent(reused()));
  time('construct (a subclass per origin, ours) + dispatchEvent to one listener reading e.data', () => target.dispatchEvent(perOrigin()));
  out.sink = sink;
  return out;
}

const clock = () => performance.timeOrigin + performance.now();

/** Server clock minus page clock, from the /clock round trip with the smallest RTT. */
export async function clockOffset(rounds = 50) {
  let best = { rtt: Infinity, offset: 0 };
  for (let i = 0; i < rounds; i++) {
    const a = clock();
    const r = await fetch('/clock', { cache: 'no-store' });
    const s = Number(await r.text());
    const b = clock();
    if (b - a < best.rtt) best = { rtt: b - a, offset: s - (a + b) / 2 };
  }
  return best;
}

/**
 * Stream `url` through window.__ES and check every event. Resolves with the
 * count, the failures, the checksum (sum of data lengths) and the times.
 * opts.unread: the listener counts events and reads only the last one's data.
 * opts.sampleMemory: also track the JS heap's used size after every event
 * (performance.memory, precise with --enable-precise-memory-info).
 */
export function run(url, opts = {}) {
  const ES = window.__ES;
  const N = x.events;
  const kind = x.spec.kind;
  return new Promise((resolve) => {
    let n = 0;
    let bad = 0;
    let firstBad = null;
    // A wrong lastEventId is a spec deviation, not lost data: counted apart.
    let deviations = 0;
    let firstDeviation = null;
    let sum = 0;
    let errors = 0;
    let tFirst = 0;
    // Whether the events the listener gets are real MessageEvents (the
    // platform's objects) or plain objects: the throughput targets compare
    // ours with the peers of the first kind.
    let real = null;
    let heapBase = 0;
    let heapPeak = 0;
    // opts.liveEvery: a full GC (gc(), --js-flags=--expose-gc) every that many
    // events, then the heap: what is live mid-stream, garbage excluded.
    const liveEvery = opts.liveEvery || 0;
    let livePeak = 0;
    const latencies = kind === 'latency' ? [] : null;
    const sample = !!opts.sampleMemory && performance.memory;
    if (sample) heapBase = heapPeak = livePeak = performance.memory.usedJSHeapSize;
    let finished = false;
    let es;
    let watchdog;
    const finish = (why) => {
      if (finished) return;
      finished = true;
      const t1 = performance.now();
      clearInterval(watchdog);
      try {
        es.close();
      } catch {
        // closed already
      }
      resolve({
        impl: opts.impl,
        n,
        N,
        bad,
        firstBad,
        deviations,
        firstDeviation,
        sum,
        expectedSum: x.expectedSum ?? null,
        errors,
        why,
        ms: t1 - t0,
        msFromFirst: tFirst ? t1 - tFirst : null,
        heapBase,
        heapPeak,
        livePeak,
        latencies,
        real,
      });
    };
    const fail = (i, e, what) => {
      bad++;
      if (firstBad === null) {
        const d = typeof e.data === 'string' ? e.data : String(e.data);
        firstBad = { i, what, type: e.type, length: d.length, head: d.slice(0, 40), tail: d.slice(-20), lastEventId: e.lastEventId };
      }
    };
    let onEvent;
    if (opts.unread && (kind === 'ascii' || kind === 'utf8')) {
      // A listener that does not touch event.data (bench/shape.mjs): native
      // makes the string only when it is read. Only the last event's data is
      // read and checked, with the count.
      const { headers, bodies: B, lengths } = x;
      onEvent = (e) => {
        const i = n++;
        if (i === 0) {
          tFirst = performance.now();
          real = e instanceof MessageEvent;
        }
        if (n === N) {
          const d = e.data;
          const k = i % B.length;
          if (d.length !== lengths[k] || !d.startsWith(headers[i]) || d.slice(8) !== B[k]) fail(i, e, 'data');
          sum = x.expectedSum;
          finish('done');
        }
      };
    } else if (kind === 'ascii' || kind === 'utf8') {
      const { headers, bodies: B, lengths } = x;
      const K = B.length;
      onEvent = (e) => {
        const d = e.data;
        const i = n++;
        if (i === 0) {
          tFirst = performance.now();
          real = e instanceof MessageEvent;
        }
        const k = i % K;
        if (d.length !== lengths[k] || !d.startsWith(headers[i]) || d.slice(8) !== B[k]) fail(i, e, 'data');
        sum += d.length;
        if (sample) {
          if (liveEvery && n % liveEvery === 0) {
            window.gc();
            const u = performance.memory.usedJSHeapSize;
            if (u > livePeak) livePeak = u;
          }
          const u = performance.memory.usedJSHeapSize;
          if (u > heapPeak) heapPeak = u;
        }
        if (n === N) finish('done');
      };
    } else if (kind === 'odd') {
      const { data, typeOf, ids } = x;
      onEvent = (e) => {
        const d = e.data;
        const i = n++;
        if (i === 0) {
          tFirst = performance.now();
          real = e instanceof MessageEvent;
        }
        if (d !== data[i]) fail(i, e, 'data');
        else if (e.type !== typeOf[i]) fail(i, e, 'type');
        else if (e.lastEventId !== ids[i]) {
          deviations++;
          if (firstDeviation === null) firstDeviation = { i, what: 'lastEventId', expected: ids[i], got: e.lastEventId };
        }
        sum += d.length;
        if (n === N) finish('done');
      };
    } else {
      onEvent = (e) => {
        const now = clock();
        const d = e.data;
        const i = n++;
        if (i === 0) real = e instanceof MessageEvent;
        const parts = d.split(' ');
        if (Number(parts[0]) !== i || parts.length !== 3) fail(i, e, 'data');
        else latencies.push(now - Number(parts[1]));
        if (n === N) finish('done');
      };
    }
    let last = -1;
    let still = 0;
    const stallMs = opts.stallMs || 20000;
    watchdog = setInterval(() => {
      if (n !== last) {
        last = n;
        still = 0;
      } else if ((still += 500) >= stallMs) finish('stalled');
    }, 500);
    const t0 = performance.now();
    es = new ES(url);
    for (const type of x.types) es.addEventListener(type, onEvent);
    es.addEventListener('error', () => {
      errors++;
      if (es.readyState === 2) finish('error (closed)');
    });
  });
}
