// One stream for every tab: a shared EventSource, the server's connection
// count, whether this tab leads, and a check that each event arrives once.
(function () {
  'use strict';
  var D = window.Demo;
  var $ = function (id) { return document.getElementById(id); };
  var log = D.makeLog($('log'), 40);
  var api = window.EventSourceWasm;
  var url = '/demo/shared' + (D.param('interval') ? '?interval=' + encodeURIComponent(D.param('interval')) : '');
  var state = (window.sharedDemo = { ids: [], gaps: 0, leading: null, connections: null, resumedFrom: null, opens: 0, source: null });
  var source = null;

  function setBadges() {
    var rs = source ? source.readyState : 2;
    var badge = $('ready-state');
    badge.textContent = D.STATES[rs];
    badge.className = 'badge state-' + rs;
    var how = source && api ? api.sharing(source) : null;
    var leading = !!(how && how.leading && rs !== 2);
    if (leading !== state.leading) {
      state.leading = leading;
      if (source) log(leading ? 'open' : 'info', leading ? 'this tab leads: it holds the connection' : 'this tab follows the leading tab');
    }
    var role = $('role');
    role.textContent = rs === 2 ? 'closed' : leading ? 'leads' : 'follows';
    role.className = 'badge ' + (leading ? 'state-1' : 'state-0');
    document.body.setAttribute('data-role', rs === 2 ? 'closed' : leading ? 'leader' : 'follower');
    $('mode').textContent = how ? (how.mode === 'shared' ? 'one connection for every tab (Web Locks + BroadcastChannel)' : 'a connection of its own (this browser cannot share)') : '–';
  }

  function start() {
    source = state.source = new EventSource(url, { shared: true, persistLastEventId: 'session' });
    log('info', 'new EventSource(' + JSON.stringify(url) + ', { shared: true, persistLastEventId: "session" })');
    source.addEventListener('open', function (e) {
      state.opens += 1;
      if (state.resumedFrom === null) {
        state.resumedFrom = e.resumedFrom || '';
        $('resumed').textContent = e.resumedFrom ? 'event ' + e.resumedFrom + ' (Last-Event-ID kept in sessionStorage)' : 'the beginning';
      }
      log('open', 'open' + (e.reopened ? ' (again)' : ''));
      setBadges();
    });
    source.addEventListener('error', function (e) {
      log('error', D.describeError(e, source));
      setBadges();
    });
    source.addEventListener('message', function (e) {
      var n = Number(e.lastEventId);
      var last = state.ids[state.ids.length - 1];
      if (last !== undefined && n !== last + 1) {
        state.gaps += 1;
        log('error', 'event ' + n + ' after ' + last);
      }
      state.ids.push(n);
      $('count').textContent = String(state.ids.length);
      $('gaps').textContent = String(state.gaps);
      $('last-id').textContent = e.lastEventId;
    });
    $('toggle').textContent = "Close this tab's source";
    setBadges();
  }

  $('toggle').addEventListener('click', function () {
    if (source && source.readyState !== 2) {
      source.close();
      log('info', 'close(): this tab detached; the others go on');
      $('toggle').textContent = 'Open it again';
      setBadges();
    } else {
      state.ids = [];
      state.resumedFrom = null;
      start();
    }
  });
  $('new-tab').addEventListener('click', function () {
    window.open(location.href, '_blank');
  });

  function poll() {
    fetch('/demo/shared/stats', { cache: 'no-store' })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        state.connections = s.open;
        $('connections').textContent = String(s.open);
        $('takeovers').textContent = String(s.requests);
      })
      .catch(function () {});
    if (navigator.locks && navigator.locks.query) {
      navigator.locks.query().then(function (q) {
        var name = function (l) { return l.name.indexOf('eventsource-wasm:') === 0; };
        $('tabs').textContent = String(q.held.filter(name).length + q.pending.filter(name).length);
      });
    } else $('tabs').textContent = 'n/a';
    setBadges();
  }

  start();
  poll();
  setInterval(poll, 400);
})();
