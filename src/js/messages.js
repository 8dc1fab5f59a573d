// The sentence an error event's `message` carries, for each reason the
// driver reports (src/contract.rs lists them): what happened, in the words
// of the options a developer set, and what to do.

function scheme(url) {
  const colon = url.indexOf(':');
  return colon > 0 ? url.slice(0, colon + 1) : url;
}

// How the connection was lost, for 'unrepeatable' (src/contract.rs: describe).
const LOST = {
  ended: 'the server ended the response',
  network: 'the connection failed or was dropped',
  timeout: 'nothing arrived within heartbeatTimeout',
  released: 'the connection was released (the page was hidden or cached, or the shared connection changed hands)',
};

// What the platform threw, in a few words: its name and message, and the
// message of its own cause, where the real reason often is (Node's fetch
// says "fetch failed", its cause "connect ECONNREFUSED 127.0.0.1:1").
function describeCause(cause) {
  if (cause === undefined || cause === null) return '';
  const words = (value) => {
    if (value instanceof Error || (typeof value === 'object' && typeof value.message === 'string')) {
      return value.name && value.name !== 'Error' ? `${value.name}: ${value.message}` : value.message;
    }
    return String(value);
  };
  let text = words(cause);
  const inner = typeof cause === 'object' ? cause.cause : undefined;
  if (inner !== undefined && inner !== null) text += ` (${words(inner)})`;
  return ` (${text})`;
}

/**
 * The message for `reason`; `settings` are the source's, `url` its URL,
 * `cause` what the platform threw, if anything (named in the message).
 */
export function errorMessage(reason, status, detail, settings, url, cause) {
  const because = describeCause(cause);
  switch (reason) {
    case 'network':
      return `the connection failed or was dropped${because}; reconnecting`;
    case 'ended':
      return 'the server ended the stream; reconnecting';
    case 'status':
      return `the server answered with HTTP status ${status}${detail ? ` ${detail}` : ''}; an event stream must answer 200, so the connection failed for good`;
    case 'mime':
      return "the response's Content-Type is not text/event-stream, so the connection failed for good";
    case 'limit':
      return detail === 'line'
        ? `a line of the event stream is longer than maxLineLength (${settings.maxLineLength} bytes); raise the limit or fix the server. The connection failed`
        : `an event's data is larger than maxEventSize (${settings.maxEventSize} bytes); raise the limit or fix the server. The connection failed`;
    case 'timeout':
      return `nothing (not even a comment) arrived within heartbeatTimeout (${settings.heartbeatTimeout} ms); reconnecting`;
    case 'retries':
      return `the reconnect policy's maxRetries (${settings.maxRetries}) was reached; the connection failed`;
    case 'vetoed':
      return 'beforeReconnect vetoed the reconnection; the connection failed';
    case 'refused':
      return `the request was refused (CORS: the server does not allow this origin)${because}, so the connection failed for good`;
    case 'aborted':
      return `the request was aborted from outside (the page stopped loading or navigated, or your fetch aborted it)${because}, so the connection failed for good`;
    case 'unrepeatable':
      return `${LOST[detail] || 'the connection was lost'}${because}, and a ${settings.request.method} request${settings.request.body === undefined ? '' : ' with a body'} is not sent again automatically (it could repeat an action, or a prompt and its cost); the connection is closed. To go on, return the request to continue with from beforeReconnect (for example a GET from the last event ID), or set reconnect: { resend: true } if sending it again is safe`;
    case 'scheme':
      return `the URL's scheme (${scheme(url)}) cannot be fetched${because}; an event source needs http: or https: (or data: or blob:), so the connection failed for good`;
    default:
      return `${reason}${because}`;
  }
}

// What a buffering warning saw (src/contract.rs: BUFFERING_SIGNS and
// describe_warning give the sign and its figures).
const SIGNS = {
  compressed: () => 'the event stream is compressed (the response has a Content-Encoding), and compression holds events until its buffer fills',
  'late-first-bytes': (waited, events) => `its first bytes came ${waited} ms after the headers, with ${events} events at once`,
  'buffer-sized-bursts': (size) => `events keep arriving in bursts of exactly ${size / 1024} KiB after silence, cut in the middle of an event, as a full buffer is flushed`,
};

/** The console warning (and the warning event's message) for `warning` (src/contract.rs: WARNINGS). */
export function warningMessage(warning, sign, first, second, url) {
  if (warning === 'buffering') {
    const seen = SIGNS[sign] ? SIGNS[sign](first, second) : sign;
    return `eventsource-wasm: the stream from ${url} is buffered on its way (a proxy, a CDN or compression): ${seen}, so events arrive late. On the server: do not compress text/event-stream responses (or flush the compressor after each event), send X-Accel-Buffering: no (nginx) and Cache-Control: no-transform (CDNs and proxies), and flush after each event.`;
  }
  if (warning === 'last-event-id-refused') {
    return `eventsource-wasm: the server of ${url} refused the CORS preflight that a Last-Event-ID header sent from a script needs (the browser's own EventSource is exempt). Reconnecting without Last-Event-ID, so the stream cannot resume where it stopped. To fix it, answer the preflight (OPTIONS) with Access-Control-Allow-Headers: Last-Event-ID.`;
  }
  return `eventsource-wasm: ${warning} (${url})`;
}
