// CSP pages, the test itself (in a file: the policy forbids inline scripts).
// `window.cspRun(api)` receives the package's exports, checks that eval is
// really blocked on this page, then opens the stream named by ?stream=… and
// records what happens in window.__result, which the test polls. A failure
// to construct (the wasm cannot be compiled) is recorded, not thrown.
window.cspRun = function (api, how) {
  const result = { how, events: [], done: false };
  window.__result = result;
  // The policy is in force: eval and new Function are refused here.
  try {
    // eslint-disable-next-line no-eval
    eval('1');
    result.evalBlocked = false;
  } catch (error) {
    result.evalBlocked = error instanceof EvalError;
  }
  const record = (error) => ({ threw: true, name: error && error.name, message: String(error && error.message), isCompileError: error instanceof WebAssembly.CompileError });
  result.isPolyfill = api.isPolyfill(window.EventSource);
  result.native = window.EventSource === window.nativeEventSource;
  try {
    result.environment = api.environment();
  } catch (error) {
    result.environment = record(error);
  }
  const stream = new URLSearchParams(location.search).get('stream');
  try {
    result.supportsSSE = api.supportsSSE();
  } catch (error) {
    result.supportsSSE = record(error);
  }
  let es;
  try {
    es = new window.EventSource(stream);
  } catch (error) {
    result.construct = record(error);
    // A second attempt fails the same way (nothing is left half set up).
    try {
      new window.EventSource(stream);
      result.secondConstruct = 'constructed';
    } catch (again) {
      result.secondConstruct = record(again);
    }
    result.done = true;
    return;
  }
  result.construct = 'constructed';
  es.onopen = () => result.events.push(['open', es.readyState]);
  es.onerror = (e) => result.events.push(['error', es.readyState, e.reason]);
  es.onmessage = (e) => {
    result.events.push(['message', e.data, e.lastEventId, e.origin]);
    if (e.data === 'last') {
      es.close();
      // Read once the dispatch that called close() has returned.
      setTimeout(() => {
        try {
          result.diagnostics = api.diagnostics();
        } catch (error) {
          result.diagnostics = record(error);
        }
        result.done = true;
      }, 0);
    }
  };
};
