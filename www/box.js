// The moving box: positions arrive as `id: x,y` / `data: x,y`; a drop makes
// the client reconnect with Last-Event-ID, and the server resumes from it.
(function () {
  'use strict';
  var D = window.Demo;
  var $ = function (id) { return document.getElementById(id); };
  var W = 600, H = 400;
  var log = D.makeLog($('log'), 80);
  var box = $('box');
  var trail = [];
  var source = null;

  // What the tests (and the curious, from the console) can read.
  var state = (window.boxDemo = {
    client: null,
    clients: [],     // every hello, in order
    positions: [],   // {x, y, client, id}
    opens: 0,
    errors: 0,
    resumes: [],     // {from, client, first}
  });

  var interval = Number(D.param('interval')) || 300;
  box.style.transitionDuration = Math.min(interval, 1000) + 'ms';

  function setReadyState() {
    var rs = source ? source.readyState : 2;
    var badge = $('ready-state');
    badge.textContent = D.STATES[rs];
    badge.className = 'badge state-' + rs;
    $('toggle').textContent = rs === 2 ? 'Reconnect' : 'Close';
    $('drop').disabled = rs !== 1 || state.client == null;
  }

  function drawTrail() {
    $('trail').setAttribute('points', trail.map(function (p) { return p.x + ',' + p.y; }).join(' '));
  }

  function markResume(x, y) {
    var ns = 'http://www.w3.org/2000/svg';
    var c = document.createElementNS(ns, 'circle');
    c.setAttribute('class', 'resume-mark');
    c.setAttribute('cx', x);
    c.setAttribute('cy', y);
    c.setAttribute('r', 7);
    var marks = $('marks');
    marks.appendChild(c);
    while (marks.children.length > 5) marks.removeChild(marks.firstChild);
  }

  function onPosition(e) {
    var parts = e.data.split(',');
    var x = Number(parts[0]), y = Number(parts[1]);
    if (!isFinite(x) || !isFinite(y)) return;
    var pending = state.resumes.length && state.resumes[state.resumes.length - 1];
    state.positions.push({ x: x, y: y, client: state.client, id: e.lastEventId });
    if (pending && !pending.first && pending.client === state.client) {
      pending.first = x + ',' + y;
      log('resume', 'first position after reconnecting: ' + pending.first + ' (one step from ' + pending.from + ')');
    }
    box.classList.remove('waiting');
    box.style.left = (x / W) * 100 + '%';
    box.style.top = (y / H) * 100 + '%';
    trail.push({ x: x, y: y });
    if (trail.length > 90) trail.shift();
    drawTrail();
    $('position').textContent = 'x ' + x + ', y ' + y;
    $('last-id').textContent = e.lastEventId || '(none)';
    $('count').textContent = String(state.positions.length);
  }

  function onHello(e) {
    var hello = JSON.parse(e.data);
    state.client = hello.client;
    state.clients.push(hello);
    $('client').textContent = '#' + hello.client;
    if (hello.resumedFrom) {
      state.resumes.push({ from: hello.resumedFrom, client: hello.client, first: null });
      var r = $('resumed');
      r.textContent = 'resumed from ' + hello.resumedFrom;
      r.className = 'resumed';
      var xy = hello.resumedFrom.split(',');
      markResume(Number(xy[0]), Number(xy[1]));
      log('hello', 'client #' + hello.client + ': server resumed from Last-Event-ID ' + hello.resumedFrom);
    } else {
      log('hello', 'client #' + hello.client + ': a fresh start, moves of at most ' + hello.step + ' px every ' + hello.interval + ' ms');
    }
    setReadyState();
  }

  function connect() {
    // A new EventSource starts with no last event ID, so the box starts afresh.
    trail.length = 0;
    drawTrail();
    var url = '/demo/movement' + (D.param('interval') ? '?interval=' + encodeURIComponent(D.param('interval')) : '');
    source = new EventSource(url);
    log('info', 'new EventSource(' + JSON.stringify(url) + ')');
    setReadyState();
    source.onopen = function () {
      state.opens += 1;
      if (state.opens > 1) $('reconnects').textContent = String(state.opens - 1);
      log('open', 'readyState OPEN' + (state.opens > 1 ? ' (reconnection ' + (state.opens - 1) + ')' : ''));
      setReadyState();
    };
    source.onerror = function (e) {
      state.errors += 1;
      state.client = null;
      var last = state.positions.length ? state.positions[state.positions.length - 1].id : '';
      log('error', D.describeError(e, source) + (source.readyState === 0 && last ? ' (will send Last-Event-ID: ' + last + ')' : ''));
      setReadyState();
    };
    source.onmessage = onPosition;
    source.addEventListener('hello', onHello);
  }

  $('drop').addEventListener('click', function () {
    if (state.client == null) return;
    var id = state.client;
    $('drop').disabled = true;
    log('info', 'POST /demo/drop?client=' + id + ': the server destroys the socket');
    fetch('/demo/drop?client=' + encodeURIComponent(id), { method: 'POST' }).catch(function (err) {
      log('error', 'drop request failed: ' + err.message);
    });
  });

  $('toggle').addEventListener('click', function () {
    if (source && source.readyState !== 2) {
      source.close();
      state.client = null;
      log('info', 'close() called; readyState CLOSED');
      setReadyState();
    } else {
      connect();
    }
  });

  connect();
})();
