// The server clock: plain messages with the time, a JSON welcome message,
// and the named events userlogon / update, each checked for its origin.
(function () {
  'use strict';
  var D = window.Demo;
  var $ = function (id) { return document.getElementById(id); };
  var log = D.makeLog($('log'), 40);
  var counts = { message: 0, userlogon: 0, update: 0, rejected: 0 };
  var state = (window.clockDemo = { times: [], custom: [], welcome: null, originOk: 0, originBad: 0 });
  var expectedOrigin = location.origin;

  var url = '/demo/clock' + (D.param('interval') ? '?interval=' + encodeURIComponent(D.param('interval')) : '');
  var source = new EventSource(url);

  function count(kind) {
    counts[kind] += 1;
    $('n-' + kind).textContent = String(counts[kind]);
  }

  function setReadyState() {
    var badge = $('ready-state');
    badge.textContent = D.STATES[source.readyState];
    badge.className = 'badge state-' + source.readyState;
  }

  // The article's advice: look at e.origin before trusting the data.
  function trusted(e) {
    $('origin').textContent = e.origin || '(empty)';
    var check = $('origin-check');
    if (e.origin !== expectedOrigin) {
      state.originBad += 1;
      count('rejected');
      check.className = 'origin-bad';
      check.textContent = 'rejected: expected ' + expectedOrigin;
      log('error', 'ignored a ' + e.type + ' event from ' + JSON.stringify(e.origin));
      return false;
    }
    state.originOk += 1;
    check.className = 'origin-ok';
    check.textContent = 'matches location.origin (' + state.originOk + ' events)';
    return true;
  }

  function parse(e) {
    try {
      return JSON.parse(e.data);
    } catch (err) {
      log('error', e.type + ' data is not JSON: ' + e.data);
      return null;
    }
  }

  function hue(name) {
    var h = 0;
    for (var i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) % 360;
    return h;
  }

  function addCustom(type, data) {
    var name = String(data.username || 'someone');
    state.custom.push({ type: type, data: data });
    $('feed-empty').hidden = true;
    var what = D.el('div', { class: 'what' });
    if (type === 'userlogon') {
      what.appendChild(D.el('strong', { text: name }));
      what.appendChild(document.createTextNode(' logged on'));
    } else {
      what.appendChild(D.el('strong', { text: name }));
      what.appendChild(document.createTextNode(' is now '));
      what.appendChild(D.el('strong', { text: String(data.emotion) }));
    }
    var li = D.el('li', { 'data-type': type }, [
      D.el('span', { class: 'avatar', 'aria-hidden': 'true', style: 'background:hsl(' + hue(name) + ' 55% 45%)', text: name.charAt(0).toUpperCase() }),
      what,
      D.el('span', { class: 'badge type-' + type, text: type }),
      D.el('time', { text: D.time().slice(0, 8) }),
    ]);
    var feed = $('feed');
    feed.insertBefore(li, feed.firstChild);
    while (feed.children.length > 30) feed.removeChild(feed.lastChild);
  }

  source.addEventListener('open', function () {
    log('open', 'readyState OPEN, ' + url);
    setReadyState();
  });
  source.addEventListener('error', function (e) {
    log('error', D.describeError(e, source));
    setReadyState();
  });

  source.addEventListener('message', function (e) {
    if (!trusted(e)) return;
    count('message');
    if (e.data.charAt(0) === '{') {
      // The welcome message: JSON sent over several data: lines.
      var msg = parse(e);
      if (msg && msg.msg) {
        state.welcome = msg.msg;
        var w = $('welcome');
        w.hidden = false;
        w.textContent = msg.msg;
        log('info', 'JSON message: ' + msg.msg);
      }
      return;
    }
    state.times.push({ time: e.data, id: e.lastEventId });
    $('clock').textContent = e.data;
    $('last-id').textContent = e.lastEventId || '(none)';
  });

  ['userlogon', 'update'].forEach(function (type) {
    source.addEventListener(type, function (e) {
      if (!trusted(e)) return;
      var data = parse(e);
      if (!data) return;
      count(type);
      addCustom(type, data);
    });
  });

  setReadyState();
})();
