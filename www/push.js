// Timed push: each response ends after a few events; the client reconnects
// after the `retry` the server sent. We measure error → open ourselves.
(function () {
  'use strict';
  var D = window.Demo;
  var $ = function (id) { return document.getElementById(id); };
  var log = D.makeLog($('log'), 60);
  var select = $('retry');
  var source = null;
  var state;

  var wanted = D.param('retry');
  if (wanted && /^\d+$/.test(wanted)) {
    if (!select.querySelector('option[value="' + wanted + '"]')) {
      select.appendChild(D.el('option', { value: wanted, text: wanted + ' ms' }));
    }
    select.value = wanted;
  }

  function setReadyState() {
    var rs = source ? source.readyState : 2;
    var badge = $('ready-state');
    badge.textContent = D.STATES[rs];
    badge.className = 'badge state-' + rs;
  }

  function row(connection) {
    var tr = document.getElementById('conn-' + connection);
    if (!tr) {
      tr = D.el('tr', { id: 'conn-' + connection }, [
        D.el('td', { class: 'num', text: String(connection) }),
        D.el('td', { class: 'num', text: '0' }),
        D.el('td', { class: 'num', text: '–' }),
        D.el('td', { class: 'num', text: '–' }),
      ]);
      var body = $('connections');
      body.insertBefore(tr, body.firstChild);
      while (body.children.length > 12) body.removeChild(body.lastChild);
    }
    return tr;
  }

  function connect() {
    if (source) source.close();
    var retry = select.value;
    $('lead-retry').textContent = retry;
    var url = '/demo/push?retry=' + encodeURIComponent(retry) + (D.param('count') ? '&count=' + encodeURIComponent(D.param('count')) : '');
    state = window.pushDemo = { url: url, opens: 0, events: [], delays: [], asked: null, errorAt: null, connection: null };
    ['opens', 'reconnects'].forEach(function (id) { $(id).textContent = '0'; });
    $('asked').textContent = '–';
    $('measured').textContent = '–';
    $('connections').textContent = '';
    var u = new URL(location.href);
    u.searchParams.set('retry', retry);
    history.replaceState(null, '', u.pathname + u.search);

    var es = (source = new EventSource(url));
    log('info', 'new EventSource(' + JSON.stringify(url) + ')');
    setReadyState();

    es.onopen = function () {
      if (es !== source) return;
      state.opens += 1;
      $('opens').textContent = String(state.opens);
      $('reconnects').textContent = String(Math.max(0, state.opens - 1));
      var msg = 'readyState OPEN';
      if (state.errorAt !== null) {
        var waited = Math.round(performance.now() - state.errorAt);
        state.errorAt = null;
        state.delays.push(waited);
        $('measured').textContent = String(waited);
        msg += ' after waiting ' + waited + ' ms';
        if (state.connection !== null) row(state.connection).children[3].textContent = waited + ' ms';
      }
      log('open', msg);
      setReadyState();
    };

    es.onmessage = function (e) {
      if (es !== source) return;
      var data = JSON.parse(e.data);
      state.events.push(data);
      state.connection = data.connection;
      state.asked = data.retry;
      $('asked').textContent = String(data.retry);
      var tr = row(data.connection);
      tr.children[1].textContent = data.event + ' / ' + data.of;
      log('message', 'id ' + e.lastEventId + ' · connection ' + data.connection + ', event ' + data.event + ' of ' + data.of + ' · server time ' + data.time);
    };

    es.onerror = function (e) {
      if (es !== source) return;
      if (es.readyState === 0) state.errorAt = performance.now();
      if (state.connection !== null && es.readyState === 0) {
        var tr = row(state.connection);
        tr.children[2].textContent = D.time().slice(0, 8);
        tr.children[3].textContent = 'waiting…';
      }
      log('error', D.describeError(e, es));
      setReadyState();
    };
  }

  select.addEventListener('change', connect);
  connect();
})();
