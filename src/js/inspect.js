// The stream inspector's report (src/web/inspect.rs), turned into objects:
// `{kind: 'event', type, data, lastEventId}`, `{kind: 'retry', retry}`,
// `{kind: 'ignored', line, reason}`, `{kind: 'incomplete', pendingLine,
// pendingData}`. In the core chunk: only a loaded core makes a report. The
// kinds and the reasons are declared in Rust (src/contract/) and generated.

import { EVENT, IGNORED, REASONS, RETRY } from './generated/inspect.js';

export function readReport(report) {
  const view = new DataView(report.buffer, report.byteOffset, report.byteLength);
  // Each piece decoded on its own, as the WHATWG decoder does (U+FFFD for
  // invalid bytes); ignoreBOM: a U+FEFF in a value is content.
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  let at = 0;
  const number = () => ((at += 4), view.getUint32(at - 4, true));
  const text = () => {
    const length = number();
    return decoder.decode(report.subarray(at, (at += length)));
  };
  const out = [];
  while (at < report.length) {
    const kind = report[at++];
    if (kind === EVENT) out.push({ kind: 'event', type: text(), data: text(), lastEventId: text() });
    else if (kind === RETRY) out.push({ kind: 'retry', retry: ((at += 8), view.getFloat64(at - 8, true)) });
    else if (kind === IGNORED) out.push({ kind: 'ignored', line: text(), reason: REASONS[report[at++]] });
    else out.push({ kind: 'incomplete', pendingLine: number(), pendingData: number() });
  }
  return out;
}
