// bench/lib/wasm-weight.mjs: what `npm run bench:rust-size -- --breakdown`
// attributes to each crate. A module built here byte by byte (imports of
// two kinds, two functions, a data segment, a name section) and names as
// rustc and wasm-bindgen write them.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { bucket, byBucket, demangle, weigh } from '../../bench/lib/wasm-weight.mjs';

const leb = (n) => {
  const out = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
};
const text = (s) => [...leb(Buffer.byteLength(s)), ...Buffer.from(s)];
const section = (id, payload) => [id, ...leb(payload.length), ...payload];

/** A module: imports a function and a memory; defines two functions (bodies of 2 and 4 bytes) and 3 data bytes; names them `names`. */
function module(names) {
  const nameMap = [...leb(names.length), ...names.flatMap((name, i) => [...leb(i + 1), ...text(name)])];
  return Buffer.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [1, 0x60, 0, 0]),
    ...section(2, [2, ...text('m'), ...text('f'), 0, 0, ...text('m'), ...text('mem'), 2, 0, 1]),
    ...section(3, [2, 0, 0]),
    ...section(10, [2, 2, 0, 0x0b, 4, 0, 0x01, 0x01, 0x0b]),
    ...section(11, [1, 0, 0x41, 0, 0x0b, 3, 0x61, 0x62, 0x63]),
    ...(names.length ? section(0, [...text('name'), ...section(1, nameMap)]) : []),
  ]);
}

test('weighs each defined function by its body in the code section, numbered after the imported functions', () => {
  const names = ['eventsource_core::parser::Parser::feed::h0123456789abcdef', 'core[c5930c85a12de822]::fmt::write'];
  const bytes = module(names);
  assert.doesNotThrow(() => new WebAssembly.Module(bytes), 'the hand-made module is valid wasm');
  assert.deepEqual(weigh(bytes), {
    functions: [
      { index: 1, name: names[0], size: 3 },
      { index: 2, name: names[1], size: 5 },
    ],
    data: 9,
  });
  assert.deepEqual(
    [...byBucket(weigh(bytes), 'app')],
    [
      ['eventsource-core (parser, machine)', { bytes: 3, functions: 1 }],
      ['core::fmt (with float printing)', { bytes: 5, functions: 1 }],
      ['data (strings, tables)', { bytes: 9, functions: 0 }],
    ],
  );
});

test('refuses a module without a name section, and says how to build one that has it', () => {
  assert.throws(() => weigh(module([])), { message: /no name section: build it with names kept \(wasm-opt -g, no --strip-debug\)/ });
});

test('refuses bytes that are not a wasm module, and a module cut short', () => {
  assert.throws(() => weigh(Buffer.from('not wasm at all')), { message: /not a wasm module/ });
  const bytes = module(['a::b']);
  assert.throws(() => weigh(bytes.subarray(0, bytes.length - 5)), { message: /^truncated wasm: section 0 ends at byte \d+, past the module's \d+$/ });
  // A section size whose LEB128 never ends.
  assert.throws(() => weigh(Buffer.concat([bytes.subarray(0, 8), Buffer.from([10, 0xff])])), { message: /^truncated wasm: a LEB128 number runs past the end$/ });
});

test('demangles legacy Rust symbols (escapes, no hash) and v0 ones far enough to name the crate', () => {
  // _ZN, each identifier with its length, the hash, E.
  const legacy = (...idents) => `_ZN${[...idents, 'h06f6f7b7f3bf22e0'].map((i) => `${i.length}${i}`).join('')}E`;
  assert.equal(
    demangle(legacy('core', 'ptr', 'drop_in_place$LT$core..option..Option$LT$eventsource_wasm..web..Active$GT$$GT$')),
    'core::ptr::drop_in_place<core::option::Option<eventsource_wasm::web::Active>>',
  );
  assert.equal(
    demangle(legacy('js_sys', '_', '_$LT$impl$u20$wasm_bindgen..JsCast$u20$for$u20$js_sys..Error$GT$', 'instanceof')),
    'js_sys::_::<impl wasm_bindgen::JsCast for js_sys::Error>::instanceof',
  );
  assert.match(demangle('_RNvXsZ_NtCs5cOc02OMXlo_5alloc6stringNtB5_6StringNtNtCsgXGp5Oqx2Ny_4core3fmt5Write9write_str'), /^alloc::string::String::core::fmt::Write::write_str$/);
  assert.equal(demangle('main'), 'main');
});

test('puts each function in the bucket of the crate whose code it is', () => {
  const cases = [
    ['eventsource_wasm::web::driver::Driver<F>::settle::h86eab140877629d3', 'eventsource-wasm: driver, transports (web)'],
    ['eventsource_wasm::web::api::request::Shape::init::hd9848c0836fb6be7', 'eventsource-wasm: Rust API (web::api)'],
    // drop glue is the cost of the type it drops, wrapped or not.
    ['core::ptr::drop_in_place<core::option::Option<eventsource_wasm::web::resources::Active>>::h06f6f7b7f3bf22e0', 'eventsource-wasm: driver, transports (web)'],
    ['core::ptr::drop_in_place<alloc::rc::Rc<js_sys::futures::queue::QueueState>>::h0f71c5a6779cf140', 'wasm-bindgen, js-sys, web-sys'],
    ['core::ptr::drop_in_place<alloc::string::String>::h70f93818b0f61c2f', 'core (other)'],
    // <T as Trait>: T's crate, or the trait's for a primitive or a generic T.
    ['<eventsource_wasm::web::api::error::BuildError as core::fmt::Display>::fmt::h0123456789abcdef', 'eventsource-wasm: Rust API (web::api)'],
    ['<&u64 as core[c5930c85a12de822]::fmt::Debug>::fmt', 'core::fmt (with float printing)'],
    ['<&T as core::fmt::Display>::fmt::h5b8670deda24bae0', 'core::fmt (with float printing)'],
    ['core[c5930c85a12de822]::num::flt2dec::strategy::dragon::mul_pow10', 'core::fmt (with float printing)'],
    ['<char>::escape_debug_ext', 'core::fmt (with float printing)'],
    ['core[c5930c85a12de822]::str::slice_error_fail', 'core (other)'],
    ['__rustc[b7974e8690430dd9]::__rust_realloc', 'alloc, std'],
    ['talc::base::Talc<S,B>::allocate::h82beb591b62de971', 'allocator (talc)'],
    ['__wbg_fetch_1a2b', 'wasm-bindgen, js-sys, web-sys'],
    ['Ref(String) -> Externref externref shim', 'wasm-bindgen, js-sys, web-sys'],
    ['memcpy', 'compiler-builtins'],
    ['main', 'the app'],
    ['my_app::main::{{closure}}::h0123456789abcdef', 'the app'],
    ['gloo_net::eventsource::futures::EventSource::new::h0123456789abcdef', 'gloo-net'],
    ['reqwest_eventsource::event_source::EventSourceProjection::handle_error::hc93fbd5249c9a49b', 'reqwest, reqwest-eventsource & deps'],
    ['leptos::mount::mount_to_body::h0123456789abcdef', 'leptos'],
    ['(function 518)', '(unnamed)'],
  ];
  assert.deepEqual(
    cases.map(([name]) => [name, bucket(name, 'my_app')]),
    cases,
  );
});
