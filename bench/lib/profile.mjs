// Self time per function and per category from a V8 CPU profile (the
// DevTools protocol's Profiler.stop result, in Chromium or in Node).

/**
 * ours: a predicate on a frame's file name saying "this is our JS".
 * wasmNames: function index → name, for a module without a name section
 * (V8 then calls its functions `wasm-function[N]`).
 */
export function summarizeProfile(profile, { ours = () => false, harness = () => false, wasmNames = null, top = 12 } = {}) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i + 1] ?? 0;
    self.set(profile.samples[i], (self.get(profile.samples[i]) || 0) + dt);
  }
  const byFn = new Map();
  const byCat = new Map();
  let total = 0;
  for (const [id, us] of self) {
    const f = nodes.get(id).callFrame;
    if (f.functionName === '(idle)') continue;
    total += us;
    let fn = f.functionName || '(anonymous)';
    const unnamed = /^\$?wasm-function\[(\d+)\]$/.exec(fn);
    if (unnamed && wasmNames && wasmNames[unnamed[1]]) fn = wasmNames[unnamed[1]];
    const name = fn.replace(/::h[0-9a-f]{16}$/, '');
    const url = f.url || '';
    const file = url.replace(/^.*\//, '').replace(/\?.*$/, '');
    let cat;
    if (url.startsWith('wasm://')) cat = 'wasm (ours)';
    else if (ours(url)) cat = 'ours: JS';
    else if (harness(url)) cat = 'listener (checks data)';
    else if (name === '(garbage collector)') cat = 'GC';
    else if (name === '(program)' || name === '(root)') cat = '(program)';
    else if (url.startsWith('node:')) cat = 'Node internals (streams, EventTarget, fetch)';
    else if (!url) cat = 'builtins and DOM bindings';
    else cat = `other JS (${file})`;
    const key = url.startsWith('wasm://') ? `${name} [wasm]` : file ? `${name} (${file}:${f.lineNumber + 1})` : name;
    byFn.set(key, (byFn.get(key) || 0) + us);
    byCat.set(cat, (byCat.get(cat) || 0) + us);
  }
  const pct = (us) => (total ? (100 * us) / total : 0);
  return {
    totalMs: total / 1000,
    top: [...byFn].sort((a, b) => b[1] - a[1]).slice(0, top).map(([fn, us]) => ({ fn, ms: us / 1000, pct: pct(us) })),
    categories: [...byCat].sort((a, b) => b[1] - a[1]).map(([cat, us]) => ({ cat, ms: us / 1000, pct: pct(us) })),
  };
}
