// The `persistLastEventId` option: the last event ID kept across page loads
// in a Storage (sessionStorage, localStorage, or the caller's), so that a
// reload resumes the stream where it stopped. Opened by the constructor;
// written by the source's one writer of the last event ID (SourceState in
// state.js), once per chunk, not per event. The storage is looked up when
// the source is made, never at load: tests replace it.

const G = globalThis;

const STORAGES = { session: 'sessionStorage', local: 'localStorage' };

/**
 * The `persistLastEventId` option: undefined, or { storage, key } with
 * `storage` 'session', 'local' or a Storage-like object (getItem/setItem)
 * and an optional key.
 */
export function persistOption(value) {
  if (value === undefined || value === false) return undefined;
  const spec = typeof value === 'string' ? { storage: value } : value;
  const storage = spec !== null && typeof spec === 'object' ? spec.storage : undefined;
  const named = typeof storage === 'string' && Object.prototype.hasOwnProperty.call(STORAGES, storage);
  const object = storage !== null && typeof storage === 'object' && typeof storage.getItem === 'function' && typeof storage.setItem === 'function';
  if (!named && !object) {
    throw new TypeError("eventsource-wasm: the persistLastEventId option must be 'session', 'local', or { storage: 'session' | 'local' | a Storage, key?: string }");
  }
  if (spec.key !== undefined && typeof spec.key !== 'string') throw new TypeError('eventsource-wasm: persistLastEventId.key must be a string');
  return { storage, key: spec.key };
}

/**
 * Open the storage the option names, for `url`: { load(), save(id) }, or
 * throw a TypeError saying what is missing.
 */
export function openPersisted(option, url) {
  let storage = option.storage;
  if (typeof storage === 'string') {
    const name = STORAGES[storage];
    try {
      storage = G[name];
    } catch {
      storage = undefined; // a sandboxed document's storage throws
    }
    if (!storage) throw new TypeError(`eventsource-wasm: persistLastEventId '${option.storage}' needs ${name}, which this runtime does not offer; pass { storage: yourStorage } instead`);
  }
  const key = option.key === undefined ? `eventsource-wasm:lastEventId:${url}` : option.key;
  let saved = null;
  return {
    load() {
      try {
        saved = storage.getItem(key);
      } catch {
        saved = null;
      }
      return saved === null ? undefined : saved;
    },
    save(id) {
      if (id === saved) return;
      saved = id;
      try {
        storage.setItem(key, id);
      } catch {
        // A full or refused storage: the stream goes on without it.
      }
    },
  };
}
