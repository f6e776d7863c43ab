#!/usr/bin/env node
// Bundles the compiled service (dist/, from tsc) into dist/bundle/, which is
// what `npm start`, `bin/tradeloop.js` and the benchmarks run.
//
// Why: Node loads ES modules one file at a time, and each file costs its
// module record, its resolution and its source kept in the heap. The
// service's ~330 own modules and kysely's ~260 made ~15 MB of start-up
// garbage and kept ~7 MiB more resident than the same code in a few files
// (README, "Memory"). The bundle is split at every dynamic import, so what
// the service loads on demand (jobs, Telegram, venues, model stages) is
// still loaded only on demand, with its own imports.
//
// Bundled: the service and the pure-JS ES-module packages it loads at start.
// Every other dependency stays an import of node_modules: native addons,
// packages that find files or start workers by path (pino, piscina), and the
// large optional ones (ccxt, viem, @solana/kit) that only some setups load.
//
// The chunks sit in dist/bundle/ itself, two levels below the project root
// like the modules they inline (src/lib/project-paths.ts relies on it), and
// the job worker is an entry of its own beside them (src/jobs/worker-pool.ts
// starts `./worker.js` next to itself).
//
// usage: node scripts/bundle.mjs [distDir]   (default: dist)
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const dist = path.resolve(process.argv[2] ?? path.join(root, 'dist'));
const BUNDLED = new Set(['kysely', 'lru-cache', 'trading-signals']);

const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const external = Object.keys(pkg.dependencies)
  .filter((name) => !BUNDLED.has(name))
  .flatMap((name) => [name, `${name}/*`]);

const outdir = path.join(dist, 'bundle');
fs.rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: { main: path.join(dist, 'cli', 'main.js'), worker: path.join(dist, 'jobs', 'worker.js') },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outdir,
  chunkNames: '[name]-[hash]',
  external,
  // Stack traces map back to the TypeScript sources through tsc's maps (node --enable-source-maps).
  sourcemap: 'linked',
  logLevel: 'warning',
});
