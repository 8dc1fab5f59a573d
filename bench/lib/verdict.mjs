// What went wrong in one streamed run, as `window.bench.run` (page.mjs)
// reports it: null when every event arrived, right and in order; else a
// line that says what did not. One copy for bench/run.mjs and bench/shape.mjs.

export function verdict(r) {
  if (r.why !== 'done') return r.why;
  if (r.n !== r.N) return `${r.n}/${r.N} events`;
  if (r.bad) return `${r.bad} events wrong (first: #${r.firstBad.i} ${r.firstBad.what})`;
  if (r.expectedSum !== null && r.sum !== r.expectedSum) return `checksum ${r.sum} ≠ ${r.expectedSum}`;
  return null;
}
