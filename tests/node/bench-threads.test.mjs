import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { parseSchedstat, roleOfCmdline, summarize, threadCpu, threadTable } from '../../bench/lib/threads.mjs';

test('bench threads: a process is named by its command line', () => {
  assert.equal(roleOfCmdline('/usr/lib/chromium/chromium --headless --remote-debugging-pipe'), 'browser');
  assert.equal(roleOfCmdline('chromium --type=renderer --enable-precise-memory-info'), 'renderer');
  assert.equal(roleOfCmdline('chromium --type=utility --utility-sub-type=network.mojom.NetworkService'), 'network');
  assert.equal(roleOfCmdline('chromium --type=utility --utility-sub-type=storage.mojom.StorageService'), 'utility');
  assert.equal(roleOfCmdline('chromium --type=gpu-process'), 'gpu');
  assert.equal(roleOfCmdline('chromium --type=zygote'), 'zygote');
});

test('bench threads: schedstat gives nanoseconds on a CPU, and a malformed one says what it got', () => {
  assert.equal(parseSchedstat('123456789 5000 12\n'), 123456789);
  assert.throws(() => parseSchedstat('garbage'), /schedstat: no run time in "garbage"/);
});

test('bench threads: thread CPU is the difference per role and name, new threads from zero, pool workers summed', () => {
  const before = new Map([
    ['10/10', { pid: 10, tid: 10, role: 'renderer', name: 'main', ns: 1e6 }],
    ['10/11', { pid: 10, tid: 11, role: 'renderer', name: 'ThreadPoolForeg', ns: 0 }],
    ['20/20', { pid: 20, tid: 20, role: 'network', name: 'main', ns: 5e6 }],
  ]);
  const after = new Map([
    ['10/10', { pid: 10, tid: 10, role: 'renderer', name: 'main', ns: 11e6 }],
    ['10/11', { pid: 10, tid: 11, role: 'renderer', name: 'ThreadPoolForeg', ns: 2e6 }],
    ['10/12', { pid: 10, tid: 12, role: 'renderer', name: 'ThreadPoolForeg', ns: 3e6 }],
    ['20/20', { pid: 20, tid: 20, role: 'network', name: 'main', ns: 5e6 }],
    ['1/1', { pid: 1, tid: 1, role: 'browser', name: 'main', ns: 4e6 }],
  ]);
  const cpu = threadCpu(before, after);
  assert.deepEqual(Object.fromEntries(cpu), { 'renderer/main': 10, 'renderer/ThreadPoolForeg': 5, 'browser/main': 4 });
  assert.deepEqual(summarize(cpu), { rendererMain: 10, rendererOther: 5, network: 0, browser: 4, rest: 0, total: 19 });
});

test('bench threads: this process has a main thread with a run time', () => {
  const t = threadTable([process.pid]);
  const main = t.get(`${process.pid}/${process.pid}`);
  assert.ok(main, `no main thread of ${process.pid} in ${[...t.keys()]}`);
  assert.equal(main.name, 'main');
  assert.ok(main.ns > 0, `main thread run time ${main.ns}`);
});

// bench/shape.mjs refuses what it cannot measure before it starts a browser.
const shape = (...args) => spawnSync(process.execPath, [fileURLToPath(new URL('../../bench/shape.mjs', import.meta.url)), ...args], { encoding: 'utf8' });

test('bench shape: an unknown shape, listener or implementation is refused with the known ones', () => {
  const cases = [
    [['--only=w1m'], /--only: unknown shape w1m \(known: w64k, w256k, trickle, drip, short\)/],
    [['--listen=skim'], /--listen: unknown listener skim \(known: read, unread\)/],
    [['--impl=ours,eventsource'], /--impl: unknown implementation eventsource \(known: ours, native, b\)/],
    [['--impl=ours,b,native'], /--impl=b needs --b=DIR/],
    [['--impl=ours'], /native is the baseline every ratio is against/],
  ];
  for (const [args, message] of cases) {
    const r = shape(...args);
    assert.notEqual(r.status, 0, `${args.join(' ')} exited 0`);
    assert.match(r.stderr, message, `${args.join(' ')}: ${r.stderr.slice(0, 300)}`);
  }
});
