// A module dedicated worker: the ESM entry, imported explicitly.
import * as EventSourceWasm from '/dist/index.js';
import '/tests/pages/worker-scenario.js';
self.EventSourceWasm = EventSourceWasm;
self.onmessage = async (e) => {
  self.postMessage(await self.runScenario(EventSourceWasm.EventSource, e.data.url, e.data.init));
};
