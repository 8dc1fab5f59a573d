// The sentence an error event's `message` carries, for each reason the
// driver reports, and a warning's: what happened, in the words of the
// options a developer set, and what to do. The sentences are declared in
// Rust (src/contract/words.rs) and generated into ./generated/words.js;
// this fills their {placeholders} with the source's figures.

import { ERRORS, LOST, SIGNS, WARNINGS } from './generated/words.js';

function scheme(url) {
  const colon = url.indexOf(':');
  return colon > 0 ? url.slice(0, colon + 1) : url;
}

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

/** `sentence` with each {name} replaced by `values[name]`. */
export function fill(sentence, values) {
  return sentence.replace(/\{(\w+)\}/g, (_, name) => `${values[name]}`);
}

/**
 * The message for `reason`; `settings` are the source's, `url` its URL,
 * `cause` what the platform threw, if anything (named in the message).
 */
export function errorMessage(reason, status, detail, settings, url, cause) {
  const because = describeCause(cause);
  let sentence = ERRORS[reason];
  // A reason with a sentence per detail (a limit: which one).
  if (sentence !== undefined && typeof sentence === 'object') sentence = sentence[detail];
  if (sentence === undefined) return `${reason}${because}`;
  const { request } = settings;
  return fill(sentence, {
    cause: because,
    status,
    statusText: detail ? ` ${detail}` : '',
    maxLineLength: settings.maxLineLength,
    maxEventSize: settings.maxEventSize,
    heartbeatTimeout: settings.heartbeatTimeout,
    maxRetries: settings.maxRetries,
    lost: LOST[detail] || 'the connection was lost',
    method: request.method,
    withBody: request.body === undefined ? '' : ' with a body',
    scheme: scheme(url),
  });
}

/** The console warning (and the warning event's message) for `warning`. */
export function warningMessage(warning, sign, first, second, url) {
  const sentence = WARNINGS[warning];
  if (sentence === undefined) return `eventsource-wasm: ${warning} (${url})`;
  const values = { url, waited: first, events: second, kib: first / 1024 };
  values.seen = SIGNS[sign] === undefined ? sign : fill(SIGNS[sign], values);
  return fill(sentence, values);
}
