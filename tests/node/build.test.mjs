// The build's own checks (scripts/build.mjs), which `npm test`'s build
// stage runs on the real release build: the wasm crate compiled with LTO,
// and no `core::fmt` in the wasm. Here each check is shown to tell a bad
// build from a good one.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkLtoInvocation, crateInvocation, formattingFunctions, functionNames } from '../../scripts/build.mjs';

// rustc's command lines for the wasm crate as `cargo -v` printed them on
// this project (paths shortened): `cargo build --lib --release` with
// `crate-type = ["cdylib", "rlib"]`, where Cargo drops `-C lto`
// (cargo#9672), and the build's `cargo rustc --lib --crate-type cdylib`.
const CARGO_BUILD = "Running `/home/u/.rustup/toolchains/stable-x86_64-unknown-linux-gnu/bin/rustc --crate-name eventsource_wasm --edition=2024 src/lib.rs --error-format=json --json=diagnostic-rendered-ansi,artifacts,future-incompat --crate-type cdylib --crate-type rlib --emit=dep-info,link -C opt-level=s -C panic=abort -C codegen-units=1 --check-cfg 'cfg(docsrs,test)' --check-cfg 'cfg(feature, values(\"bench\", \"default\", \"shared\", \"std\", \"test-hooks\"))' -C metadata=d1f9279b425c1682 --out-dir /work/eventsource-wasm/target/wasm32-unknown-unknown/release/deps --target wasm32-unknown-unknown -C strip=debuginfo -L dependency=/work/eventsource-wasm/target/wasm32-unknown-unknown/release/deps -L dependency=/work/eventsource-wasm/target/release/deps --extern js_sys=/work/eventsource-wasm/target/wasm32-unknown-unknown/release/deps/libjs_sys-3fccc24f7ab6bffc.rlib --extern eventsource_core=/work/eventsource-wasm/target/wasm32-unknown-unknown/release/deps/libeventsource_core-74b1b4e4eb809c5d.rlib --extern talc=/work/eventsource-wasm/target/wasm32-unknown-unknown/release/deps/libtalc-9f7a2e894c961383.rlib --extern wasm_bindgen=/work/eventsource-wasm/target/wasm32-unknown-unknown/release/deps/libwasm_bindgen-b510be143d28531e.rlib --extern web_sys=/work/eventsource-wasm/target/wasm32-unknown-unknown/release/deps/libweb_sys-3469739637e15d46.rlib`";
const CARGO_RUSTC_CDYLIB = "Running `/home/u/.rustup/toolchains/stable-x86_64-unknown-linux-gnu/bin/rustc --crate-name eventsource_wasm --edition=2024 src/lib.rs --error-format=json --json=diagnostic-rendered-ansi,artifacts,future-incompat --crate-type cdylib --emit=dep-info,link -C opt-level=s -C panic=abort -C lto -C codegen-units=1 --check-cfg 'cfg(docsrs,test)' --check-cfg 'cfg(feature, values(\"bench\", \"default\", \"shared\", \"std\", \"test-hooks\"))' -C metadata=e08980c4875545e2 --out-dir /work/eventsource-wasm/target/wasm32-unknown-unknown/release/deps --target wasm32-unknown-unknown -C strip=debuginfo -L dependency=/work/eventsource-wasm/target/wasm32-unknown-unknown/release/deps -L dependency=/work/eventsource-wasm/target/release/deps --extern js_sys=/work/eventsource-wasm/target/wasm32-unknown-unknown/release/deps/libjs_sys-f9e4f9e9d783d421.rlib --extern eventsource_core=/work/eventsource-wasm/target/wasm32-unknown-unknown/release/deps/libeventsource_core-17548caee8881248.rlib --extern talc=/work/eventsource-wasm/target/wasm32-unknown-unknown/release/deps/libtalc-51786a282de002a5.rlib --extern wasm_bindgen=/work/eventsource-wasm/target/wasm32-unknown-unknown/release/deps/libwasm_bindgen-c0f81afb7faf601c.rlib --extern web_sys=/work/eventsource-wasm/target/wasm32-unknown-unknown/release/deps/libweb_sys-4ccba511274202e7.rlib`";

test('the LTO check refuses the wasm crate compiled by `cargo build` with its two crate types (no -C lto)', () => {
  assert.ok(CARGO_BUILD.includes('--crate-type cdylib --crate-type rlib') && CARGO_BUILD.includes('-C opt-level=s'));
  assert.throws(() => checkLtoInvocation(crateInvocation(`   Compiling eventsource-wasm v0.1.0\n${CARGO_BUILD}\n    Finished`)), /compiled as cdylib \+ rlib, not the cdylib alone: Cargo then drops -C lto/);
});

test('the LTO check accepts the cdylib compiled alone with -C lto, and refuses it without the flag', () => {
  checkLtoInvocation(crateInvocation(CARGO_RUSTC_CDYLIB));
  assert.throws(() => checkLtoInvocation(CARGO_RUSTC_CDYLIB.replace(' -C lto ', ' ')), /compiled without -C lto/);
});

test('a crate cargo did not compile (Fresh) has no invocation to check', () => {
  assert.equal(crateInvocation('       Fresh eventsource-wasm v0.1.0 (/work/eventsource-wasm)\n    Finished `release` profile'), null);
});

/** A wasm module whose name section names one function per entry of `names`. */
function moduleNamed(names) {
  const enc = new TextEncoder();
  const leb = (n) => {
    const out = [];
    do {
      out.push((n & 127) | (n >= 128 ? 128 : 0));
      n >>>= 7;
    } while (n > 0);
    return out;
  };
  const section = (id, body) => [id, ...leb(body.length), ...body];
  const type = section(1, [1, 0x60, 0, 0]);
  const funcs = section(3, [...leb(names.length), ...names.map(() => 0)]);
  const code = section(10, [...leb(names.length), ...names.flatMap(() => [2, 0, 0x0b])]);
  const map = [...leb(names.length), ...names.flatMap((n, i) => [...leb(i), ...leb(enc.encode(n).length), ...enc.encode(n)])];
  const nameSection = section(0, [...leb(4), ...enc.encode('name'), 1, ...leb(map.length), ...map]);
  return new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...type, ...funcs, ...code, ...nameSection]);
}

test('the core::fmt check finds formatting functions by their names, demangled or mangled, and not panic_fmt', () => {
  const names = [
    '<core[c5930c85a12de822]::fmt::Formatter>::pad_integral',
    '_RNvXsi_NtNtNtCsgXGp5Oqx2Ny_4core3fmt3num3impjNtB9_7Display3fmt',
    '_ZN4core3fmt9Formatter3pad17h0123456789abcdefE',
    'core[c5930c85a12de822]::panicking::panic_fmt',
    'eventsource_wasm::web::fetch::pump',
  ];
  assert.deepEqual(functionNames(moduleNamed(names)), names);
  assert.deepEqual(formattingFunctions(moduleNamed(names)), names.slice(0, 3));
  assert.deepEqual(formattingFunctions(moduleNamed(names.slice(3))), []);
});
