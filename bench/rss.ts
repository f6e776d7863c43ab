/**
 * Resident memory of the service as an operator runs it: the compiled CLI
 * (`serve`) in a child process on the 1M-order database, after 1,000 mixed
 * requests (trader list, order lists, one order, performance, toggles).
 * Reference: a bare Fastify process after the same number of requests.
 * `rss-idle` is the same processes IDLE_MS after their last request, the
 * service's background work (price stream, leaders, watchers) still running:
 * what an operator sees on a service nobody is calling.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildCli,
  type ChildServer,
  type ProcMemory,
  procMemory,
  SERVICE_NODE_FLAGS,
  startChild,
} from './lib/child-server.js';
import type { Benchmark } from './lib/context.js';
import { result } from './lib/result.js';
import { formatNumber } from './lib/stats.js';

const REQUESTS = 1_000;
const CONCURRENCY = 4;
const IDLE_MS = 15_000;
/** 100 MB as the target says it (decimal megabytes), compared in MiB. */
const LIMIT_MIB = 100e6 / 2 ** 20;
const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface Call {
  method: 'GET' | 'PATCH';
  path: string;
  body?: string;
}

function mixedCalls(traderIds: number[], orders: number): Call[] {
  const calls: Call[] = [];
  for (let i = 0; calls.length < REQUESTS; i++) {
    const trader = traderIds[i % traderIds.length]!;
    const kinds: Call[] = [
      { method: 'GET', path: '/api/v1/traders?limit=50' },
      { method: 'GET', path: '/api/v1/orders?limit=50' },
      { method: 'GET', path: '/api/v1/orders?status=filled&pair=BTC%2FUSDT&limit=100' },
      { method: 'GET', path: `/api/v1/orders/${1 + ((i * 7919) % orders)}` },
      { method: 'GET', path: '/api/v1/traders/performance' },
      { method: 'PATCH', path: `/api/v1/traders/${trader}`, body: JSON.stringify({ enabled: i % 2 === 1 }) },
    ];
    calls.push(...kinds);
  }
  return calls.slice(0, REQUESTS);
}

/** Sends `calls`, `CONCURRENCY` at a time; returns how many were not 2xx. */
async function send(base: string, token: string, calls: Call[]): Promise<number> {
  let next = 0;
  let failed = 0;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const worker = async () => {
    while (next < calls.length) {
      const c = calls[next++]!;
      const res = await fetch(base + c.path, {
        method: c.method,
        headers,
        ...(c.body ? { body: c.body } : {}),
      });
      await res.arrayBuffer();
      if (res.status < 200 || res.status > 299) failed++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return failed;
}

const BARE_SERVER = `
import Fastify from 'fastify';
const app = Fastify({ logger: false });
app.all('/*', async () => ({ items: [{ id: 1, name: 'x' }], nextCursor: null }));
await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write('listening on http://127.0.0.1:' + app.server.address().port + '\\n');
process.once('SIGTERM', () => app.close().then(() => process.exit(0)));
`;

const mib = (kib: number) => kib / 1024;
const describeMem = (m: ProcMemory) =>
  `VmRSS ${formatNumber(mib(m.rssKiB))} MiB (anon ${formatNumber(mib(m.anonKiB))}, file ${formatNumber(mib(m.fileKiB))}, ` +
  `shmem ${formatNumber(mib(m.shmemKiB))}), peak ${formatNumber(mib(m.hwmKiB))} MiB`;

async function measure(
  server: ChildServer,
  token: string,
  calls: Call[],
): Promise<{ after: ProcMemory; started: ProcMemory; idle: ProcMemory; failed: number }> {
  const started = procMemory(server.pid);
  const failed = await send(server.url, token, calls);
  const after = procMemory(server.pid);
  await new Promise((r) => setTimeout(r, IDLE_MS));
  const idle = procMemory(server.pid);
  await server.stop();
  return { after, started, idle, failed };
}

export const rss: Benchmark = {
  name: 'rss',
  async run(ctx) {
    const big = await ctx.bigDb();
    const buildDir = ctx.tempDir('rss-build');
    ctx.log('compiling src/ for the child process');
    const cli = await buildCli(PROJECT_ROOT, buildDir);
    const calls = mixedCalls(big.traderIds, big.orders);

    const env = {
      PATH: process.env['PATH'] ?? '',
      DATA_DIR: big.dataDir,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_MAX: '100000000',
    };
    const app = await startChild([...SERVICE_NODE_FLAGS, cli, 'serve'], { cwd: buildDir, env });
    ctx.defer(() => app.stop());
    const a = await measure(app, big.token, calls);

    const bare = await startChild(['--input-type=module', '-e', BARE_SERVER], {
      cwd: PROJECT_ROOT,
      env: { PATH: env.PATH },
    });
    ctx.defer(() => bare.stop());
    const b = await measure(bare, big.token, calls);

    const value = mib(a.after.rssKiB);
    const idle = mib(a.idle.rssKiB);
    return [
      result({
        name: 'rss',
        value,
        unit: 'MiB',
        target: `VmRSS <= 100 MB (${formatNumber(LIMIT_MIB)} MiB) after ${formatNumber(REQUESTS)} requests`,
        reference: { name: 'bare Fastify process', value: mib(b.after.rssKiB), unit: 'MiB' },
        pass: value <= LIMIT_MIB && a.failed === 0,
        notes: [
          `service after start ${describeMem(a.started)}`,
          `service after ${REQUESTS} requests ${describeMem(a.after)}`,
          `bare Fastify after ${REQUESTS} requests ${describeMem(b.after)}`,
          `bundled CLI (node dist/bundle/main.js serve, as npm start runs it), default SQLite cache/mmap settings, ${big.orders.toLocaleString('en-US')} orders, ` +
            `${CONCURRENCY} requests in flight, mix: traders list, orders list, filtered orders, order by id, performance, toggle`,
          a.failed === 0 ? 'every request answered 2xx' : `${a.failed} REQUESTS WERE NOT 2xx`,
        ],
      }),
      result({
        name: 'rss-idle',
        value: idle,
        unit: 'MiB',
        target: `VmRSS <= 100 MB (${formatNumber(LIMIT_MIB)} MiB) ${IDLE_MS / 1000} s after the last of ${formatNumber(REQUESTS)} requests`,
        reference: { name: 'bare Fastify process, as long idle', value: mib(b.idle.rssKiB), unit: 'MiB' },
        pass: idle <= LIMIT_MIB && a.failed === 0,
        notes: [
          `service idle ${describeMem(a.idle)}`,
          `bare Fastify idle ${describeMem(b.idle)}`,
          'the same processes as rss, measured again after they had no request for that long (background work running)',
        ],
      }),
    ];
  },
};
