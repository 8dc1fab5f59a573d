#!/usr/bin/env node
// Two builds of ours side by side, without the network: `node bench/ab.mjs
// --a=DIR --b=DIR [--rounds=9] [--only=small,medium,bulk,large,utf8,odd]`, each
// DIR a dist/ (a copy of an older one, or a build made with
// `scripts/build.mjs --out=DIR`). Each scenario's stream (bench/lib/
// scenarios.mjs, full size) is held in the page and given to the source by
// a custom `fetch` as a byte stream of chunks (64 KiB; bulk's 256 KiB; the
// odd stream as its server writes, 1/7/13/1000 bytes); every run is a fresh page, the two
// builds alternate, and every event is checked (page.mjs). Prints, per
// scenario, the median and best time of each and the CPU time of the
// renderer (utime + stime from /proc, which does not count waiting for a
// core: the steadier figure on a shared machine). For one change at a
// time; `npm run bench` measures the whole against native and the peers.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { launchChromium } from './lib/cdp.mjs';
import { descendants, isRenderer, processTable } from './lib/procs.mjs';
import { FULL } from './lib/scenarios.mjs';
import { startServer } from './lib/server.mjs';
import { CHROMIUM } from '../tests/e2e/browser.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const option = (name) => process.argv.slice(2).find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? null;
const dirs = { a: option('a'), b: option('b') };
if (!dirs.a || !dirs.b) throw new Error('usage: node bench/ab.mjs --a=DIR --b=DIR [--rounds=N] [--only=small,...]');
const rounds = Number(option('rounds')) || 9;
const names = (option('only') || 'small,medium,bulk,large,utf8,odd').split(',');

const files = {};
for (const f of ['page.mjs', 'scenarios.mjs', 'ab-page.mjs']) files[`/bench/lib/${f}`] = { body: readFileSync(join(here, 'lib', f)) };
for (const [k, d] of Object.entries(dirs)) for (const f of readdirSync(d)) files[`/${k}/${f}`] = { body: readFileSync(join(d, f)) };
const server = await startServer({ files, libs: { ab: { src: null, ctor: 'null' } } });

/** CPU ms of the renderer processes of this Chromium (descendants of this process). */
function rendererCpu() {
  const procs = processTable();
  return descendants(procs).filter(isRenderer).reduce((n, pid) => n + procs.get(pid).ticks, 0) * 10;
}

const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
const browser = await launchChromium(CHROMIUM, []);
const page = await browser.newPage();
console.log(`a = ${resolve(dirs.a)}\nb = ${resolve(dirs.b)}\n${rounds} rounds, alternating; speed: a's time / b's (> 1: b is faster); CPU: b's / a's (< 1: b uses less)`);
for (const name of names) {
  const spec = FULL[name];
  server.prepare(name, spec);
  files[`/bytes/${name}`] = { body: server.bytes(name) };
  const ms = { a: [], b: [] };
  const cpu = { a: [], b: [] };
  for (let r = 0; r < rounds; r++) {
    for (const k of r % 2 ? ['b', 'a'] : ['a', 'b']) {
      await page.navigate(`${server.origin}/page?impl=ab`, 'window.benchReady === true');
      await page.evaluate(`import('/bench/lib/ab-page.mjs').then((m) => { window.AB = m; return m.init(${JSON.stringify(k)}); })`);
      await page.evaluate(`window.AB.load(${JSON.stringify(name)}, ${JSON.stringify(spec)})`);
      const c0 = rendererCpu();
      const x = JSON.parse(await page.evaluate('window.AB.once()'));
      cpu[k].push(rendererCpu() - c0);
      if (x.failure) throw new Error(`${name}, ${k}: ${x.failure}`);
      ms[k].push(x.ms);
    }
  }
  server.release(name);
  const best = (a) => Math.min(...a);
  console.log(
    `${name.padEnd(7)} median ${median(ms.a).toFixed(0)} / ${median(ms.b).toFixed(0)} ms = ${(median(ms.a) / median(ms.b)).toFixed(2)}×; ` +
      `best ${best(ms.a).toFixed(0)} / ${best(ms.b).toFixed(0)} ms = ${(best(ms.a) / best(ms.b)).toFixed(2)}×; ` +
      `CPU ${median(cpu.a)} / ${median(cpu.b)} ms = ${(median(cpu.b) / median(cpu.a)).toFixed(2)}×`,
  );
}
await browser.close();
await server.close();
