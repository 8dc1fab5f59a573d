// Shared by every demo page. Load it as a classic script in <head>, right
// before /dist/eventsource-wasm.js:
//
//   ?polyfill=force  (the default) removes the browser's EventSource first,
//                    so the package installs its own;
//   ?polyfill=native keeps the browser's, and the package (which only fills
//                    a gap) leaves it alone.
//
// Then, once the page is parsed, it fills in the status line and the switch.
(function () {
  'use strict';

  var params = new URLSearchParams(location.search);
  var mode = params.get('polyfill') === 'native' ? 'native' : 'force';
  var browserEventSource = window.EventSource;

  if (mode === 'force' && 'EventSource' in window) {
    delete window.EventSource;
    if ('EventSource' in window) window.EventSource = undefined; // a non-configurable one
  }

  /** The page's URL with ?polyfill=<m>, other parameters kept. */
  function withMode(m, href) {
    var u = new URL(href || location.href, location.href);
    if (m === 'force') u.searchParams.delete('polyfill');
    else u.searchParams.set('polyfill', m);
    return u.pathname + u.search + u.hash;
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      for (var k in attrs) {
        if (attrs[k] == null) continue;
        if (k === 'class') node.className = attrs[k];
        else if (k === 'text') node.textContent = attrs[k];
        else node.setAttribute(k, attrs[k]);
      }
    }
    (children || []).forEach(function (c) {
      if (c == null) return;
      node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return node;
  }

  function time(date) {
    var d = date || new Date();
    return d.toTimeString().slice(0, 8) + '.' + String(d.getMilliseconds()).padStart(3, '0');
  }

  var STATES = ['CONNECTING', 'OPEN', 'CLOSED'];

  /** What the page runs on, as plain facts. */
  function facts() {
    var api = window.EventSourceWasm;
    if (!api) return { loaded: false, mode: mode };
    var env = api.environment();
    return {
      loaded: true,
      mode: mode,
      polyfill: api.isPolyfill(window.EventSource),
      supported: api.supportsSSE(),
      native: env.native,
      transport: env.transport,
      eventTarget: env.eventTarget,
      browserHasNative: typeof browserEventSource === 'function',
    };
  }

  function renderStatus(host) {
    var f = facts();
    host.textContent = '';
    host.setAttribute('data-mode', mode);
    var text = el('p', { class: 'status-text', id: 'status-text' });
    if (!f.loaded) {
      host.setAttribute('data-impl', 'missing');
      text.appendChild(el('span', { class: 'dot dot-bad', 'aria-hidden': 'true' }));
      text.appendChild(el('strong', { text: '/dist/eventsource-wasm.js did not load.' }));
      text.appendChild(document.createTextNode(' Build it with npm run build (or npm start).'));
    } else {
      host.setAttribute('data-impl', f.polyfill ? 'polyfill' : 'native');
      text.appendChild(el('span', { class: 'dot ' + (f.supported ? 'dot-ok' : 'dot-bad'), 'aria-hidden': 'true' }));
      text.appendChild(el('strong', { class: 'impl', text: f.polyfill ? 'eventsource-wasm polyfill' : 'native EventSource' }));
      var bits = [];
      if (f.polyfill) bits.push('transport: ' + (f.transport === 'fetch' ? 'fetch streaming' : f.transport || 'none'));
      else bits.push("the browser's own; the polyfill would use " + (f.transport || 'nothing'));
      bits.push('EventTarget: ' + f.eventTarget);
      bits.push('supportsSSE(): ' + f.supported);
      text.appendChild(el('span', { class: 'facts', text: ' · ' + bits.join(' · ') }));
    }
    host.appendChild(text);

    var nav = el('nav', { class: 'switch', 'aria-label': 'EventSource implementation' });
    [
      ['force', 'Polyfill (forced)'],
      ['native', 'Native'],
    ].forEach(function (pair) {
      var a = el('a', { href: withMode(pair[0]), text: pair[1], 'data-mode': pair[0] });
      if (pair[0] === mode) a.setAttribute('aria-current', 'true');
      nav.appendChild(a);
    });
    if (!f.browserHasNative && f.loaded) {
      nav.appendChild(el('span', { class: 'hint', text: 'this browser has no EventSource of its own' }));
    }
    host.appendChild(nav);
  }

  /** A capped, newest-first log in a <ol>. */
  function makeLog(list, max) {
    max = max || 60;
    return function log(kind, message) {
      var li = el('li', { class: 'log-' + kind, 'data-kind': kind }, [
        el('time', { text: time() }),
        el('span', { class: 'tag', text: kind }),
        el('span', { class: 'msg', text: message }),
      ]);
      list.insertBefore(li, list.firstChild);
      while (list.children.length > max) list.removeChild(list.lastChild);
    };
  }

  /** Text for an error event, with the polyfill's extra reason/status/message. */
  function describeError(e, source) {
    var parts = ['readyState ' + STATES[source.readyState]];
    if (e.reason) parts.push('reason: ' + e.reason);
    if (e.status) parts.push('HTTP ' + e.status);
    if (e.message) parts.push(e.message);
    return parts.join(' — ');
  }

  window.Demo = {
    mode: mode,
    browserEventSource: browserEventSource,
    withMode: withMode,
    facts: facts,
    el: el,
    time: time,
    STATES: STATES,
    makeLog: makeLog,
    describeError: describeError,
    param: function (name) {
      return params.get(name);
    },
  };

  /** The demo pages, in the order of the navigation bar. */
  var PAGES = [
    ['index.html', 'Overview'],
    ['box.html', 'Moving box'],
    ['clock.html', 'Clock'],
    ['push.html', 'Retry & reconnect'],
    ['inspector.html', 'Stream inspector'],
    ['shared.html', 'One stream, every tab'],
  ];

  /** The site header (brand and navigation), the same on every page. */
  function renderHeader(host) {
    var brand = el('a', { class: 'brand', href: 'index.html', 'data-keep-mode': '' }, [
      el('span', { class: 'brand-mark', 'aria-hidden': 'true' }),
      'eventsource-wasm',
    ]);
    var nav = el(
      'nav',
      { class: 'site-nav', 'aria-label': 'Demos' },
      PAGES.map(function (page) {
        return el('a', { href: page[0], 'data-keep-mode': '', text: page[1] });
      })
    );
    host.textContent = '';
    host.appendChild(el('div', { class: 'inner' }, [brand, nav]));
  }

  document.addEventListener('DOMContentLoaded', function () {
    var header = document.querySelector('.site-header');
    if (header) renderHeader(header);
    var host = document.getElementById('status');
    if (host) renderStatus(host);
    // Keep the chosen implementation while moving between pages.
    if (mode !== 'force') {
      document.querySelectorAll('a[data-keep-mode]').forEach(function (a) {
        a.setAttribute('href', withMode(mode, a.getAttribute('href')));
      });
    }
    var here = location.pathname.replace(/\/$/, '/index.html');
    document.querySelectorAll('.site-nav a').forEach(function (a) {
      if (new URL(a.getAttribute('href'), location.href).pathname === here) a.setAttribute('aria-current', 'page');
    });
  });
})();
