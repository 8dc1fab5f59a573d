// One soak run: a client (Node, or a Chromium page over fetch or XHR)
// reads the chaos server's stream until the last event, checking every
// event as it arrives (./stream.mjs). Shared by soak.test.mjs and soak.mjs.

import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { createChecker, watch } from './stream.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function settle(server, run) {
  // The client closed: the server must see every connection go.
  const deadline = Date.now() + 5000;
  while (server.stats(run).open > 0 && Date.now() < deadline) await sleep(10);
  return server.stats(run);
}

/** The figures of a run, in one object (also what soak.mjs prints). */
function figures(label, summary, client, stats, elapsed) {
  return {
    label,
    events: summary.events,
    received: summary.received,
    lost: summary.lost,
    duplicated: summary.duplicated,
    corrupted: summary.corrupted,
    outOfOrder: summary.outOfOrder,
    cuts: stats.cuts,
    where: stats.where,
    how: stats.how,
    framing: stats.framing,
    boms: stats.boms,
    requests: stats.requests,
    opens: client.opens,
    errors: client.errors,
    closedErrors: client.closedErrors,
    timedOut: client.timedOut,
    openAfterClose: stats.open,
    // Connections whose head was followed by a failure before any body
    // byte (no body, then a reset or a truncated chunked body).
    headOnlyFailures: stats.plan.filter((p) => p.bodyBytes === 0 && p.how !== 'fin').length,
    anomalies: stats.anomalies,
    problems: summary.problems,
    elapsedMs: elapsed,
  };
}

/** The client in this Node process, with dist/index.js. */
export async function runNode({ server, events, cuts, seed, timeout = 120000 }) {
  const { EventSource, diagnostics } = await import(pathToFileURL(join(root, 'dist/index.js')).href);
  const { run, url } = server.newRun({ events, cuts, seed });
  const checker = createChecker(seed, events);
  const started = Date.now();
  const client = await watch(new EventSource(url), checker, timeout);
  const elapsed = Date.now() - started;
  const stats = await settle(server, run);
  const result = figures('node', checker.summary(), client, stats, elapsed);
  result.diagnostics = diagnostics();
  return result;
}

/**
 * The client in a Chromium page served by the chaos server (same origin),
 * with dist/index.js and `transport` ('fetch' or 'xhr') forced.
 */
export async function runChromium({ browser, server, events, cuts, seed, transport, timeout = 120000 }) {
  const page = await browser.newPage();
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  try {
    await page.goto(`${server.origin}/soak/page.html`);
    const { run, url } = server.newRun({ events, cuts, seed });
    const started = Date.now();
    const outcome = await page.evaluate(
      async ({ url, events, seed, transport, timeout }) => {
        const { EventSource, diagnostics } = await import('/dist/index.js');
        const { createChecker, watch } = await import('/soak/stream.mjs');
        const checker = createChecker(seed, events);
        const client = await watch(new EventSource(url, { transport }), checker, timeout);
        return { summary: checker.summary(), client, diagnostics: diagnostics() };
      },
      { url, events, seed, transport, timeout },
    );
    const elapsed = Date.now() - started;
    const stats = await settle(server, run);
    const result = figures(`chromium ${transport}`, outcome.summary, outcome.client, stats, elapsed);
    result.diagnostics = outcome.diagnostics;
    result.pageErrors = pageErrors;
    return result;
  } finally {
    await page.close();
  }
}

/** A human-readable block of the figures. */
export function format(r) {
  const kinds = (o) =>
    Object.entries(o)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
  return [
    `${r.label}: ${r.events} events, ${r.cuts} cuts in ${r.requests} connections, ${(r.elapsedMs / 1000).toFixed(1)} s`,
    `  cuts by place: ${kinds(r.where)}`,
    `  cuts by end:   ${kinds(r.how)}   (framing: ${kinds(r.framing)}; ${r.boms} responses began with a BOM)`,
    `  received ${r.received}; lost ${r.lost}, duplicated ${r.duplicated}, corrupted ${r.corrupted}, out of order ${r.outOfOrder}`,
    `  opens ${r.opens}, errors ${r.errors} (head-only failures ${r.headOnlyFailures})${r.closedErrors.length ? `, FAILED: ${JSON.stringify(r.closedErrors)}` : ''}${r.timedOut ? ', TIMED OUT' : ''}`,
    ...(r.anomalies.length ? [`  server anomalies: ${r.anomalies.slice(0, 5).join('; ')}`] : []),
    ...(r.problems.length ? [`  first problems: ${JSON.stringify(r.problems.slice(0, 3))}`] : []),
  ].join('\n');
}

/** Whether a run is perfect; `why` lists what is not. */
export function verdict(r, { events, cuts }) {
  const why = [];
  if (r.timedOut) why.push('timed out');
  if (r.closedErrors.length) why.push(`the source failed: ${JSON.stringify(r.closedErrors)}`);
  if (r.lost) why.push(`${r.lost} lost`);
  if (r.duplicated) why.push(`${r.duplicated} duplicated`);
  if (r.corrupted) why.push(`${r.corrupted} corrupted`);
  if (r.outOfOrder) why.push(`${r.outOfOrder} out of order`);
  if (r.received !== events) why.push(`received ${r.received}, not ${events}`);
  if (r.cuts < cuts) why.push(`only ${r.cuts} cuts`);
  if (r.anomalies.length) why.push(`server saw: ${r.anomalies.slice(0, 3).join('; ')}`);
  if (r.openAfterClose) why.push(`${r.openAfterClose} connection(s) still open after close()`);
  // One error event per cut, one open per connection. Except over XHR:
  // Chromium's XMLHttpRequest reaches HEADERS_RECEIVED only with the first
  // body byte (or the end of the body), so a response whose head is followed
  // by a failure before any body byte is, to the XHR transport, a network
  // error without a response: error, no open (native EventSource and the
  // fetch transport dispatch open, then error). The same happens when the
  // XHR had not yet taken in the bytes a reset destroys. Nothing is lost
  // either way: the reconnection resumes after the last dispatched id.
  if (r.errors !== r.cuts) why.push(`${r.errors} error events for ${r.cuts} cuts`);
  if (r.label.endsWith('xhr')) {
    const unclean = r.how.rst + r.how['fin-truncated'];
    if (r.opens > r.requests - r.headOnlyFailures || r.opens < r.requests - unclean) {
      why.push(`${r.opens} open events for ${r.requests} connections (${r.headOnlyFailures} failed right after the head, ${unclean} ended uncleanly)`);
    }
  } else if (r.opens !== r.requests) why.push(`${r.opens} open events for ${r.requests} connections`);
  if (r.pageErrors?.length) why.push(`page errors: ${r.pageErrors.join('; ')}`);
  return why;
}
