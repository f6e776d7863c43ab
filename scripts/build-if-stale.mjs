#!/usr/bin/env node
// `npm start` and `npm run worker` run this first: it rebuilds (tsc + vite) only
// when a source is newer than the build, so a start after an unchanged checkout
// does not pay the ~50 s build. `npm run build` still always builds.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const inputs = [
  'src',
  'web',
  'scripts/bundle.mjs',
  'tsconfig.json',
  'tsconfig.build.json',
  'package.json',
  'package-lock.json',
];
const outputs = ['dist/bundle/main.js', 'web/dist/index.html'];
const skipped = new Set(['dist', 'node_modules']);

/** Newest modification time under `p` (0 when it does not exist). */
function newest(p) {
  let stat;
  try {
    stat = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let max = stat.mtimeMs;
  for (const entry of fs.readdirSync(p)) {
    if (skipped.has(entry) || entry.startsWith('.')) continue;
    max = Math.max(max, newest(path.join(p, entry)));
  }
  return max;
}

function oldestOutput() {
  let min = Number.POSITIVE_INFINITY;
  for (const out of outputs) {
    try {
      min = Math.min(min, fs.statSync(path.join(root, out)).mtimeMs);
    } catch {
      return 0;
    }
  }
  return min;
}

const sourceTime = Math.max(...inputs.map((p) => newest(path.join(root, p))));
if (sourceTime > oldestOutput()) {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const built = spawnSync(npm, ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  process.exit(built.status ?? 1);
}
