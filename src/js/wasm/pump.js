import { contain } from './guard.js';

// Bound by src/web/fetch.rs. The body's read loop, in JavaScript: a read,
// and the next once its chunk is fed, until the body ends or fails or
// `stop(slot)` (the request was dropped). `chunk(view)` gets each chunk,
// `end({ ok, value })` the end (ok) or the read's error (not ok, value the
// reason), once (one argument each: every closure of the wasm takes one,
// src/web/guard.rs); each is guarded as guard.rs's
// calls are (a trap is contained: the source was poisoned, and stops us). So
// a chunk costs one call into the wasm, and no closure, promise callback or
// handle is made per read.
//
// Browsers' fetch bodies are byte streams: a BYOB reader fills a buffer of
// ours, which comes back with each chunk and is read into again, so a long
// stream leaves no ArrayBuffer per chunk behind; a read that filled it
// doubles it for the next, from `size` up to `max` bytes, so a quiet stream
// holds a small buffer and a fast one gets large reads after a few. Where
// the streams are written in JavaScript (Node's undici: each chunk is a
// fresh buffer anyway), a BYOB read costs a copy and a transfer more than
// a default read (measured: 1,000 sources, 42–46 against 35–39 µs of CPU
// per event), so there, and for a body that is no byte stream, the
// default reader.
const JS_STREAMS = typeof process === 'object' && process !== null && typeof process.versions?.node === 'string';
function byob(body) {
  if (JS_STREAMS) return null;
  try {
    return body.getReader({ mode: 'byob' });
  } catch {
    return null;
  }
}
export function pump(body, size, max, chunk, end) {
  const slot = { live: true };
  const filled = byob(body);
  const reader = filled ?? body.getReader();
  let view = filled ? new Uint8Array(size) : null;
  const finish = (ok, value) => {
    if (!slot.live) return;
    slot.live = false;
    try {
      end({ ok, value });
    } catch (error) {
      contain(error);
    }
  };
  const failed = (reason) => finish(false, reason);
  const step = (result) => {
    if (!slot.live) return;
    if (result.done) return finish(true, undefined);
    const value = result.value;
    try {
      chunk(value);
    } catch (error) {
      // A trap: the source is poisoned, nothing more is read.
      slot.live = false;
      contain(error);
    }
    if (!slot.live) return;
    if (view !== null) {
      const buffer = value.buffer;
      view = value.length === buffer.byteLength && buffer.byteLength < max ? new Uint8Array(buffer.byteLength * 2) : new Uint8Array(buffer);
    }
    read();
  };
  const read = () => {
    let promise;
    try {
      promise = view === null ? reader.read() : reader.read(view);
    } catch (error) {
      return failed(error);
    }
    promise.then(step, failed);
  };
  read();
  return slot;
}
export function stop(slot) {
  slot.live = false;
}
