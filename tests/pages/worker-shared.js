// A module dedicated worker with a shared source (tests/e2e/shared.test.mjs):
// it reports the IDs it received, and whether it leads, after each event.
import * as EventSourceWasm from '/dist/index.js';

self.onmessage = (e) => {
  if (e.data.close) {
    self.source.close();
    self.postMessage({ closed: true });
    return;
  }
  const source = new EventSourceWasm.EventSource(e.data.url, { shared: true });
  self.source = source;
  const ids = [];
  source.onmessage = (m) => {
    ids.push(Number(m.lastEventId));
    self.postMessage({ ids, leading: EventSourceWasm.sharing(source).leading, origin: m.origin });
  };
};
