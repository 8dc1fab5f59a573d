// A classic dedicated worker: remove the native EventSource, then load the
// drop-in script, which installs its own.
delete self.EventSource;
importScripts('/dist/eventsource-wasm.js', '/tests/pages/worker-scenario.js');
self.onmessage = async (e) => {
  self.postMessage(await self.runScenario(self.EventSource, e.data.url, e.data.init));
};
