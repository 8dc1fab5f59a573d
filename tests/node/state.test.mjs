// One owner for each piece of a source's state in JavaScript: SourceState
// (src/js/state.js) declares every field, readyState and the last event ID
// each have one writer there, and persistence (persist.js) is written
// through the last event ID's writer.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const load = (path) => import(join(root, path));

test('readyState and the last event ID are written only by SourceState, each in one method', () => {
  const dir = join(root, 'src/js');
  const writes = [];
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.js'))) {
    const text = readFileSync(join(dir, name), 'utf8');
    for (const [line, i] of text.split('\n').map((l, i) => [l, i + 1])) {
      if (/\.(readyState|lastId)\s*(=(?!=)|\+=|\|\|=)/.test(line)) writes.push(`${name}:${i}: ${line.trim()}`);
    }
  }
  assert.deepEqual(writes.map((w) => w.replace(/:\d+:/, ':')), ['state.js: this.readyState = CONNECTING;', 'state.js: this.lastId = \'\';', 'state.js: this.readyState = readyState;', 'state.js: this.lastId = id;'], writes.join('\n'));
});

test('a SourceState declares every field it will hold, and its writers carry out what they are told', async () => {
  const { SourceState } = await load('src/js/state.js');
  const { normalize } = await load('src/js/options.js');
  const { CLOSED, CONNECTING, OPEN } = await load('src/js/generated/contract.js');
  const saved = [];
  const persisted = { save: (id) => saved.push(id) };
  const state = new SourceState('http://a/', 'http://a/', false, false, normalize(), persisted);
  const declared = Object.keys(state).sort();
  assert.deepEqual(declared, ['busy', 'credentialed', 'first', 'freeLater', 'handlers', 'lastId', 'member', 'onClosed', 'origin', 'persisted', 'readyState', 'requestUrl', 'settings', 'sharedAsked', 'source', 'suspended', 'url', 'withCredentials']);
  assert.equal(state.readyState, CONNECTING);
  state.enter(OPEN);
  assert.equal(state.readyState, OPEN);
  // follow() takes the driver's readyState, and nothing without a driver.
  state.follow();
  assert.equal(state.readyState, OPEN);
  state.source = { readyState: CLOSED };
  state.follow();
  assert.equal(state.readyState, CLOSED);
  state.sawEventId('7');
  assert.equal(state.lastId, '7');
  assert.deepEqual(saved, ['7']);
});

test('persistLastEventId: an opened storage loads what was saved for the URL and saves each new ID once', async () => {
  const { openPersisted, persistOption } = await load('src/js/persist.js');
  const items = new Map();
  const storage = { getItem: (k) => (items.has(k) ? items.get(k) : null), setItem: (k, v) => items.set(k, v) };
  let sets = 0;
  const counting = { getItem: storage.getItem, setItem: (k, v) => (sets++, storage.setItem(k, v)) };
  const persisted = openPersisted(persistOption({ storage: counting }), 'http://a/events');
  assert.equal(persisted.load(), undefined);
  persisted.save('1');
  persisted.save('1');
  persisted.save('2');
  assert.equal(sets, 2);
  assert.equal(items.get('eventsource-wasm:lastEventId:http://a/events'), '2');
  assert.equal(openPersisted(persistOption({ storage: counting }), 'http://a/events').load(), '2');
  assert.throws(() => persistOption('nowhere'), /persistLastEventId option must be 'session', 'local'/);
  assert.throws(() => openPersisted(persistOption('session'), 'http://a/'), /needs sessionStorage, which this runtime does not offer/);
});
