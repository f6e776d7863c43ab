/**
 * Memory after large jobs: the compiled CLI (`serve`, embedded executor, one
 * job thread per CPU) runs six rounds of the largest Monte Carlo jobs the
 * old bound allowed (MONTECARLO_MAX_STEPS raised to 10^9 for the run): per
 * round a bootstrap of 1,000,000 paths x 1,000 trades and a reshuffle of
 * 40,000 trades x 25,000 paths, one after the other. Idle VmRSS is read
 * before the rounds and after them, once the service has been idle for
 * IDLE_WAIT_S (the job threads recycled). Target: idle RSS after the rounds
 * within 50 MiB of the idle RSS before them.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { buildCli, procMemory, SERVICE_NODE_FLAGS, startChild } from './lib/child-server.js';
import type { Benchmark } from './lib/context.js';
import { result } from './lib/result.js';
import { formatNumber } from './lib/stats.js';

const exec = promisify(execFile);
const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ROUNDS = 6;
const LIMIT_MIB = 50;
/** Idle time before the "after" reading: longer than the job pool's idle recycling. */
const IDLE_WAIT_S = 15;
const mib = (kib: number) => kib / 1024;

function returns(n: number, seed: number): number[] {
  let x = seed;
  return Array.from({ length: n }, () => {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
    return Math.round((x / 2 ** 31 - 0.48) * 6e5) / 1e7;
  });
}

const JOBS = [
  { method: 'bootstrap', tradeReturns: returns(1_000, 1), tradesPerPath: 1_000, paths: 1_000_000, seed: 1 },
  // 40,000 returns fit the 1 MiB body limit (BODY_LIMIT_BYTES).
  { method: 'reshuffle', tradeReturns: returns(40_000, 2), paths: 25_000, seed: 2 },
];

export const jobMemory: Benchmark = {
  name: 'job-memory',
  async run(ctx) {
    const buildDir = ctx.tempDir('job-memory-build');
    const dataDir = ctx.tempDir('job-memory-data');
    ctx.log('compiling src/ for the child process');
    const cli = await buildCli(PROJECT_ROOT, buildDir);
    const env = {
      PATH: process.env['PATH'] ?? '',
      DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_MAX: '100000000',
      JOB_EXECUTOR: 'embedded',
      MONTECARLO_MAX_STEPS: '1000000000',
      MAINTENANCE_INTERVAL_MS: '0',
    };
    const created = await exec(process.execPath, [cli, 'users', 'create', 'bench'], { cwd: buildDir, env });
    const token = (JSON.parse(created.stdout) as { token: string }).token;
    const app = await startChild([...SERVICE_NODE_FLAGS, cli, 'serve'], { cwd: buildDir, env });
    ctx.defer(() => app.stop());
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

    await sleep(3_000);
    const before = procMemory(app.pid);
    let peakKiB = before.rssKiB;
    const afterRound: number[] = [];
    const t0 = performance.now();
    for (let round = 0; round < ROUNDS; round++) {
      for (const body of JOBS) {
        const res = await fetch(`${app.url}/api/v1/montecarlo`, {
          method: 'POST',
          headers,
          body: JSON.stringify(body),
        });
        if (res.status !== 202) throw new Error(`submit answered ${res.status}: ${await res.text()}`);
        const { id } = (await res.json()) as { id: number };
        for (;;) {
          await sleep(250);
          peakKiB = Math.max(peakKiB, procMemory(app.pid).rssKiB);
          const job = (await (await fetch(`${app.url}/api/v1/jobs/${id}`, { headers })).json()) as {
            status: string;
            error: unknown;
          };
          if (job.status === 'queued' || job.status === 'running') continue;
          if (job.status !== 'succeeded')
            throw new Error(`job ${id} ${job.status}: ${JSON.stringify(job.error)}`);
          break;
        }
      }
      afterRound.push(mib(procMemory(app.pid).rssKiB));
      ctx.log(`round ${round + 1}: VmRSS ${formatNumber(afterRound[round]!)} MiB`);
    }
    const roundsS = (performance.now() - t0) / 1000;
    await sleep(IDLE_WAIT_S * 1000);
    const after = procMemory(app.pid);
    const growth = mib(after.rssKiB - before.rssKiB);
    ctx.log(`idle VmRSS ${formatNumber(mib(before.rssKiB))} -> ${formatNumber(mib(after.rssKiB))} MiB`);
    return [
      result({
        name: 'job-memory-idle-rss',
        value: growth,
        unit: 'MiB above idle before',
        target: `idle VmRSS after ${ROUNDS} rounds of maximum Monte Carlo jobs <= ${LIMIT_MIB} MiB above idle before`,
        reference: { name: 'idle service VmRSS before the rounds', value: mib(before.rssKiB), unit: 'MiB' },
        pass: growth <= LIMIT_MIB,
        notes: [
          `idle before ${formatNumber(mib(before.rssKiB))} MiB, idle ${IDLE_WAIT_S} s after the rounds ${formatNumber(mib(after.rssKiB))} MiB (anon ${formatNumber(mib(after.anonKiB))}), peak while running ${formatNumber(mib(peakKiB))} MiB`,
          `after each round (MiB): ${afterRound.map((v) => formatNumber(v)).join(', ')}`,
          `${ROUNDS} rounds in ${roundsS.toFixed(0)} s; per round a bootstrap of 1,000,000 paths x 1,000 trades and a reshuffle of 40,000 trades x 25,000 paths (10^9 steps each, MONTECARLO_MAX_STEPS=10^9), submitted over HTTP to the compiled CLI (embedded executor, MAX_CONCURRENT_JOBS=0: one thread per CPU)`,
        ],
      }),
    ];
  },
};
