#!/usr/bin/env node
// Is a POSTed prompt sent again? (issue 22.) Each package is packed
// (`npm pack`) and installed into a throwaway project, as a user gets it;
// then, in Node, each row opens one source against a server that answers a
// POSTed prompt with two events and ends the response (as LLM chat
// endpoints do), never calls close(), and counts for 8 s what the server
// received and what the source dispatched. Prints a Markdown table; never
// a test (tests/node/options.test.mjs and tests/e2e/options.test.mjs are).
//
//   node bench/post-resend.mjs [--repo=DIR ...] [--seconds=8]
//
// --repo: a checkout whose dist/ is built (default: this one), as DIR or
// DIR=NAME; give two to compare a build before a change with one after it,
// side by side.

import { createServer } from 'node:http';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execFileSync } from 'node:child_process';

const here = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
// --repo=DIR or --repo=DIR=NAME (NAME: what to call a tree without .git).
const repos = argv.filter((a) => a.startsWith('--repo=')).map((a) => a.slice(7).split('='));
if (repos.length === 0) repos.push([here]);
const seconds = Number(argv.find((a) => a.startsWith('--seconds='))?.slice(10) ?? 8);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Pack `repo` and install the tarball into a fresh project; the package's entry. */
async function install([dir, name], tmp, label) {
  const repo = resolve(dir);
  const out = execFileSync(npm, ['pack', '--json', '--pack-destination', tmp], { cwd: repo, encoding: 'utf8' });
  const file = JSON.parse(out.slice(out.indexOf('[')))[0].filename;
  const project = join(tmp, label);
  await mkdir(project);
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: `resend-${label}`, private: true, type: 'module' }));
  execFileSync(npm, ['install', join(tmp, file), '--offline', '--no-audit', '--no-fund', '--no-package-lock'], { cwd: project, stdio: 'ignore' });
  let commit = name || 'not a git checkout';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    // An exported tree (git archive) has no .git: say so instead.
  }
  return { label: `${label} (${commit}${repo === here ? ', this checkout' : ''})`, entry: join(project, 'node_modules/eventsource-wasm/dist/index.js') };
}

// POST /chat?row=R: two events, then the end of the response (with
// `retry: 500` first for ?retry=1). GET /chat?row=R: the resumed stream,
// which stays open. The server counts the POSTs of each row.
const posts = new Map();
const server = createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  const row = url.searchParams.get('row');
  req.resume();
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' });
  if (req.method === 'POST') {
    posts.set(row, (posts.get(row) || 0) + 1);
    const retry = url.searchParams.get('retry') ? 'retry: 500\n' : '';
    res.end(`${retry}id: 1\ndata: Once upon\n\nid: 2\ndata: a time\n\n`);
  } else {
    res.flushHeaders();
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${server.address().port}`;

const ROWS = [
  ['defaults', '', {}],
  ['the server sends `retry: 500`', '&retry=1', {}],
  ['`beforeReconnect` returns a GET (README recipe)', '', { beforeReconnect: () => ({ method: 'GET' }) }],
  ['opt-in `reconnect: { resend: true }`', '', { reconnect: { resend: true } }],
];

const tmp = await mkdtemp(join(tmpdir(), 'post-resend-'));
try {
  const builds = [];
  for (const [i, repo] of repos.entries()) builds.push(await install(repo, tmp, repos.length > 1 ? ['before', 'after'][i] || `build${i}` : 'build'));
  const runs = [];
  for (const build of builds) {
    const { EventSource } = await import(pathToFileURL(build.entry).href);
    for (const [name, query, extra] of ROWS) {
      const row = `${runs.length}`;
      const counts = { messages: 0, errors: [] };
      const es = new EventSource(`${origin}/chat?row=${row}${query}`, { method: 'POST', body: JSON.stringify({ prompt: 'Tell me a story' }), headers: { 'Content-Type': 'application/json' }, ...extra });
      es.onmessage = () => counts.messages++;
      es.onerror = (e) => counts.errors.push(e.reason ?? '?');
      runs.push({ build, name, row, es, counts });
    }
  }
  await sleep(seconds * 1000);
  console.log(`| build | setup | POSTs received in ${seconds} s | message events | readyState at ${seconds} s | error reasons |`);
  console.log('| --- | --- | ---: | ---: | --- | --- |');
  for (const { build, name, row, es, counts } of runs) {
    const reasons = [...new Set(counts.errors)].map((r) => `${r} ×${counts.errors.filter((x) => x === r).length}`).join(', ');
    console.log(`| ${build.label} | ${name} | ${posts.get(row) || 0} | ${counts.messages} | ${es.readyState} | ${reasons || '—'} |`);
    es.close();
  }
} finally {
  server.close();
  server.closeAllConnections();
  await rm(tmp, { recursive: true, force: true });
}
