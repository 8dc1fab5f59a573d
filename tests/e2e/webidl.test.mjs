// The WebIDL shape of EventSource (HTML §9.2.2, WebIDL, HTML §8.1.8.1 event
// handlers) in headless Chromium, for the classic script and the ES module.
// Almost every check runs the same function against our EventSource and
// Chromium's own (window.nativeEventSource) and requires equal results as
// well as the expected ones; where they cannot be equal, the test says why.
// No test here opens a connection: every source is closed in the task that
// constructs it, so no request is ever made.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { gotoHarness, newPage, withServerAndBrowser } from './helpers.mjs';

let server;
let browser;
withServerAndBrowser((env) => ({ server, browser } = env));

// In-page helpers, installed before the harness runs.
function installShapeHelpers() {
  // A comparable summary of an object's own properties: for each key (sorted),
  // its kind and attributes, and the value where it is a primitive.
  window.describeOwn = (object) => {
    const keys = Reflect.ownKeys(object).map(String).sort();
    const out = {};
    for (const key of keys) {
      const real = Reflect.ownKeys(object).find((k) => String(k) === key);
      const d = Object.getOwnPropertyDescriptor(object, real);
      out[key] =
        'value' in d
          ? {
              kind: typeof d.value === 'function' ? `method/${d.value.length}` : 'data',
              value: typeof d.value === 'function' || typeof d.value === 'object' ? undefined : d.value,
              writable: d.writable,
              enumerable: d.enumerable,
              configurable: d.configurable,
            }
          : {
              kind: 'accessor',
              get: typeof d.get,
              set: typeof d.set,
              enumerable: d.enumerable,
              configurable: d.configurable,
            };
    }
    return out;
  };
  // The outcome of running `fn`: its value, or the kind of exception.
  window.outcome = (fn) => {
    try {
      return { value: fn() };
    } catch (error) {
      return {
        threw: error && error.name,
        domException: error instanceof DOMException,
        code: error instanceof DOMException ? error.code : undefined,
      };
    }
  };
  // A source constructed and closed at once (no request is ever made).
  window.closedSource = (C, ...args) => {
    const es = new C(...args);
    es.close();
    return es;
  };
}

for (const load of ['script', 'esm']) {
  describe(`EventSource WebIDL shape (load=${load})`, () => {
    let page;

    before(async () => {
      page = await newPage(browser);
      await page.addInitScript(installShapeHelpers);
      await gotoHarness(page, server.origin, load);
      const ours = await page.evaluate(() => window.EventSourceWasm.isPolyfill(window.EventSource) && window.EventSource !== window.nativeEventSource);
      assert.equal(ours, true, 'the page’s EventSource is the package’s');
    });

    after(async () => {
      await page?.close();
    });

    /**
     * Run `fn({ctor, ...arg})` in the page for our EventSource and for
     * Chromium's; return both results.
     */
    async function compare(fn, arg = {}) {
      const ours = await page.evaluate(fn, { ...arg, ctor: 'EventSource' });
      const native = await page.evaluate(fn, { ...arg, ctor: 'nativeEventSource' });
      return { ours, native };
    }

    /** `compare`, then require equal results, and `expected` if given. */
    async function same(fn, expected, arg) {
      const { ours, native } = await compare(fn, arg);
      if (expected !== undefined) assert.deepEqual(native, expected, 'native Chromium gives the expected result');
      assert.deepEqual(ours, native, 'ours matches native Chromium');
      return ours;
    }

    it('has length 1, the constants as statics, inherits from EventTarget, and its prototype’s constructor is itself, like native', async () => {
      await same(
        ({ ctor }) => {
          const C = window[ctor];
          // Ours carries the package's Symbol.for brand (isPolyfill() reads
          // it; README, "How it differs"), which native does not have.
          const { name, 'Symbol(eventsource-wasm.EventSource)': brand, ...statics } = window.describeOwn(C);
          return {
            length: C.length,
            statics,
            inheritsEventTarget: Object.getPrototypeOf(C) === EventTarget,
            prototypeInheritsEventTarget: Object.getPrototypeOf(C.prototype) === EventTarget.prototype,
            constructor: C.prototype.constructor === C,
          };
        },
        {
          length: 1,
          statics: {
            CLOSED: { kind: 'data', value: 2, writable: false, enumerable: true, configurable: false },
            CONNECTING: { kind: 'data', value: 0, writable: false, enumerable: true, configurable: false },
            OPEN: { kind: 'data', value: 1, writable: false, enumerable: true, configurable: false },
            length: { kind: 'data', value: 1, writable: false, enumerable: false, configurable: true },
            prototype: { kind: 'data', value: undefined, writable: false, enumerable: false, configurable: false },
          },
          inheritsEventTarget: true,
          prototypeInheritsEventTarget: true,
          constructor: true,
        },
      );
    });

    it('is named "EventSource" (its name property, and so in stack traces and the console), like native', async () => {
      await same(
        ({ ctor }) => {
          const C = window[ctor];
          return { name: C.name, descriptor: window.describeOwn(C).name, constructorName: window.closedSource(C, '/x').constructor.name };
        },
        {
          name: 'EventSource',
          descriptor: { kind: 'data', value: 'EventSource', writable: false, enumerable: false, configurable: true },
          constructorName: 'EventSource',
        },
      );
    });

    it('throws a TypeError when constructed without an argument, like native', async () => {
      await same(({ ctor }) => window.outcome(() => new window[ctor]()), { threw: 'TypeError', domException: false, code: undefined });
    });

    it('throws a TypeError when called without new, like native', async () => {
      await same(
        ({ ctor }) => {
          const C = window[ctor];
          return [window.outcome(() => C('/x')), window.outcome(() => C.call({}, '/x')), window.outcome(() => Reflect.apply(C, undefined, ['/x']))];
        },
        Array(3).fill({ threw: 'TypeError', domException: false, code: undefined }),
      );
    });

    it('throws a "SyntaxError" DOMException for an unparsable URL, for exactly the URLs native Chromium rejects', async () => {
      // Not here: hosts the URL Standard rejects and Chromium's parser
      // percent-encodes instead (the next test).
      const urls = ['http://[::1', 'https:', 'http://', '//', 'http://a:b:c/', 'http://[::1]:99999/', 'foo:bar', 'data:,x', '', ' ', 'ws://host/', 'http://user@/'];
      const results = await same(
        ({ ctor, urls }) => {
          const C = window[ctor];
          return urls.map((url) => {
            const result = window.outcome(() => window.closedSource(C, url).url);
            return [url, result.threw ? result : 'ok'];
          });
        },
        undefined,
        { urls },
      );
      const syntaxError = { threw: 'SyntaxError', domException: true, code: 12 };
      const byUrl = Object.fromEntries(results);
      for (const url of ['http://[::1', 'https:', 'http://', '//', 'http://[::1]:99999/']) assert.deepEqual(byUrl[url], syntaxError, url);
      for (const url of ['foo:bar', 'data:,x', '', 'ws://host/']) assert.equal(byUrl[url], 'ok', url);
    });

    it('beyond native: throws a "SyntaxError" for a host the URL Standard rejects, which Chromium percent-encodes and accepts', async () => {
      const urls = ['http://this is invalid/', 'http://a b', 'https://exa mple.com/x', 'http://exa%mple.com/', 'ws://a b/', 'http://a%20b/'];
      const results = await page.evaluate((urls) => {
        const outcome = (C, url) => window.outcome(() => window.closedSource(C, url).url);
        return urls.map((url) => ({ url, native: outcome(window.nativeEventSource, url), ours: outcome(window.EventSource, url) }));
      }, urls);
      for (const { url, native, ours } of results) {
        assert.deepEqual(ours, { threw: 'SyntaxError', domException: true, code: 12 }, `ours: ${url}`);
        if (url.includes(' ')) assert.ok('value' in native, `native Chromium accepts ${url} (as ${JSON.stringify(native)})`);
      }
      // A percent-encoded host elsewhere in the URL is fine, and so are other schemes' opaque hosts.
      const fine = await page.evaluate(() => ['http://example.test/a%20b?c=%25', 'foo://a%20b/'].map((u) => window.outcome(() => window.closedSource(window.EventSource, u).url)));
      assert.deepEqual(fine, [{ value: 'http://example.test/a%20b?c=%25' }, { value: 'foo://a%20b/' }]);
    });

    it('resolves a relative URL against document.baseURI, and against a <base href> when there is one, like native', async () => {
      const relative = ['x', '../y?z', '/abs', '?q', '#frag', '', '//other.example/p'];
      const base = `${server.crossOrigin}/sub/dir/page.html`;
      const results = await same(
        ({ ctor, relative, base }) => {
          const C = window[ctor];
          const resolve = () => relative.map((url) => window.closedSource(C, url).url);
          const withoutBase = { baseURI: document.baseURI, urls: resolve() };
          const element = document.createElement('base');
          element.href = base;
          document.head.prepend(element);
          try {
            return { withoutBase, withBase: { baseURI: document.baseURI, urls: resolve() } };
          } finally {
            element.remove();
          }
        },
        undefined,
        { relative, base },
      );
      assert.deepEqual(results.withoutBase.urls, relative.map((u) => new URL(u, results.withoutBase.baseURI).href));
      assert.equal(results.withBase.baseURI, base);
      assert.deepEqual(results.withBase.urls, relative.map((u) => new URL(u, base).href));
      assert.equal(results.withBase.urls[0], `${server.crossOrigin}/sub/dir/x`);
    });

    it('converts the url argument with ToString (objects with toString, URL objects, numbers, null), propagates toString’s exception, and throws a TypeError for a Symbol, like native', async () => {
      const results = await same(({ ctor }) => {
        const C = window[ctor];
        const url = (value) => {
          const result = window.outcome(() => window.closedSource(C, value).url);
          return result.threw ? result.threw : result.value.replace(location.origin, 'ORIGIN');
        };
        return {
          object: url({ toString: () => '/from-toString' }),
          valueOf: url({ toString: undefined, valueOf: () => '/from-valueOf' }),
          urlObject: url(new URL('/from-url?q=1', location.href)),
          number: url(42),
          null: url(null),
          undefined: url(undefined),
          throwing: url({
            toString() {
              throw new RangeError('no');
            },
          }),
          symbol: url(Symbol('s')),
        };
      });
      assert.deepEqual(results, {
        object: 'ORIGIN/from-toString',
        valueOf: 'ORIGIN/from-valueOf',
        urlObject: 'ORIGIN/from-url?q=1',
        number: 'ORIGIN/tests/pages/42',
        null: 'ORIGIN/tests/pages/null',
        undefined: 'ORIGIN/tests/pages/undefined',
        throwing: 'RangeError',
        symbol: 'TypeError',
      });
    });

    it('reflects withCredentials from the EventSourceInit dictionary (default false), and throws a TypeError for a non-object init, like native', async () => {
      await same(
        ({ ctor }) => {
          const C = window[ctor];
          const withCredentials = (...args) => {
            const result = window.outcome(() => window.closedSource(C, '/x', ...args).withCredentials);
            return result.threw || result.value;
          };
          const order = [];
          window.outcome(() =>
            window.closedSource(
              C,
              { toString: () => (order.push('url'), '/x') },
              { get withCredentials() { return order.push('init'), false; } },
            ),
          );
          return {
            none: withCredentials(),
            undefined: withCredentials(undefined),
            null: withCredentials(null),
            empty: withCredentials({}),
            true: withCredentials({ withCredentials: true }),
            truthy: withCredentials({ withCredentials: 'yes' }),
            falsy: withCredentials({ withCredentials: 0 }),
            function: withCredentials(Object.assign(() => {}, { withCredentials: true })),
            number: withCredentials(5),
            string: withCredentials('withCredentials'),
            throwingGetter: withCredentials({ get withCredentials() { throw new RangeError('no'); } }),
            order,
          };
        },
        {
          none: false,
          undefined: false,
          null: false,
          empty: false,
          true: true,
          truthy: true,
          falsy: false,
          function: true,
          number: 'TypeError',
          string: 'TypeError',
          throwingGetter: 'RangeError',
          order: ['url', 'init'],
        },
      );
    });

    it('has the constants CONNECTING, OPEN and CLOSED (0, 1, 2) on the constructor and the prototype, enumerable, read-only and non-configurable, like native', async () => {
      const constant = (value) => ({ kind: 'data', value, writable: false, enumerable: true, configurable: false });
      await same(
        ({ ctor }) => {
          const C = window[ctor];
          const pick = (o) => {
            const all = window.describeOwn(o);
            return { CONNECTING: all.CONNECTING, OPEN: all.OPEN, CLOSED: all.CLOSED };
          };
          const es = window.closedSource(C, '/x');
          const strictWrite = window.outcome(() => {
            'use strict';
            C.OPEN = 5;
          });
          return {
            constructor: pick(C),
            prototype: pick(C.prototype),
            onInstance: [es.CONNECTING, es.OPEN, es.CLOSED],
            ownOnInstance: Object.prototype.hasOwnProperty.call(es, 'OPEN'),
            strictWrite: strictWrite.threw,
            afterWrite: C.OPEN,
          };
        },
        {
          constructor: { CONNECTING: constant(0), OPEN: constant(1), CLOSED: constant(2) },
          prototype: { CONNECTING: constant(0), OPEN: constant(1), CLOSED: constant(2) },
          onInstance: [0, 1, 2],
          ownOnInstance: false,
          strictWrite: 'TypeError',
          afterWrite: 1,
        },
      );
    });

    it('has url, withCredentials and readyState as getter-only accessors on the prototype, never own properties of instances, like native', async () => {
      const accessor = { kind: 'accessor', get: 'function', set: 'undefined', enumerable: true, configurable: true };
      await same(
        ({ ctor }) => {
          const C = window[ctor];
          const all = window.describeOwn(C.prototype);
          const es = window.closedSource(C, '/x');
          const names = ['url', 'withCredentials', 'readyState'];
          return {
            descriptors: names.map((n) => all[n]),
            own: names.map((n) => Object.prototype.hasOwnProperty.call(es, n)),
            strictWrite: names.map((n) => window.outcome(() => {
              'use strict';
              es[n] = 'changed';
            }).threw),
            sloppyWrite: (() => {
              // Reflect.set is what a sloppy-mode assignment does: it fails silently.
              const ok = names.map((n) => Reflect.set(es, n, 'changed'));
              return { ok, readyState: es.readyState, url: es.url.endsWith('/x'), withCredentials: es.withCredentials };
            })(),
          };
        },
        {
          descriptors: [accessor, accessor, accessor],
          own: [false, false, false],
          strictWrite: ['TypeError', 'TypeError', 'TypeError'],
          sloppyWrite: { ok: [false, false, false], readyState: 2, url: true, withCredentials: false },
        },
      );
    });

    it('has a prototype with the same properties and descriptor kinds as native, plus only Symbol.asyncIterator', async () => {
      // The one extension on the prototype: async iteration (`for await`),
      // a symbol, so no string-keyed shape changes. Compared without it.
      const iterator = await page.evaluate(() => {
        const d = Object.getOwnPropertyDescriptor(window.EventSource.prototype, Symbol.asyncIterator);
        return d && { type: typeof d.value, enumerable: d.enumerable, writable: d.writable, configurable: d.configurable };
      });
      assert.deepEqual(iterator, { type: 'function', enumerable: false, writable: true, configurable: true });
      const proto = await same(({ ctor }) => {
        const own = window.describeOwn(window[ctor].prototype);
        delete own['Symbol(Symbol.asyncIterator)'];
        return own;
      });
      assert.deepEqual(Object.keys(proto), [
        'CLOSED',
        'CONNECTING',
        'OPEN',
        'Symbol(Symbol.toStringTag)',
        'close',
        'constructor',
        'onerror',
        'onmessage',
        'onopen',
        'readyState',
        'url',
        'withCredentials',
      ]);
      assert.equal(proto.close.kind, 'method/0');
      assert.deepEqual(proto.onmessage, { kind: 'accessor', get: 'function', set: 'function', enumerable: true, configurable: true });
    });

    it('gives instances no own string-keyed property (Object.keys, getOwnPropertyNames, JSON.stringify, spread), like native', async () => {
      // Ours keeps its state under one own Symbol-keyed, non-enumerable
      // property, which Reflect.ownKeys shows (native: none); only
      // string-keyed properties are compared.
      await same(
        ({ ctor }) => {
          const es = window.closedSource(window[ctor], '/x');
          return { keys: Object.keys(es), names: Object.getOwnPropertyNames(es), json: JSON.stringify(es), spread: Object.keys({ ...es }), forIn: (() => {
            const own = [];
            for (const k in es) if (Object.prototype.hasOwnProperty.call(es, k)) own.push(k);
            return own;
          })() };
        },
        { keys: [], names: [], json: '{}', spread: [], forIn: [] },
      );
    });

    it('is "[object EventSource]" to Object.prototype.toString and an instance of EventTarget, like native', async () => {
      await same(
        ({ ctor }) => {
          const C = window[ctor];
          const es = window.closedSource(C, '/x');
          return {
            tag: Object.prototype.toString.call(es),
            prototypeTag: Object.prototype.toString.call(C.prototype),
            eventTarget: es instanceof EventTarget,
            instance: es instanceof C,
          };
        },
        { tag: '[object EventSource]', prototypeTag: '[object EventSource]', eventTarget: true, instance: true },
      );
    });

    it('can be subclassed, like native', async () => {
      await same(
        ({ ctor }) => {
          const C = window[ctor];
          class Sub extends C {
            constructor(url) {
              super(url);
              this.extra = true;
            }
          }
          const es = window.closedSource(Sub, '/x');
          return { sub: es instanceof Sub, base: es instanceof C, readyState: es.readyState, url: es.url === new URL('/x', location.href).href, keys: Object.keys(es) };
        },
        { sub: true, base: true, readyState: 2, url: true, keys: ['extra'] },
      );
    });

    it('has onopen, onmessage and onerror that default to null, keep functions and objects, and become null for non-objects, like native', async () => {
      await same(
        ({ ctor }) => {
          const es = window.closedSource(window[ctor], '/x');
          const out = {};
          for (const name of ['onopen', 'onmessage', 'onerror']) {
            const fn = () => {};
            const object = { handleEvent() {} };
            const seen = [es[name]];
            es[name] = fn;
            seen.push(es[name] === fn);
            es[name] = object;
            seen.push(es[name] === object);
            for (const value of ['string', 5, true, undefined, Symbol('s')]) {
              es[name] = fn;
              es[name] = value;
              seen.push(es[name]);
            }
            es[name] = fn;
            es[name] = null;
            seen.push(es[name]);
            out[name] = seen;
          }
          return out;
        },
        Object.fromEntries(['onopen', 'onmessage', 'onerror'].map((n) => [n, [null, true, true, null, null, null, null, null, null]])),
      );
    });

    it('keeps an event handler’s place among listeners when it is replaced, and puts it last when set again after null, like native', async () => {
      await same(
        ({ ctor }) => {
          const es = window.closedSource(window[ctor], '/x');
          const order = [];
          const dispatch = () => {
            order.length = 0;
            es.dispatchEvent(new MessageEvent('message'));
            return order.slice();
          };
          es.onmessage = () => order.push('first handler');
          es.addEventListener('message', () => order.push('A'));
          es.onmessage = () => order.push('replaced handler');
          const replaced = dispatch();
          es.onmessage = null;
          es.onmessage = () => order.push('new handler');
          const reset = dispatch();
          es.addEventListener('message', () => order.push('B'));
          const added = dispatch();
          return { replaced, reset, added };
        },
        { replaced: ['replaced handler', 'A'], reset: ['A', 'new handler'], added: ['A', 'new handler', 'B'] },
      );
    });

    it('calls handlers and listeners with this, event.target and event.currentTarget set to the EventSource, like native', async () => {
      await same(
        ({ ctor }) => {
          const es = window.closedSource(window[ctor], '/x');
          const seen = [];
          const record = function (event) {
            seen.push([event.type, this === es, event.target === es, event.currentTarget === es]);
          };
          es.onopen = record;
          es.onmessage = record;
          es.onerror = record;
          es.addEventListener('custom', record);
          es.addEventListener('message', { handleEvent(event) { seen.push(['handleEvent', event.currentTarget === es]); } });
          for (const type of ['open', 'message', 'error', 'custom']) es.dispatchEvent(new Event(type));
          return seen;
        },
        [
          ['open', true, true, true],
          ['message', true, true, true],
          ['handleEvent', true],
          ['error', true, true, true],
          ['custom', true, true, true],
        ],
      );
    });

    it('cancels a cancelable event whose handler returns false (HTML “process the event handler”), like native', async () => {
      await same(
        ({ ctor }) => {
          const es = window.closedSource(window[ctor], '/x');
          const result = {};
          es.onmessage = () => false;
          let event = new MessageEvent('message', { cancelable: true });
          es.dispatchEvent(event);
          result.returnsFalse = event.defaultPrevented;
          es.onmessage = () => true;
          event = new MessageEvent('message', { cancelable: true });
          es.dispatchEvent(event);
          result.returnsTrue = event.defaultPrevented;
          es.onmessage = () => false;
          event = new MessageEvent('message');
          es.dispatchEvent(event);
          result.notCancelable = event.defaultPrevented;
          es.onerror = () => false;
          event = new Event('error', { cancelable: true });
          es.dispatchEvent(event);
          result.errorReturnsFalse = event.defaultPrevented;
          es.addEventListener('open', () => false);
          event = new Event('open', { cancelable: true });
          es.dispatchEvent(event);
          result.listenerReturnsFalse = event.defaultPrevented;
          return result;
        },
        { returnsFalse: true, returnsTrue: false, notCancelable: false, errorReturnsFalse: true, listenerReturnsFalse: false },
      );
    });

    it('silently skips a non-callable object set as an event handler: it is not called and no error is reported (WebIDL LegacyTreatNonObjectAsNull), like native', async () => {
      await same(
        ({ ctor }) => {
          const es = window.closedSource(window[ctor], '/x');
          const reported = [];
          const onError = (event) => {
            reported.push(event.message);
            event.preventDefault();
          };
          window.addEventListener('error', onError);
          let called = false;
          try {
            es.onmessage = { handleEvent: () => (called = true) };
            es.dispatchEvent(new MessageEvent('message'));
          } finally {
            window.removeEventListener('error', onError);
          }
          return { called, reported };
        },
        { called: false, reported: [] },
      );
    });

    it('throws a TypeError when its getters, handler setters or close() are called on something that is not an EventSource, like native', async () => {
      await same(
        ({ ctor }) => {
          const C = window[ctor];
          const proto = C.prototype;
          const get = (name) => Object.getOwnPropertyDescriptor(proto, name).get;
          const set = (name) => Object.getOwnPropertyDescriptor(proto, name).set;
          const out = {};
          for (const [label, receiver] of [
            ['plain object', {}],
            ['prototype', proto],
            ['EventTarget', new EventTarget()],
            ['undefined', undefined],
          ]) {
            out[label] = [
              ...['url', 'withCredentials', 'readyState', 'onmessage'].map((n) => window.outcome(() => get(n).call(receiver)).threw),
              window.outcome(() => set('onmessage').call(receiver, () => {})).threw,
              window.outcome(() => proto.close.call(receiver)).threw,
            ];
          }
          out.protoReadyState = window.outcome(() => proto.readyState).threw;
          return out;
        },
        {
          'plain object': Array(6).fill('TypeError'),
          prototype: Array(6).fill('TypeError'),
          EventTarget: Array(6).fill('TypeError'),
          undefined: Array(6).fill('TypeError'),
          protoReadyState: 'TypeError',
        },
      );
    });

    it('has readyState CONNECTING after construction and CLOSED after close(), like native', async () => {
      await same(
        ({ ctor }) => {
          const es = new window[ctor]('/x');
          const before = es.readyState;
          es.close();
          return [before, es.readyState];
        },
        [0, 2],
      );
    });
  });
}
