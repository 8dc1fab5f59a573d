// CSP pages, step 1 (a classic script: no inline script is allowed): watch
// for CSP violations, and remove the platform's EventSource so that the
// package's auto-install puts its own in place, as on an engine without one.
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__violations.push({ directive: e.effectiveDirective, blockedURI: e.blockedURI, sample: e.sample });
});
// ?native=keep leaves it in place (a browser that has one).
window.nativeEventSource = window.EventSource;
if (new URLSearchParams(location.search).get('native') !== 'keep') delete window.EventSource;
