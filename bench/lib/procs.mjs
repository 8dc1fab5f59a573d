// Linux /proc, for the benchmarks' CPU and memory figures: every process's
// parent, CPU ticks and resident pages, and walks over a process tree.

import { readdirSync, readFileSync } from 'node:fs';

/**
 * Every process now: pid → { comm, ppid, ticks (utime + stime), reaped
 * (cutime + cstime: children already waited for), rssPages }. A process
 * that goes while it is read is left out.
 */
export function processTable() {
  const procs = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const s = readFileSync(`/proc/${d}/stat`, 'utf8');
      const close = s.lastIndexOf(')');
      const f = s.slice(close + 2).split(' ');
      procs.set(Number(d), {
        comm: s.slice(s.indexOf('(') + 1, close),
        ppid: Number(f[1]),
        ticks: Number(f[11]) + Number(f[12]),
        reaped: Number(f[13]) + Number(f[14]),
        rssPages: Number(f[21]),
      });
    } catch {
      // gone
    }
  }
  return procs;
}

/** The descendants of `root` in `procs` (a processTable()), `root` not included: pids. */
export function descendants(procs, root = process.pid) {
  const children = new Map();
  for (const [pid, p] of procs) {
    if (!children.has(p.ppid)) children.set(p.ppid, []);
    children.get(p.ppid).push(pid);
  }
  const found = [];
  const stack = [...(children.get(root) || [])];
  while (stack.length) {
    const pid = stack.pop();
    found.push(pid);
    stack.push(...(children.get(pid) || []));
  }
  return found;
}

/** Whether `pid` is a Chromium renderer (its command line says so). */
export function isRenderer(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer');
  } catch {
    return false;
  }
}
