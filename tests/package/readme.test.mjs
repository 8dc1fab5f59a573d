// The README's examples are executed, against the installed tarball, so the
// documentation cannot drift from the package. A fenced code block preceded
// by an HTML comment `<!-- example: NAME -->` is an example; RUNNERS below
// says how each NAME runs (Chromium page, import-map module, Node child
// process) and which URLs in it are rewritten to the test server. Each
// example must really receive an event: it logs with console.log, and the
// log must contain the unique data the test server sent.
//
// To add an example: put `<!-- example: NAME -->` right before its code
// block in README.md and, for a new NAME, add a runner to RUNNERS.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import { startServer, sseUrl } from '../server/server.mjs';
import { launch } from '../e2e/browser.mjs';
import { root, packAndInstall, runNode, serveDirectory, uniqueKey, waitFor, captureConsole } from './helpers.mjs';

const README = join(root, 'README.md');

/**
 * Find every `<!-- example: NAME -->` outside code blocks and the fenced
 * block that follows it. Returns {examples: [{name, lang, code, line}],
 * problems: [message]}; an example comment without a code block right after
 * it (blank lines allowed) is a problem, as is a malformed one.
 */
export function extractExamples(markdown) {
  const lines = markdown.split(/\r?\n/);
  const examples = [];
  const problems = [];
  let fence = null; // the open fence ({char, length}) while inside a code block
  const openFence = (line) => {
    const m = /^ {0,3}(`{3,}|~{3,})\s*([\w+-]*)/.exec(line);
    return m ? { char: m[1][0], length: m[1].length, lang: m[2].toLowerCase() } : null;
  };
  const closes = (line, f) => new RegExp(`^ {0,3}${f.char === '`' ? '`' : '~'}{${f.length},}\\s*$`).test(line);

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (fence) {
      if (closes(line, fence)) fence = null;
      continue;
    }
    const opened = openFence(line);
    if (opened) {
      fence = opened;
      continue;
    }
    if (!/example:/i.test(line) || !/<!--/.test(line)) continue;
    const where = `README.md:${i + 1}`;
    const m = /<!--\s*example:\s*([A-Za-z0-9_-]+)\s*-->/.exec(line);
    if (!m) {
      problems.push(`${where}: malformed example comment ${JSON.stringify(line.trim())} (write <!-- example: NAME --> on one line)`);
      continue;
    }
    const name = m[1];
    let j = i + 1;
    while (j < lines.length && lines[j].trim() === '') j++;
    const block = j < lines.length ? openFence(lines[j]) : null;
    if (!block) {
      problems.push(`${where}: <!-- example: ${name} --> is not followed by a fenced code block`);
      continue;
    }
    let k = j + 1;
    while (k < lines.length && !closes(lines[k], block)) k++;
    if (k >= lines.length) {
      problems.push(`${where}: the code block of example "${name}" is never closed`);
      break;
    }
    examples.push({ name, lang: block.lang, code: lines.slice(j + 1, k).join('\n'), line: i + 1 });
    i = k; // continue after the block
  }
  if (fence) problems.push('README.md: a code block is never closed');
  return { examples, problems };
}

const { examples, problems } = extractExamples(readFileSync(README, 'utf8'));

// ── environment ──────────────────────────────────────────────────────────

let server;
let installed;
let files;
let browser;

before(async () => {
  server = await startServer();
  installed = await packAndInstall('readme');
  files = await serveDirectory(installed.project);
  browser = await launch();
});

after(async () => {
  await browser?.close().catch(() => {});
  await files?.close();
  await server?.close();
  await installed?.cleanup();
});

/**
 * A stream on the test server that sends `token` as a message's data (and,
 * with `update`, an `update` event whose JSON carries it too). CORS with
 * credentials, since examples may use withCredentials across origins.
 */
function streamFor(name, token, { update = true } = {}) {
  const chunks = [`id: 1\ndata: ${token}\n\n`];
  if (update) chunks.push(`event: update\ndata: ${JSON.stringify({ token })}\n\n`);
  return sseUrl(server.origin, uniqueKey(`readme-${name}`), { chunks, end: 'open', cors: 'credentials' });
}

/** Replace `pattern` in the example's code, failing clearly when it is not there. */
function rewrite(example, code, pattern, replacement, what) {
  assert.match(
    code,
    pattern,
    `README example "${example.name}" (README.md:${example.line}) no longer contains ${what}; update its runner in tests/package/readme.test.mjs`,
  );
  return code.replace(new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`), replacement);
}

/** A string literal `'/events'` (any quotes), which examples use for their stream. */
const RELATIVE_EVENTS = /(['"`])\/events\1/;

const containsToken = (values, token) => values.some((v) => JSON.stringify(v ?? null).includes(token));

/**
 * Load `html` in a fresh page and wait until `until(logs)` holds, where
 * `logs` lists each console.log call's arguments; `what` describes it.
 * Returns {logs, facts} with `facts` = the page's `window.__facts`, read
 * before the page is closed.
 */
async function runPage(example, name, html, { deleteNative = false, until, what }) {
  const path = `readme-${name}.html`;
  await writeFile(join(installed.project, path), html);
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    if (deleteNative) await page.addInitScript(() => delete window.EventSource);
    const cons = captureConsole(page);
    await page.goto(`${files.origin}/${path}`);
    const logs = () => cons.logs.filter((l) => l.type === 'log' && l.args).map((l) => l.args);
    await waitFor(() => until(logs()), {
      message: `README example "${example.name}" to log ${what}`,
      describe: () => cons.text(),
    });
    assert.deepEqual(cons.errors, [], `page errors: ${cons.text()}`);
    return { logs: logs(), facts: await page.evaluate(() => window.__facts) };
  } finally {
    await context.close().catch(() => {});
  }
}

const htmlPage = (body) => `<!doctype html>\n<html><head><meta charset="utf-8"><title>README example</title></head>\n<body>\n${body}\n</body></html>\n`;

// ── runners: NAME → {langs, run(example)} ────────────────────────────────

const RUNNERS = {
  // A test file (node --test) in the project where the tarball is
  // installed, with the test tools it imports (MSW, @sinonjs/fake-timers)
  // linked in from this repository's devDependencies; it mocks its own
  // stream and must pass.
  testing: {
    langs: ['js'],
    async run(example) {
      for (const tool of ['msw', '@sinonjs/fake-timers']) {
        const link = join(installed.project, 'node_modules', tool);
        await mkdir(dirname(link), { recursive: true });
        await rm(link, { recursive: true, force: true });
        await symlink(join(root, 'node_modules', tool), link, 'dir');
      }
      const file = `readme-testing-${example.line}.test.mjs`;
      await writeFile(join(installed.project, file), example.code);
      // A test run of its own, not a subtest of this one (node --test tells
      // its children by NODE_TEST_CONTEXT).
      const result = await runNode('--test', ['--test-reporter=spec', file], { cwd: installed.project, timeout: 30000, env: { NODE_TEST_CONTEXT: undefined } });
      assert.equal(result.code, 0, `node --test ${file} ${result.timedOut ? 'did not end (killed)' : `exited ${result.code ?? result.signal}`}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
      assert.match(result.stdout, /^ℹ pass 1$/m, `the example's test passed; stdout: ${result.stdout}`);
    },
  },

  // A classic script page: the src points at where the tarball's classic
  // script is served, '/events' at the test server. Run where Chromium's
  // EventSource was removed (the polyfill installs and serves the page's
  // code) and where it exists (native serves it; the script must not break).
  'script-tag': {
    langs: ['html'],
    async run(example) {
      for (const deleteNative of [true, false]) {
        const mode = deleteNative ? 'without native EventSource' : 'with native EventSource';
        const token = `tok-${uniqueKey('script')}`;
        let code = rewrite(
          example,
          example.code,
          /src=(["'])[^"']*eventsource-wasm\.js\1/,
          'src="/node_modules/eventsource-wasm/dist/eventsource-wasm.js"',
          'a <script src="…/eventsource-wasm.js">',
        );
        code = rewrite(example, code, RELATIVE_EVENTS, JSON.stringify(streamFor('script', token)), "the stream URL '/events'");
        // Which EventSource the page's code got.
        code += `\n<script>window.__facts = { polyfill: typeof EventSourceWasm === 'object' ? EventSourceWasm.isPolyfill() : 'no EventSourceWasm' };</script>`;
        // The example logs the message and, if it listens for it, the update event.
        const wantsUpdate = /['"]update['"]/.test(example.code);
        const { facts } = await runPage(example, `script-tag-${deleteNative ? 'polyfill' : 'native'}`, htmlPage(code), {
          deleteNative,
          what: `the message${wantsUpdate ? ' and the update event' : ''} (${mode})`,
          until: (logs) =>
            logs.some((args) => containsToken(args, token)) &&
            (!wantsUpdate || logs.some((args) => args.includes('update') && containsToken(args, token))),
        });
        assert.deepEqual(facts, { polyfill: deleteNative }, `the page's EventSource ${mode}`);
      }
    },
  },

  // An ES module page with an import map for the package's entries.
  esm: {
    langs: ['js', 'javascript', 'mjs'],
    async run(example) {
      const token = `tok-${uniqueKey('esm')}`;
      const code = rewrite(example, example.code, RELATIVE_EVENTS, JSON.stringify(streamFor('esm', token)), "the stream URL '/events'");
      const importMap = {
        imports: {
          'eventsource-wasm': '/node_modules/eventsource-wasm/dist/index.js',
          'eventsource-wasm/auto': '/node_modules/eventsource-wasm/dist/auto.js',
        },
      };
      await runPage(
        example,
        `esm-${example.line}`,
        htmlPage(`<script type="importmap">${JSON.stringify(importMap)}</script>\n<script type="module">\n${code}\n</script>`),
        { what: `the message's data (${token})`, until: (logs) => logs.some((args) => containsToken(args, token)) },
      );
    },
  },

  // The options example: a POST stream with per-connection headers. The
  // stream URL goes to the test server, which must see the POST, its body
  // and the header the function returned.
  options: {
    langs: ['js', 'javascript', 'mjs'],
    async run(example) {
      const token = `tok-${uniqueKey('options')}`;
      const key = uniqueKey('readme-options');
      const url = sseUrl(server.origin, key, { chunks: [`data: ${token}\n\n`], end: 'open', cors: true });
      const code = rewrite(example, example.code, /(['"`])\/api\/stream\1/, JSON.stringify(url), "the stream URL '/api/stream'");
      await runModulePage(example, code, token);
      const [request] = server.log(key).requests.filter((r) => r.method !== 'OPTIONS');
      assert.equal(request.method, 'POST');
      assert.match(request.headers.authorization ?? '', /^Bearer /);
      await waitFor(() => request.body.includes('prompt'), { message: 'the POST body at the server' });
    },
  },

  // The feature-detection example: in Chromium, SSE is supported, the
  // global EventSource is the platform's, and the transport is fetch.
  environment: {
    langs: ['js', 'javascript', 'mjs'],
    async run(example) {
      const importMap = { imports: { 'eventsource-wasm': '/node_modules/eventsource-wasm/dist/index.js' } };
      const { logs } = await runPage(
        example,
        `environment-${example.line}`,
        htmlPage(`<script type="importmap">${JSON.stringify(importMap)}</script>\n<script type="module">\n${example.code}\n</script>`),
        { what: 'three logged values', until: (logs) => logs.length >= 3 },
      );
      assert.deepEqual(logs.slice(0, 2), [[true], [false]]);
      assert.deepEqual(logs[2][0], { native: true, transport: 'fetch', eventTarget: 'native', shared: true });
    },
  },

  // The iteration example: the loop sees a message and an update event,
  // then closes the source, which ends the loop.
  iterate: {
    langs: ['js', 'javascript', 'mjs'],
    async run(example) {
      const token = `tok-${uniqueKey('iterate')}`;
      const code = rewrite(example, example.code, RELATIVE_EVENTS, JSON.stringify(streamFor('iterate', token)), "the stream URL '/events'");
      await runModulePage(example, code, token, (logs) => logs.filter((args) => containsToken(args, token)).length >= 2);
    },
  },

  // The shared-stream example: one page here (the tabs are tests/e2e/shared.test.mjs's);
  // it must receive the message and say how it holds the connection.
  shared: {
    langs: ['js', 'javascript', 'mjs'],
    async run(example) {
      const token = `tok-${uniqueKey('shared')}`;
      const code = rewrite(example, example.code, RELATIVE_EVENTS, JSON.stringify(streamFor('shared', token)), "the stream URL '/events'");
      await runModulePage(example, code, token, (logs) => logs.some((args) => containsToken(args, token) && JSON.stringify(args).includes('"mode":"shared"')));
    },
  },

  // The LLM example: the POSTed prompt gets an answer that ends without a
  // sentinel; the source logs the answer as it grows, then closes with
  // 'unrepeatable' and is never POSTed again.
  llm: {
    langs: ['js', 'javascript', 'mjs'],
    async run(example) {
      const token = `tok-${uniqueKey('llm')}`;
      const key = uniqueKey('readme-llm');
      const url = sseUrl(server.origin, key, { chunks: ['retry: 20\ndata: Once upon a time, \n\n', `data: ${token}\n\n`], cors: true });
      const code = rewrite(example, example.code, /(['"])\/api\/chat\1/, JSON.stringify(url), "the stream URL '/api/chat'");
      await runModulePage(example, code, token, (logs) => logs.some((args) => args[0] === 'the answer ended:' && containsToken(args, token)));
      const requests = server.log(key).requests.filter((r) => r.method !== 'OPTIONS');
      assert.deepEqual(requests.map((r) => r.method), ['POST'], 'the prompt is POSTed once');
    },
  },

  // The warning example: a stream through the test server's buffering
  // proxy (4 KiB blocks) is named, with its sign.
  warning: {
    langs: ['js', 'javascript', 'mjs'],
    async run(example) {
      const token = `tok-${uniqueKey('warning')}`;
      const event = `data: ${token}`.padEnd(98, '.') + '\n\n';
      // 41 events at once, then one every 20 ms: the first block leaves at
      // once, the next about every 0.8 s (the sign is their size).
      const plan = { chunks: [{ repeat: 41, text: event }, { repeat: 300, every: 20, text: event }], proxy: { block: 4096 }, cors: true };
      const code = rewrite(example, example.code, RELATIVE_EVENTS, JSON.stringify(sseUrl(server.origin, uniqueKey('readme-warning'), plan)), "the stream URL '/events'");
      await runModulePage(example, code, token, (logs) => logs.some((args) => args[0] === 'buffered on its way:' && args[1] === 'buffer-sized-bursts'));
    },
  },

  // The reconnect example: the first stream asks for a new token and stays
  // open; reconnect() makes the second request at once, with the new token
  // and Last-Event-ID, and its event is the token.
  reconnect: {
    langs: ['js', 'javascript', 'mjs'],
    async run(example) {
      const token = `tok-${uniqueKey('reconnect')}`;
      const key = uniqueKey('readme-reconnect');
      // The n-th request gets the n-th spec, and the CORS preflight of the
      // first GET is a request too (a later one may come from the cache).
      const first = { chunks: ['id: 1\ndata: first\n\nevent: token-expiring\ndata: soon\n\n'], end: 'open', cors: true };
      const plan = [first, first, { chunks: [`data: ${token}\n\n`], end: 'open', cors: true }];
      const code = rewrite(example, example.code, RELATIVE_EVENTS, JSON.stringify(sseUrl(server.origin, key, plan)), "the stream URL '/events'");
      await runModulePage(example, code, token);
      const requests = server.log(key).requests.filter((r) => r.method !== 'OPTIONS');
      assert.deepEqual(requests.map((r) => [r.headers.authorization, r.lastEventId]), [['Bearer first-token', null], ['Bearer second-token', '1']]);
    },
  },

  // The resume example: the POST goes to one stream of the test server,
  // which ends; the GET that beforeReconnect returns goes to another, with
  // Last-Event-ID.
  resume: {
    langs: ['js', 'javascript', 'mjs'],
    async run(example) {
      const token = `tok-${uniqueKey('resume')}`;
      const postKey = uniqueKey('readme-resume-post');
      const getKey = uniqueKey('readme-resume-get');
      const post = sseUrl(server.origin, postKey, { chunks: [`retry: 20\nid: 1\ndata: first-${token}\n\n`], cors: true });
      const get = sseUrl(server.origin, getKey, { chunks: [`data: ${token}\n\n`], end: 'open', cors: true });
      let code = rewrite(example, example.code, /\/api\/chat\/stream\?after=/, `${get}&after=`, 'the resume URL /api/chat/stream?after=');
      code = rewrite(example, code, /(['"])\/api\/chat\1/, JSON.stringify(post), "the stream URL '/api/chat'");
      await runModulePage(example, code, token, (logs) => logs.some((args) => args.includes(token)));
      const [first] = server.log(postKey).requests.filter((r) => r.method !== 'OPTIONS');
      assert.equal(first.method, 'POST');
      const [again] = server.log(getKey).requests.filter((r) => r.method !== 'OPTIONS');
      assert.equal(again.method, 'GET');
      assert.equal(again.lastEventId, '1');
      assert.match(again.url, /&after=1$/);
    },
  },

  // A Node script in the project where the tarball is installed; the
  // loopback URL points at the test server, which sends one message. The
  // script must end by itself (the example closes its source).
  node: {
    langs: ['js', 'javascript', 'mjs'],
    async run(example) {
      const token = `tok-${uniqueKey('node')}`;
      const url = streamFor('node', token, { update: false });
      const code = rewrite(
        example,
        example.code,
        /(['"`])https?:\/\/(?:127\.0\.0\.1|localhost)(?::\d+)?\/events\1/,
        JSON.stringify(url),
        "a loopback stream URL like 'http://127.0.0.1:8080/events'",
      );
      const file = `readme-node-${example.line}.mjs`;
      await writeFile(join(installed.project, file), code);
      const result = await runNode(file, [], { cwd: installed.project, timeout: 20000 });
      assert.equal(
        result.code,
        0,
        `node ${file} ${result.timedOut ? 'did not exit by itself (killed)' : `exited ${result.code ?? result.signal}`}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`,
      );
      assert.ok(result.stdout.split('\n').includes(token), `the example logged the message's data; stdout: ${JSON.stringify(result.stdout)}`);
    },
  },
};

/** Run `code` as a module page with the package's import map; wait for `token` in the logs. */
async function runModulePage(example, code, token, until = (logs) => logs.some((args) => containsToken(args, token))) {
  const importMap = {
    imports: {
      'eventsource-wasm': '/node_modules/eventsource-wasm/dist/index.js',
      'eventsource-wasm/auto': '/node_modules/eventsource-wasm/dist/auto.js',
    },
  };
  await runPage(
    example,
    `${example.name}-${example.line}`,
    htmlPage(`<script type="importmap">${JSON.stringify(importMap)}</script>\n<script type="module">\n${code}\n</script>`),
    { what: `the example's events (${token})`, until },
  );
}

// ── the tests ────────────────────────────────────────────────────────────

test('README.md: every `<!-- example: NAME -->` is followed by a fenced code block', () => {
  assert.deepEqual(problems, []);
  assert.ok(examples.length > 0, 'README.md has no `<!-- example: NAME -->` examples at all');
});

test('the example extractor finds blocks and flags comments without one', () => {
  const md = [
    '<!-- example: a -->',
    '',
    '```js',
    "console.log('a');",
    '```',
    '```html',
    '<!-- example: inside-a-block -->',
    '```',
    '<!-- example: lost -->',
    'Some prose instead of code.',
    '<!--example:   b-->',
    '~~~~mjs',
    '```',
    '~~~~',
    '<!-- example: -->',
    '<!-- example: last -->',
  ].join('\n');
  const { examples: found, problems: flagged } = extractExamples(md);
  assert.deepEqual(
    found.map(({ name, lang, code, line }) => ({ name, lang, code, line })),
    [
      { name: 'a', lang: 'js', code: "console.log('a');", line: 1 },
      { name: 'b', lang: 'mjs', code: '```', line: 11 },
    ],
  );
  assert.equal(flagged.length, 3, flagged.join('\n'));
  assert.match(flagged[0], /README\.md:9: <!-- example: lost --> is not followed by a fenced code block/);
  assert.match(flagged[1], /README\.md:15: malformed example comment/);
  assert.match(flagged[2], /README\.md:16: <!-- example: last --> is not followed/);
});

test('README.md: every runner still has its example (none silently dropped)', () => {
  const names = new Set(examples.map((e) => e.name));
  const orphaned = Object.keys(RUNNERS).filter((n) => !names.has(n));
  assert.deepEqual(orphaned, [], `runners without an example in README.md: ${orphaned.join(', ')} (if an example was removed on purpose, remove its runner too)`);
});

for (const example of examples) {
  test(`README example "${example.name}" (README.md:${example.line}) runs and receives an event`, async () => {
    const runner = RUNNERS[example.name];
    assert.ok(
      runner,
      `no runner for README example "${example.name}" (README.md:${example.line}): add an entry "${example.name}" to RUNNERS in tests/package/readme.test.mjs ` +
        `saying how to run it (page, module or Node script), which URLs to rewrite, and assert it logs the event the test server sends`,
    );
    assert.ok(
      runner.langs.includes(example.lang),
      `README example "${example.name}" is a \`${example.lang || '(no language)'}\` block; its runner runs ${runner.langs.join('/')}`,
    );
    await runner.run(example);
  });
}
