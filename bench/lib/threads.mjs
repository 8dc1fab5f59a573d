// Linux /proc per thread, for the delivery-shape benchmark (bench/shape.mjs):
// the CPU each thread of each Chromium process used around a run, so that
// the renderer's main thread (where the page's JavaScript, the wasm and the
// native EventSource's parser and dispatch run) is told apart from the
// renderer's other threads, the network service and the browser process.

import { readdirSync, readFileSync } from 'node:fs';

/** What a Chromium process is, from its command line (the browser is the one without --type=). */
export function roleOfCmdline(cmdline) {
  if (!cmdline.includes('--type=')) return 'browser';
  if (cmdline.includes('--type=renderer')) return 'renderer';
  if (cmdline.includes('--type=gpu-process')) return 'gpu';
  if (cmdline.includes('network.mojom.NetworkService')) return 'network';
  if (cmdline.includes('--type=zygote')) return 'zygote';
  if (cmdline.includes('--type=utility')) return 'utility';
  return 'other';
}

/** The first field of /proc/<pid>/task/<tid>/schedstat: nanoseconds spent on a CPU. */
export function parseSchedstat(text) {
  const ns = Number(text.trim().split(/\s+/)[0]);
  if (!Number.isFinite(ns)) throw new Error(`schedstat: no run time in ${JSON.stringify(text.slice(0, 80))}`);
  return ns;
}

/**
 * Every thread of `pids` now: 'pid/tid' → { pid, tid, role, name, ns }. The
 * main thread (tid = pid) is named 'main': Chromium leaves the main thread's
 * name alone (renaming it would rename the process). A thread or process
 * that goes while it is read is left out.
 */
export function threadTable(pids) {
  const out = new Map();
  for (const pid of pids) {
    let role;
    let tids;
    try {
      role = roleOfCmdline(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' '));
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const t of tids) {
      try {
        const tid = Number(t);
        const name = tid === pid ? 'main' : readFileSync(`/proc/${pid}/task/${t}/comm`, 'utf8').trim();
        const ns = parseSchedstat(readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8'));
        out.set(`${pid}/${tid}`, { pid, tid, role, name, ns });
      } catch {
        // gone
      }
    }
  }
  return out;
}

/**
 * CPU ms per 'role/name' between two threadTable()s (a thread born in
 * between counts from zero; one that ended in between is lost, as a
 * process's reaped time would be). Thread-pool workers share a name, so
 * they are summed.
 */
export function threadCpu(before, after) {
  const out = new Map();
  for (const [key, t] of after) {
    const ms = (t.ns - (before.get(key)?.ns ?? 0)) / 1e6;
    if (ms <= 0) continue;
    const k = `${t.role}/${t.name}`;
    out.set(k, (out.get(k) ?? 0) + ms);
  }
  return out;
}

/** The groups a report shows: renderer main thread, renderer's other threads, network service, browser, the rest; and the total. */
export function summarize(cpu) {
  const s = { rendererMain: 0, rendererOther: 0, network: 0, browser: 0, rest: 0, total: 0 };
  for (const [k, ms] of cpu) {
    s.total += ms;
    if (k === 'renderer/main') s.rendererMain += ms;
    else if (k.startsWith('renderer/')) s.rendererOther += ms;
    else if (k.startsWith('network/')) s.network += ms;
    else if (k.startsWith('browser/')) s.browser += ms;
    else s.rest += ms;
  }
  return s;
}
