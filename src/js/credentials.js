// A URL's credentials (`http://user:pass@host/`), for the core chunk:
// only such a URL needs this.
//
// fetch() refuses a URL with credentials in it; the standard's fetch
// requests it without them and answers a 401 Basic challenge with them. So
// the driver gets the URL without them, and the credentials apart.

/** Put the credentials of `url` into `settings`; returns the URL without them. */
export function splitCredentials(settings, url) {
  const parsed = new URL(url);
  const username = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  // RFC 7617: base64 of the UTF-8 bytes.
  let binary = '';
  for (const byte of new TextEncoder().encode(`${username}:${password}`)) binary += String.fromCharCode(byte);
  parsed.username = '';
  parsed.password = '';
  Object.assign(settings, { authorization: `Basic ${btoa(binary)}`, username, password });
  // A browser would answer a same-origin 401 to a fetch with its own login
  // prompt (and hides a cross-origin one's challenge): there, the
  // credentials go with the first request. XHR is given them and answers
  // the challenge itself; Node's fetch leaves the 401 to the machine.
  settings.authorizeFirst = settings.transport === 'fetch' && globalThis.location !== undefined;
  return parsed.href;
}
