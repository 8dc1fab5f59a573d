// Where a wasm module's bytes go, by crate: the size of each function's
// body in the code section, named by the module's `name` section (a build
// that kept it: wasm-opt -g), demangled far enough to say which crate (and,
// for eventsource-wasm, which layer) the function belongs to. Used by
// `npm run bench:rust-size -- --breakdown`.
//
// Attribution is by the function that holds the bytes: under LTO a callee
// inlined into its caller counts for the caller's crate; a method of
// `<T as Trait>` counts for T's crate (the trait's when T is a primitive
// or a generic T); `drop_in_place::<T>` for the crate of T (the cost of
// having a T); any other generic function for the crate that defines it.
// The data section (string literals, tables) has no names: it is one row.

import { wasmFunctionNames } from './builds.mjs';

/** A reader of unsigned LEB128 numbers in `bytes` from `at`. */
function reader(bytes, at) {
  return {
    at,
    u32() {
      let value = 0;
      for (let shift = 0; ; shift += 7) {
        const byte = bytes[this.at++];
        if (byte === undefined) throw new Error('truncated wasm: a LEB128 number runs past the end');
        value += (byte & 0x7f) * 2 ** shift;
        if (byte < 0x80) return value;
      }
    },
  };
}

/**
 * The module's functions and data: { functions: [{ index, name, size }],
 * data } where `size` is a body's bytes in the code section (with its size
 * prefix) and `data` the data section's bytes. Throws on a module without
 * a name section (a build that stripped it cannot be attributed).
 */
export function weigh(bytes) {
  if (bytes.length < 8 || bytes.readUInt32LE(0) !== 0x6d736100) throw new Error('not a wasm module (no \\0asm magic)');
  const r = reader(bytes, 8);
  let imported = 0;
  let data = 0;
  const functions = [];
  while (r.at < bytes.length) {
    const id = bytes[r.at++];
    const size = r.u32();
    const end = r.at + size;
    if (id === 2) {
      // Import section: only function imports (kind 0) take function indices.
      const limits = () => {
        const flags = bytes[r.at++];
        r.u32();
        if (flags & 1) r.u32();
      };
      for (let n = r.u32(); n > 0; n--) {
        for (const _ of ['module', 'field']) {
          const length = r.u32();
          r.at += length;
        }
        const kind = bytes[r.at++];
        if (kind === 0) {
          imported++;
          r.u32(); // type index
        } else if (kind === 1) {
          r.at++; // reference type
          limits();
        } else if (kind === 2) limits();
        else if (kind === 3) r.at += 2; // value type, mutability
        else throw new Error(`unknown import kind ${kind} at byte ${r.at - 1}`);
      }
    } else if (id === 10) {
      const count = r.u32();
      for (let i = 0; i < count; i++) {
        const start = r.at;
        const body = r.u32();
        r.at += body;
        const index = imported + i;
        functions.push({ index, size: r.at - start });
      }
    } else if (id === 11) data = size;
    if (end > bytes.length) throw new Error(`truncated wasm: section ${id} ends at byte ${end}, past the module's ${bytes.length}`);
    r.at = end;
  }
  const names = wasmFunctionNames(bytes);
  if (!names) throw new Error('the module has no name section: build it with names kept (wasm-opt -g, no --strip-debug)');
  return { functions: functions.map((f) => ({ index: f.index, name: names[f.index] ?? `(function ${f.index})`, size: f.size })), data };
}

// Legacy (`_ZN…E`) escapes, as rustc writes them.
const ESCAPES = { SP: '@', BP: '*', RF: '&', LT: '<', GT: '>', LP: '(', RP: ')', C: ',' };

/**
 * A Rust symbol as a path good enough to classify: legacy mangling
 * (`_ZN4core3ptr…drop_in_place$LT$…$GT$17h…E`) fully demangled without its
 * hash; v0 (`_RNv…`, std's) as its identifiers joined by `::` (enough for
 * the crate, which comes first). Anything else is returned as it is.
 */
export function demangle(symbol) {
  if (symbol.startsWith('_ZN') && symbol.endsWith('E')) {
    const parts = [];
    for (let at = 3; at < symbol.length - 1; ) {
      const m = /^\d+/.exec(symbol.slice(at));
      if (!m) break;
      at += m[0].length;
      parts.push(symbol.slice(at, at + Number(m[0])));
      at += Number(m[0]);
    }
    if (/^h[0-9a-f]{16}$/.test(parts.at(-1))) parts.pop();
    return parts
      .map((part) =>
        part
          .replace(/^_\$/, '$')
          .replace(/\.\./g, '::')
          .replace(/\$u([0-9a-f]+)\$/g, (_, hex) => String.fromCodePoint(parseInt(hex, 16)))
          .replace(/\$([A-Z]+)\$/g, (whole, code) => ESCAPES[code] ?? whole),
      )
      .join('::');
  }
  if (symbol.startsWith('_R')) {
    // v0: identifiers are <decimal length>[_]<bytes>; a disambiguator
    // (s<base62>_) or a back-reference (B<base62>_) is skipped, and every
    // other letter is a tag (N, C, X, I, E, …).
    const idents = [];
    for (let at = 2; at < symbol.length; ) {
      const skip = /^[sB][0-9a-zA-Z]*_/.exec(symbol.slice(at));
      const ident = /^(\d+)(_?)/.exec(symbol.slice(at));
      if (skip && !ident) at += skip[0].length;
      else if (ident) {
        const start = at + ident[0].length;
        idents.push(symbol.slice(start, start + Number(ident[1])));
        at = start + Number(ident[1]);
      } else at++;
    }
    return idents.join('::');
  }
  return symbol;
}

/**
 * The path whose crate a function's bytes count for, as described at the
 * top of this file. Takes the names wasm-bindgen writes (demangled, with
 * crate disambiguators `core[…]` and hashes `::h…`) or demangle()'s.
 */
function owner(name) {
  const path = name
    .replace(/\[[0-9a-f]+\]/g, '')
    .replace(/::h[0-9a-f]{16}$/, '')
    .replace(/\.\d+$/, '');
  const strip = (type) => type.replace(/^(&(mut )?|\*(const|mut) |dyn )+/, '');
  const isPath = (type) => /^[a-z_][a-z0-9_]*::/.test(type);
  // drop_in_place::<T>: the first crate named in T that is not core, alloc
  // or std (`Option<Rc<eventsource_wasm::…>>` is eventsource-wasm's).
  const glue = /^core::ptr::drop_in_place<(.*)>$/.exec(path);
  if (glue) {
    const crates = [...glue[1].matchAll(/(?:^|[<(, &*])([a-z_][a-z0-9_]*)::/g)].map((m) => m[1]);
    return `${crates.find((c) => !['core', 'alloc', 'std'].includes(c)) ?? 'core'}::ptr::drop_in_place`;
  }
  // <T as Trait>::f: T's crate when T is a path, else (a primitive, a
  // generic T, a slice) the trait's.
  const impl = /^<(.+?) as ([a-z_][a-z0-9_]*(?:::[A-Za-z0-9_]+)*)/.exec(path);
  if (impl) return isPath(strip(impl[1])) ? strip(impl[1]) : impl[2];
  // <T>::f, an inherent method: T's crate, or core's for a primitive.
  const inherent = /^<(.+?)>::/.exec(path);
  if (inherent) return isPath(strip(inherent[1])) ? strip(inherent[1]) : `core::${strip(inherent[1])}::${path.slice(inherent[0].length)}`;
  return path;
}

/**
 * The bucket a function's bytes go to: eventsource-wasm's layers
 * (core crate, Rust API, driver), the wasm-bindgen family, futures,
 * core::fmt (with float printing), the rest of core, alloc/std, the
 * allocators, gloo-net, reqwest & co, the app (`app`: its crate name) and
 * any other crate by its name.
 */
export function bucket(name, app) {
  if (/^(__wbg|__wbindgen|__externref|__wasm_bindgen)|^Closure\(| shim$/.test(name)) return 'wasm-bindgen, js-sys, web-sys';
  // wasm-bindgen names the start function `main`; compiler-builtins' are plain C names.
  if (name === 'main') return 'the app';
  if (/^(mem(cpy|set|move|cmp)|__(multi3|[a-z]+[sd]i3|[a-z]+ti3|[a-z]+[sd]f[23]))$/.test(name)) return 'compiler-builtins';
  const path = owner(demangle(name));
  const crate = /^[a-z_][a-z0-9_]*/.exec(path)?.[0];
  if (!crate || !path.includes('::')) return '(unnamed)';
  if (crate === 'eventsource_core') return 'eventsource-core (parser, machine)';
  if (crate === 'eventsource_wasm') return path.startsWith('eventsource_wasm::web::api') ? 'eventsource-wasm: Rust API (web::api)' : 'eventsource-wasm: driver, transports (web)';
  if (['wasm_bindgen', 'js_sys', 'web_sys'].includes(crate)) return 'wasm-bindgen, js-sys, web-sys';
  if (crate === 'wasm_bindgen_futures') return 'wasm-bindgen-futures';
  if (crate.startsWith('futures')) return 'futures';
  // core's formatting: core::fmt, float printing (flt2dec, bignum), Debug
  // escapes, and core's own types' Debug/Display impls.
  if (crate === 'core' && (/^core::(fmt|num::(flt2dec|bignum|fmt)|char::escape_debug_ext)/.test(path) || /core(\[[0-9a-f]+\])?::fmt::(Debug|Display)>/.test(name))) {
    return 'core::fmt (with float printing)';
  }
  if (crate === 'core') return 'core (other)';
  if (['alloc', 'std', 'hashbrown', 'panic_unwind', 'rustc_demangle', '__rustc'].includes(crate)) return 'alloc, std';
  if (['talc', 'dlmalloc'].includes(crate)) return `allocator (${crate})`;
  if (crate.startsWith('gloo')) return 'gloo-net';
  if (/^(reqwest|reqwest_eventsource|eventsource_stream|http|url|idna|hyper|bytes|serde|serde_json|serde_urlencoded|form_urlencoded|percent_encoding|wasm_streams|mime|nom|pin_project|futures_timer|tokio)/.test(crate)) return 'reqwest, reqwest-eventsource & deps';
  if (crate === app) return 'the app';
  return crate;
}

/**
 * Bytes per bucket of a weighed module: Map bucket → { bytes, functions },
 * plus the data section as `data (strings, tables)`.
 */
export function byBucket({ functions, data }, app) {
  const out = new Map();
  for (const { name, size } of functions) {
    const key = bucket(name, app);
    const entry = out.get(key) || { bytes: 0, functions: 0 };
    entry.bytes += size;
    entry.functions += 1;
    out.set(key, entry);
  }
  out.set('data (strings, tables)', { bytes: data, functions: 0 });
  return out;
}
