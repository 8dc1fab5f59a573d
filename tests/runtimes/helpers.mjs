// The runtimes that come from npm (devDependencies, pinned: bun, deno,
// workerd), found where `npm ci` put them, and an app folder in which
// `eventsource-wasm` resolves to this package as a dependency would (its
// package.json and dist/, through node_modules).

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The runtime's executable and its version. Throws, saying why, where it
 * cannot run: its tests then fail (a runtime skipped in silence would be
 * untested).
 */
export function runtime(name) {
  const bin = join(root, 'node_modules', '.bin', name);
  if (!existsSync(bin)) {
    throw new Error(`${name} is not installed (no ${bin}): it is a pinned devDependency, so \`npm ci\` (run by \`npm test\`'s setup) installs it from npm; its platform package may not exist for ${process.platform}-${process.arch}`);
  }
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`${name} is installed but does not run here (\`${name} --version\` ${r.error ? `failed: ${r.error.message}` : `exited ${r.status}: ${r.stderr.trim()}`})`);
  }
  return { bin, version: r.stdout.trim().split('\n')[0] };
}

/** A fresh folder under test-artifacts/runtimes/ where the package is installed. */
export function appDir(name) {
  const dir = join(root, 'test-artifacts', 'runtimes', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  symlinkSync(root, join(dir, 'node_modules', 'eventsource-wasm'), 'dir');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `runtime-${name}`, private: true, type: 'module' }));
  return dir;
}

/** Run `bin args` to its end (at most `timeout` ms); resolves with its output, rejects with it. */
export function runToEnd(bin, args, { cwd, timeout = 30000, env } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`${bin} ${args.join(' ')} ${signal ? `was killed (${signal}, after ${timeout} ms?)` : `exited ${code}`}\n${stdout}\n${stderr}`));
    });
  });
}

/** The last line of `output` that is JSON, parsed. */
export function lastJson(output) {
  const line = output.trim().split('\n').reverse().find((l) => l.startsWith('{'));
  if (!line) throw new Error(`no JSON result in the output:\n${output}`);
  return JSON.parse(line);
}
