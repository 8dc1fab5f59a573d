// The landing page's live panel: an EventSource on the clock stream, its
// readyState and the last few events (messages and custom types).
(function () {
  var STATES = ['CONNECTING', 'OPEN', 'CLOSED'];
  var state = document.getElementById('live-state');
  var id = document.getElementById('live-id');
  var list = document.getElementById('live-events');
  var source = new EventSource('/demo/clock');
  window.liveDemo = { source: source, events: [] };

  function show(kind, text) {
    window.liveDemo.events.push({ kind: kind, text: text });
    var item = document.createElement('li');
    var tag = document.createElement('span');
    tag.className = 'tag tag-' + kind;
    tag.textContent = kind;
    item.appendChild(tag);
    item.appendChild(document.createTextNode(' ' + text));
    list.insertBefore(item, list.firstChild);
    while (list.children.length > 6) list.removeChild(list.lastChild);
    state.textContent = STATES[source.readyState];
  }

  function onEvent(e) {
    show(e.type, e.data);
    id.textContent = e.lastEventId || '—';
  }

  source.onopen = function () { show('open', ''); };
  source.onerror = function (e) { show('error', e.message || ''); };
  source.onmessage = onEvent;
  source.addEventListener('userlogon', onEvent);
  source.addEventListener('update', onEvent);
})();
