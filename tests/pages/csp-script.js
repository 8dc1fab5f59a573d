// CSP page with the classic script: run the test once the page has loaded
// (the package's script ran before this one).
window.cspRun(window.EventSourceWasm, 'script');
