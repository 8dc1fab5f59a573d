// The JavaScript side of the border with the Rust driver, checked by its
// values against what src/contract/ declares (the generated modules of
// src/js/generated/): the settings the driver reads, and the sentences the
// class fills. (crates/contract-js's tests check that the generated modules
// are current.)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const load = (path) => import(join(root, path));

/** `value` has every property `declared` names, each of the declared `typeof` (`?`: or undefined). */
function assertShape(value, declared, what) {
  assert.ok(Object.keys(declared).length > 0, `the generated list of ${what} is not empty`);
  for (const [field, type] of Object.entries(declared)) {
    assert.ok(Object.hasOwn(value, field), `${what} has no ${field}`);
    const optional = type.endsWith('?');
    const base = optional ? type.slice(0, -1) : type;
    assert.ok(typeof value[field] === base || (optional && value[field] === undefined), `${what}.${field} is ${typeof value[field]}, Rust reads a ${type}`);
  }
}

test('a Settings has every field the driver reads, each of the type the driver declares', async () => {
  const { SETTINGS } = await load('src/js/generated/contract.js');
  const { normalize } = await load('src/js/options.js');
  const { splitCredentials } = await load('src/js/credentials.js');
  const plain = normalize();
  const full = normalize({
    headers: { a: 'b' },
    method: 'POST',
    body: 'x',
    fetch: globalThis.fetch,
    beforeReconnect: () => undefined,
    onComment: () => undefined,
    heartbeatTimeout: 5000,
    lastEventId: '7',
    maxLineLength: 10,
    maxEventSize: 20,
    reconnect: { initialDelay: 1, maxDelay: 2, backoff: 'exponential', jitter: 0.5, maxRetries: 3 },
  });
  splitCredentials(full, 'http://user:pass@localhost/events');
  assert.ok(Object.keys(SETTINGS).length >= 20, 'the generated list is complete');
  for (const settings of [plain, full]) assertShape(settings, SETTINGS, 'Settings');
  // Every optional field is given in the full one: the check saw each type.
  for (const [field, type] of Object.entries(SETTINGS)) {
    if (type.endsWith('?') && field !== 'origin') assert.notEqual(full[field], undefined, `the full settings give ${field}`);
  }
});

test("every reason's and warning's message is a filled sentence: no placeholder is left", async () => {
  const { REASONS, WARNINGS } = await load('src/js/generated/contract.js');
  const { ERRORS, SIGNS } = await load('src/js/generated/words.js');
  const { errorMessage, warningMessage } = await load('src/js/messages.js');
  const settings = { maxLineLength: 10, maxEventSize: 20, heartbeatTimeout: 30, maxRetries: 4, request: { method: 'POST', body: 'x' } };
  const cause = new TypeError('fetch failed');
  for (const reason of REASONS.filter((r) => r !== 'panic')) {
    const sentence = ERRORS[reason];
    assert.notEqual(sentence, undefined, `no sentence for ${reason}`);
    const details = typeof sentence === 'object' ? Object.keys(sentence) : ['released'];
    for (const detail of details) {
      const message = errorMessage(reason, 503, detail, settings, 'http://localhost/events', cause);
      assert.doesNotMatch(message, /\{\w+\}/, `${reason} (${detail}): ${message}`);
      assert.doesNotMatch(message, /undefined/, `${reason} (${detail}): ${message}`);
    }
  }
  assert.match(errorMessage('limit', 0, 'line', settings, '', undefined), /maxLineLength \(10 bytes\)/);
  assert.match(errorMessage('limit', 0, 'event', settings, '', undefined), /maxEventSize \(20 bytes\)/);
  assert.match(errorMessage('status', 503, 'Service Unavailable', settings, '', undefined), /HTTP status 503 Service Unavailable;/);
  assert.match(errorMessage('unrepeatable', 0, 'released', settings, '', cause), /^the connection was released .* \(TypeError: fetch failed\), and a POST request with a body is not sent again/);
  assert.match(errorMessage('scheme', 0, '', settings, 'ftp://host/x', undefined), /scheme \(ftp:\)/);
  for (const warning of WARNINGS) {
    for (const sign of warning === 'buffering' ? Object.keys(SIGNS) : ['']) {
      const message = warningMessage(warning, sign, 8192, 12, 'http://localhost/events');
      assert.doesNotMatch(message, /\{\w+\}/, `${warning} ${sign}: ${message}`);
      assert.match(message, /http:\/\/localhost\/events/);
    }
  }
  assert.match(warningMessage('buffering', 'buffer-sized-bursts', 8192, 0, 'u'), /bursts of exactly 8 KiB/);
  assert.match(warningMessage('buffering', 'late-first-bytes', 1500, 12, 'u'), /first bytes came 1500 ms after the headers, with 12 events at once/);
});

test('the Link class has every method the driver calls, with its number of arguments, and no other', async () => {
  const { LINK } = await load('src/js/generated/contract.js');
  const { Link } = await load('src/js/link.js');
  const methods = Object.getOwnPropertyNames(Link.prototype).filter((name) => name !== 'constructor');
  assert.deepEqual(methods.sort(), Object.keys(LINK).sort());
  for (const [name, arity] of Object.entries(LINK)) assert.equal(Link.prototype[name].length, arity, `Link.${name}`);
});

test("the Link's answer to a reconnection is the object the driver reads", async () => {
  const { RECONNECT_ANSWER } = await load('src/js/generated/contract.js');
  const { Link } = await load('src/js/link.js');
  const { normalize, sendsOnce } = await load('src/js/options.js');
  const answers = [{ url: '/next', method: 'GET' }, { headers: { 'X-Resume': '1' } }];
  for (const answer of answers) {
    const state = { settings: normalize({ beforeReconnect: () => answer }) };
    const shell = { report: (error) => assert.fail(error), sendsOnce };
    const result = new Link({}, state, shell).reconnecting(1, 1000, 'network', '7', 'http://a/events');
    assertShape(result, RECONNECT_ANSWER, 'the answer');
  }
});

test("a shared source's request, which names its group, is the object the driver reads", async () => {
  const { GROUP_REQUEST } = await load('src/js/generated/contract.js');
  // group.js imports the shared core's glue: made by `npm run build`.
  const { describeRequest } = await load('src/js/group.js');
  const { normalize } = await load('src/js/options.js');
  const inits = [{ shared: true }, { shared: 'k', method: 'POST', body: 'prompt', headers: { a: 'b' } }, { shared: 'k', headers: () => ({}) }];
  for (const init of inits) {
    const state = { url: 'http://a/events', withCredentials: false, settings: normalize(init) };
    assertShape(describeRequest(state), GROUP_REQUEST, `the request of ${JSON.stringify(init)}`);
  }
});

test('the shell decides "sent once" by the same table as the core (eventsource_core::machine::sends_once)', async () => {
  // The shell decides in its constructor, before any WebAssembly has
  // loaded, so it keeps its own copy of the rule: held here to the table
  // that crates/eventsource-core/tests/sends_once.rs holds the core to.
  const { readFile } = await import('node:fs/promises');
  const { sendsOnce } = await load('src/js/options.js');
  const table = JSON.parse(await readFile(join(root, 'crates/eventsource-core/tests/sends-once.json'), 'utf8'));
  assert.ok(table.cases.length >= 10, 'the table lost its rows');
  for (const { method, body, resend, once } of table.cases) {
    const request = { method, body: body ? 'x' : undefined };
    assert.equal(sendsOnce(request, resend), once, JSON.stringify({ method, body, resend }));
  }
});
