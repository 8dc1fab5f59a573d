// The stream inspector: EventSourceWasm.inspectStream(bytes) on every edit.
(function () {
  'use strict';
  var D = window.Demo;
  var $ = function (id) { return document.getElementById(id); };
  var input = $('input');
  var rows = $('rows');
  var encoder = new TextEncoder();
  var decoder = new TextDecoder();

  function eol() {
    var checked = document.querySelector('input[name="eol"]:checked');
    return checked ? checked.value : 'lf';
  }

  function value(text, cls) {
    if (text === '') return D.el('span', { class: 'val empty-val', text: cls || '(empty)' });
    return D.el('pre', { class: 'val', text: text });
  }

  function field(name, text, empty) {
    return D.el('div', { class: 'field-row', 'data-field': name }, [D.el('span', { class: 'field-name', text: name }), value(text, empty)]);
  }

  function visible(line) {
    // Make the odd characters a textarea can still hold visible.
    return line.replace(/\t/g, '\u2192').replace(/\u0000/g, '\u2400');
  }

  function render() {
    var api = window.EventSourceWasm;
    if (!api || typeof api.inspectStream !== 'function') {
      rows.textContent = '';
      $('summary').textContent = 'EventSourceWasm.inspectStream is not available: rebuild dist/.';
      return;
    }
    var text = input.value;
    var mode = eol();
    if (mode === 'crlf') text = text.replace(/\n/g, '\r\n');
    else if (mode === 'cr') text = text.replace(/\n/g, '\r');
    var bytes = encoder.encode(text);
    $('bytes').textContent = bytes.length + ' bytes fed.';
    var asked = ++generation;
    // inspectStream resolves once the wasm core is loaded (at once after that).
    api.inspectStream(bytes).then(function (report) {
      if (asked === generation) show(report, bytes, mode);
    });
  }

  var generation = 0;

  function show(report, bytes, mode) {
    var counts = { event: 0, retry: 0, ignored: 0, incomplete: 0 };
    var fragment = document.createDocumentFragment();
    report.forEach(function (entry, i) {
      counts[entry.kind] = (counts[entry.kind] || 0) + 1;
      var details = D.el('td');
      if (entry.kind === 'event') {
        details.appendChild(field('type', entry.type));
        details.appendChild(field('data', entry.data, '(empty string)'));
        details.appendChild(field('lastEventId', entry.lastEventId, '(empty string)'));
      } else if (entry.kind === 'retry') {
        details.appendChild(field('retry', entry.retry + ' ms'));
        details.appendChild(D.el('div', { class: 'note', text: 'the reconnection time from now on' }));
      } else if (entry.kind === 'ignored') {
        details.appendChild(field('line', visible(entry.line), '(blank line)'));
        details.appendChild(field('reason', entry.reason));
      } else if (entry.kind === 'incomplete') {
        // pendingLine / pendingData are byte counts: the unterminated last
        // line is the input's last pendingLine bytes.
        var tail = entry.pendingLine ? decoder.decode(bytes.subarray(bytes.length - entry.pendingLine)) : '';
        details.appendChild(field('pending line', tail, '(none)'));
        details.appendChild(field('pending data', entry.pendingData + ' bytes buffered'));
        details.appendChild(
          D.el('div', { class: 'note', text: 'The stream ended inside an event; a client discards it. A blank line would have dispatched it.' }),
        );
      }
      var tr = D.el('tr', { class: 'row-' + entry.kind, 'data-kind': entry.kind }, [
        D.el('td', { class: 'num', text: String(i + 1) }),
        D.el('td', {}, [D.el('span', { class: 'kind kind-' + entry.kind, text: entry.kind })]),
        details,
      ]);
      fragment.appendChild(tr);
    });
    rows.textContent = '';
    rows.appendChild(fragment);
    if (!report.length) rows.appendChild(D.el('tr', {}, [D.el('td', { colspan: '3', class: 'muted', text: 'Nothing yet: type a stream.' })]));

    var summary = $('summary');
    summary.textContent = '';
    [
      ['event', counts.event + (counts.event === 1 ? ' event' : ' events')],
      ['retry', counts.retry + ' retry'],
      ['ignored', counts.ignored + ' ignored'],
      [counts.incomplete ? 'incomplete' : 'clean', counts.incomplete ? 'unfinished event at the end' : 'ends cleanly'],
    ].forEach(function (pair) {
      summary.appendChild(D.el('span', { class: 'kind kind-' + pair[0], text: pair[1] }));
    });
    window.inspectorDemo = { report: report, eol: mode, bytes: bytes.length, live: liveState };
  }

  // The live check: a source on a stream, its `warning` event shown as it
  // comes (the package's buffering diagnosis), its comments counted with
  // the onComment option.
  var live = null;
  var liveState = { events: 0, comments: 0, warning: null, url: '' };
  function connect(event) {
    if (event) event.preventDefault();
    if (live) live.close();
    var via = $('live-via').value;
    var url = via === 'url' ? $('live-url').value : '/demo/through?via=' + via;
    var started = Date.now();
    liveState = { events: 0, comments: 0, warning: null, url: url };
    window.inspectorDemo = Object.assign(window.inspectorDemo || {}, { live: liveState });
    $('live-diagnosis').textContent = 'Watching…';
    try {
      // The package's own class, even where the page keeps the browser's.
      var Source = (window.EventSourceWasm && window.EventSourceWasm.EventSource) || window.EventSource;
      live = new Source(url, { onComment: function () { liveState.comments++; } });
    } catch (error) {
      $('live-status').textContent = error.message;
      return;
    }
    var status = function () {
      $('live-status').textContent =
        liveState.events + ' events, ' + liveState.comments + ' comments in ' + Math.round((Date.now() - started) / 1000) + ' s';
      if (!liveState.warning) $('live-diagnosis').textContent = 'No sign of buffering so far.';
    };
    live.onmessage = function () {
      liveState.events++;
      status();
    };
    live.addEventListener('warning', function (e) {
      liveState.warning = { sign: e.sign, message: e.message };
      $('live-diagnosis').textContent = e.message;
    });
    live.onerror = function (e) {
      $('live-status').textContent = e.message || 'error';
    };
  }
  $('live-form').addEventListener('submit', connect);

  input.addEventListener('input', render);
  document.querySelectorAll('input[name="eol"]').forEach(function (r) {
    r.addEventListener('change', render);
  });
  render();
})();
