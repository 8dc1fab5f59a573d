// The benchmark streams, generated deterministically: the server (Node)
// builds the bytes from these functions and the page (Chromium) builds what
// every event must look like from the same functions, so each run can check
// that every event arrived intact and in order. No Node or DOM APIs here.

/** Full-size scenarios (`npm run bench`). `size` is the data of one event, in UTF-8 bytes. */
export const FULL = {
  small: { kind: 'ascii', events: 100_000, size: 32 },
  medium: { kind: 'ascii', events: 20_000, size: 1024 },
  // The medium stream as a server that writes in 256 KiB pieces delivers
  // it (issue 25: ours was 0.79–0.84× native there, 1.16× in 64 KiB writes).
  bulk: { kind: 'ascii', events: 20_000, size: 1024, write: 256 * 1024 },
  large: { kind: 'ascii', events: 200, size: 1 << 20 },
  utf8: { kind: 'utf8', events: 20_000, size: 1024 },
  odd: { kind: 'odd', events: 20_000, writes: [1, 7, 13, 1000] },
  latency: { kind: 'latency', events: 200, rate: 50 },
  memory: { kind: 'ascii', events: 12_800, size: 16 * 1024 },
};

/** `--quick`: the same shapes, about a fifth of the size. */
export const QUICK = {
  small: { ...FULL.small, events: 20_000 },
  medium: { ...FULL.medium, events: 4_000 },
  bulk: { ...FULL.bulk, events: 4_000 },
  large: { ...FULL.large, events: 40 },
  utf8: { ...FULL.utf8, events: 4_000 },
  odd: { ...FULL.odd, events: 4_000 },
  latency: { ...FULL.latency, events: 50 },
  memory: { ...FULL.memory, events: 1_280 },
};

/** How many distinct event bodies a stream cycles through. */
export const BODIES = 7;

function xorshift(seed) {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

// Printable ASCII without CR/LF (the only bytes data cannot carry).
const ASCII = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:!?-_=+*/()[]{}<>@#$%&\'"~`^|\\';
// 1-, 2-, 3- and 4-byte UTF-8 (the 4-byte ones are surrogate pairs in UTF-16).
const MIXED = ['a', 'é', '中', '😀', 'b', 'ж', '€', '𝄞', 'Z', 'ß', '語', '🎉', ' ', 'ñ', 'ア', '🚀'];

export function utf8Length(s) {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** The 8-character header that starts event i's data: it proves order. */
export function header(i) {
  return '#' + String(i).padStart(7, '0');
}

/** Body k of a stream: `bytes` UTF-8 bytes of ASCII or of mixed 1–4-byte characters. */
export function body(kind, bytes, k) {
  const next = xorshift(0x51ed + k * 7919 + bytes * 31 + (kind === 'utf8' ? 1 : 0));
  if (kind === 'ascii') {
    const parts = [];
    for (let i = 0; i < bytes; i++) parts.push(ASCII[(next() * ASCII.length) | 0]);
    return parts.join('');
  }
  const parts = [];
  let n = 0;
  while (n < bytes) {
    let c = MIXED[(next() * MIXED.length) | 0];
    const len = utf8Length(c);
    if (n + len > bytes) c = ASCII[(next() * 26) | 0];
    parts.push(c);
    n += utf8Length(c);
  }
  return parts.join('');
}

/** The bodies of a data-only stream (ascii/utf8): event i's data is header(i) + bodies[i % BODIES]. */
export function bodies(spec) {
  const out = [];
  for (let k = 0; k < BODIES; k++) out.push(body(spec.kind, spec.size - 8, k));
  return out;
}

/**
 * The "odd" stream: every event is one of six shapes — LF, CRLF and CR-only
 * line ends, custom `event:` types, multi-line data, a field without a colon,
 * comments, `id:` (set and reset), `retry:`, no space after the colon — with
 * data of 8–160 bytes, some of it multi-byte UTF-8. Returns the wire text and,
 * per event, what a listener must see: type, data, lastEventId.
 */
export function oddStream(events) {
  const next = xorshift(0x0dd);
  const text = (max) => {
    const n = (next() * max) | 0;
    let s = '';
    for (let j = 0; j < n; j++) s += next() < 0.2 ? MIXED[(next() * MIXED.length) | 0] : ASCII[(next() * ASCII.length) | 0];
    return s;
  };
  const wire = [];
  const types = [];
  const data = [];
  const ids = [];
  let lastId = '';
  for (let i = 0; i < events; i++) {
    const d = header(i) + text(150);
    let type = 'message';
    let value = d;
    switch (i % 6) {
      case 0:
        if (i % 12 === 0) {
          // `id` with no colon: the last event ID becomes empty.
          wire.push(`id\ndata: ${d}\n\n`);
          lastId = '';
        } else wire.push(`data: ${d}\n\n`);
        break;
      case 1:
        type = 'alpha';
        wire.push(`event: alpha\ndata: ${d}\n\n`);
        break;
      case 2: {
        type = 'beta';
        const second = text(40);
        value = `${d}\n${second}`;
        wire.push(`event: beta\r\ndata: ${d}\r\ndata: ${second}\r\n\r\n`);
        break;
      }
      case 3:
        lastId = `i${i}`;
        wire.push(`: a comment ${text(20).replace(/[\r\n]/g, '')}\nid: ${lastId}\ndata:${d}\n\n`);
        break;
      case 4:
        type = 'alpha';
        wire.push(`event: alpha\rdata: ${d}\r\r`);
        break;
      default:
        type = 'gamma';
        value = `\n${d}`;
        wire.push(`retry: 1000\nevent: gamma\ndata\ndata: ${d}\n\n`);
    }
    types.push(type);
    data.push(value);
    ids.push(lastId);
  }
  return { wire: wire.join(''), types, data, ids };
}

export const ODD_TYPES = ['message', 'alpha', 'beta', 'gamma'];

// The Node parser figure's streams (`id: N` + `data:` per event): what `cargo bench -p eventsource-core --bench
// parser` parsed before it became ours against sse-stream on streams of its own (its table is printed
// as it is), kept so that the wasm and JS figures stay comparable from run to run.
export const PARSER_STREAMS = {
  p32: { label: '32 B', events: 200_000, data: () => cargoAscii(32) },
  p1k: { label: '1 KiB', events: 20_000, data: () => cargoAscii(1024) },
  p1m: { label: '1 MiB', events: 32, data: () => cargoAscii(1 << 20) },
  p1ku: { label: '1 KiB utf-8', events: 20_000, data: () => cargoMixed(1024) },
};

function cargoAscii(len) {
  let s = '';
  for (let i = 0; i < len; i++) s += String.fromCharCode(97 + (i % 26));
  return s;
}

function cargoMixed(len) {
  const pieces = ['a', 'é', '中', '😀', 'b', 'ж', '€', '𝄞'];
  let s = '';
  let bytes = 0;
  let i = 0;
  while (bytes < len) {
    const p = pieces[i % pieces.length];
    s += p;
    bytes += utf8Length(p);
    i++;
  }
  return s;
}

/** crates/eventsource-core/benches/parser.rs's `stream()`: `id: i\ndata: DATA\n\n` per event. */
export function parserStreamText(events, data) {
  const parts = [];
  for (let i = 0; i < events; i++) parts.push(`id: ${i}\ndata: ${data}\n\n`);
  return parts.join('');
}

// Many sources in one Node process (node-many.mjs): every source gets
// `events` events at `rate` per second, `id: n` + one JSON data line of
// about 230 bytes that says which source and which event it is, so each
// listener can check every event it gets.
export const MANY = {
  full: { sources: 1000, rate: 10, events: 300, warmupMs: 4000, windowMs: 20000, rounds: 2 },
  quick: { sources: 1000, rate: 10, events: 80, warmupMs: 2000, windowMs: 4000, rounds: 1 },
};

const MANY_PAYLOADS = (() => {
  const out = [];
  for (let k = 0; k < BODIES; k++) out.push(body('ascii', 178, 0x3a7 + k).replace(/["\\]/g, '_'));
  return out;
})();

/** Event n of source i in the many-sources stream (a JSON text, ~230 bytes). */
export function manyData(i, n) {
  return `{"source":${i},"seq":${n},"type":"tick","payload":"${MANY_PAYLOADS[n % BODIES]}"}`;
}
