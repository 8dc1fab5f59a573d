// The chaos soak's stream, as a pure function of (seed, n): what event n
// looks like on the wire and what a correct client must make of it. Shared by
// the chaos server (Node), the soak's Node client and its Chromium page
// (served by the chaos server as /soak/stream.mjs), so no Node API here.
//
// Every event carries `id: n`; its data's first line is `n:checksum` (FNV-1a
// of the other lines), so a corrupted event is recognisable even without the
// generator. The other lines mix ASCII with 2-, 3- and 4-byte UTF-8 (so a cut
// can fall inside a sequence), the odd NUL, U+FEFF and leading spaces; the
// events use LF, CRLF or CR line ends (so a cut can fall between CR and LF),
// some carry `event: tick`, comments and unknown fields, fields in varying
// order and `data:` with or without the optional space.

/** mulberry32: a small, fast, seeded PRNG returning floats in [0, 1). */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit hash of (seed, n, salt): independent PRNG streams per event, per connection. */
export function mix(seed, n, salt) {
  let h = (seed ^ Math.imul(salt + 1, 0x9e3779b1)) >>> 0;
  for (const v of [n & 0xffff, n >>> 16, salt]) {
    h = Math.imul(h ^ v, 0x85ebca6b) >>> 0;
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
    h = (h ^ (h >>> 16)) >>> 0;
  }
  return h;
}

/** FNV-1a over the UTF-16 code units, as 8 hex digits. */
export function checksum(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

const ASCII = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 :;,.-_=+*/#!?"\'{}[]<>|~^`@$%&()';
// 2-byte, 3-byte and 4-byte UTF-8 (the last two are surrogate pairs in JS).
const WIDE = ['é', 'ß', 'ж', 'ع', '€', '漢', '字', 'ア', '\u2028', '𝄞', '😀', '🦀', '𐍈'];
const RARE = ['\u0000', '\uFEFF', '\u00A0'];

function line(rng) {
  const length = Math.floor(rng() * 48);
  let out = '';
  for (let i = 0; i < length; i++) {
    const r = rng();
    if (r < 0.3) out += WIDE[Math.floor(rng() * WIDE.length)];
    else if (r < 0.31) out += RARE[Math.floor(rng() * RARE.length)];
    else out += ASCII[Math.floor(rng() * ASCII.length)];
  }
  return out;
}

const EOLS = ['\n', '\r\n', '\r'];

/**
 * Event n of the stream for `seed`: `{ n, type, data, eol, wire }`, where
 * `wire` is its text on the wire (ending with the blank line) and `type`,
 * `data` what the client must dispatch (with lastEventId String(n)).
 */
export function eventFor(seed, n) {
  const rng = prng(mix(seed, n, 1));
  const lines = [];
  const count = rng() < 0.6 ? 1 : 2 + Math.floor(rng() * 3);
  for (let i = 0; i < count; i++) lines.push(line(rng));
  // Now and then a line that starts with spaces or is empty.
  if (rng() < 0.1) lines.push(`  ${line(rng)}`);
  if (rng() < 0.05) lines.push('');
  const rest = lines.join('\n');
  const data = `${n}:${checksum(rest)}\n${rest}`;
  const type = rng() < 0.2 ? 'tick' : 'message';
  const r = rng();
  const eol = r < 0.5 ? EOLS[0] : r < 0.85 ? EOLS[1] : EOLS[2];

  const fields = [];
  for (const value of data.split('\n')) {
    // `data:` + value is the same as `data: ` + value unless the value
    // starts with a space (one space after the colon is dropped).
    fields.push(value.startsWith(' ') || rng() < 0.5 ? `data: ${value}` : `data:${value}`);
  }
  const id = rng() < 0.5 ? `id: ${n}` : `id:${n}`;
  // The id line first, last, or in the middle.
  const at = Math.floor(rng() * (fields.length + 1));
  fields.splice(at, 0, id);
  if (type === 'tick') fields.splice(Math.floor(rng() * (fields.length + 1)), 0, rng() < 0.5 ? 'event: tick' : 'event:tick');
  if (rng() < 0.1) fields.splice(Math.floor(rng() * (fields.length + 1)), 0, `: comment ${line(rng)}`);
  if (rng() < 0.05) fields.splice(Math.floor(rng() * (fields.length + 1)), 0, `x-unknown: ${n}`);
  const wire = fields.map((f) => f + eol).join('') + eol;
  return { n, type, data, eol, wire };
}

/**
 * What a client saw, checked against the stream as it arrives. `onEvent`
 * for each dispatched event (any type); `summary()` at the end.
 */
export function createChecker(seed, total) {
  const seen = new Uint8Array(total + 1);
  let received = 0;
  let duplicated = 0;
  let corrupted = 0;
  let outOfOrder = 0;
  let last = 0;
  let distinct = 0;
  const problems = [];
  const note = (what) => {
    if (problems.length < 20) problems.push(what);
  };
  return {
    onEvent(type, data, lastEventId) {
      received++;
      const n = /^[1-9]\d*$/.test(lastEventId) ? Number(lastEventId) : NaN;
      if (!(n >= 1 && n <= total)) {
        corrupted++;
        note({ problem: 'bad lastEventId', lastEventId, type, data: data.slice(0, 80) });
        return;
      }
      if (seen[n]) {
        duplicated++;
        note({ problem: 'duplicate', n, after: last });
      } else {
        seen[n] = 1;
        distinct++;
        if (n !== last + 1) {
          outOfOrder++;
          note({ problem: 'out of order', n, after: last });
        }
        last = n;
      }
      const expected = eventFor(seed, n);
      if (type !== expected.type || data !== expected.data) {
        corrupted++;
        note({ problem: 'corrupted', n, type, expectedType: expected.type, data, expected: expected.data });
      }
    },
    get done() {
      return seen[total] === 1;
    },
    get received() {
      return received;
    },
    summary() {
      return { events: total, received, distinct, lost: total - distinct, duplicated, corrupted, outOfOrder, problems };
    },
  };
}

/**
 * Feeds every event of `es` to `checker` until it has them all, the source
 * closes for good, or `timeout` ms pass; resolves with what the client saw
 * (opens, errors, the closing errors' reasons, whether it timed out). Runs in
 * Node and in the page alike.
 */
export function watch(es, checker, timeout) {
  const client = { opens: 0, errors: 0, closedErrors: [], timedOut: false };
  return new Promise((resolve) => {
    const finish = () => {
      clearTimeout(timer);
      es.close();
      resolve(client);
    };
    const timer = setTimeout(() => {
      client.timedOut = true;
      finish();
    }, timeout);
    const onEvent = (e) => {
      checker.onEvent(e.type, e.data, e.lastEventId);
      if (checker.done) finish();
    };
    es.addEventListener('message', onEvent);
    es.addEventListener('tick', onEvent);
    es.onopen = () => client.opens++;
    es.onerror = (e) => {
      client.errors++;
      if (es.readyState === 2) {
        client.closedErrors.push({ reason: e.reason, message: e.message });
        finish();
      }
    };
  });
}
