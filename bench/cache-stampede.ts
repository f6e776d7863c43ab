/**
 * 1,000 concurrent misses on one key whose upstream takes 20 ms: exactly one
 * upstream call, and every caller answered within 25 ms of the first asking
 * (wall time of the whole burst, median of 30 bursts on fresh keys). The
 * reference is the bare upstream call (a 20 ms timer) timed the same way. With Redis reachable
 * (REDIS_URL, TEST_REDIS_URL, or the local default), the same burst through
 * L1 + L2 is a second figure.
 */
import { randomUUID } from 'node:crypto';
import type { LayeredCache } from '../src/cache/cache-options.js';
import { createCache } from '../src/cache/create-cache.js';
import { systemClock } from '../src/domain/clock.js';
import { benchRedisUrl, dropPrefix, redisAnswers } from './cache-redis.js';
import type { BenchContext, Benchmark } from './lib/context.js';
import { type BenchResult, result } from './lib/result.js';
import { describe, summarize } from './lib/stats.js';

const CALLERS = 1_000;
const UPSTREAM_MS = 20;
const BURSTS = 30;
const LIMIT_MS = 25;

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
const upstreamDelay = () => new Promise<void>((resolve) => setTimeout(resolve, UPSTREAM_MS));

async function bursts(cache: LayeredCache): Promise<{ wallMs: number[]; calls: number[]; wrong: number }> {
  const wallMs: number[] = [];
  const calls: number[] = [];
  let wrong = 0;
  for (let b = -2; b < BURSTS; b++) {
    const key = `burst-${b}-${randomUUID()}`;
    let upstream = 0;
    const load = async () => {
      upstream++;
      await upstreamDelay();
      return { key, price: '64000.5' };
    };
    const t0 = nowMs();
    const all = await Promise.all(
      Array.from({ length: CALLERS }, () => cache.getOrLoad('marketData', key, load)),
    );
    const ms = nowMs() - t0;
    wrong += all.filter((r) => r.value.key !== key).length;
    if (b < 0) continue; // warm-up
    wallMs.push(ms);
    calls.push(upstream);
  }
  return { wallMs, calls, wrong };
}

function figure(
  name: string,
  tiers: string,
  run: Awaited<ReturnType<typeof bursts>>,
  bare: number[],
): BenchResult {
  const s = summarize(run.wallMs);
  const r = summarize(bare);
  const oneCall = run.calls.every((c) => c === 1);
  return result({
    name,
    value: s.p50,
    unit: 'ms',
    target: `1 upstream call per burst, wall p50 <= ${LIMIT_MS} ms`,
    reference: { name: `bare ${UPSTREAM_MS} ms upstream p50`, value: r.p50, unit: 'ms' },
    pass: oneCall && run.wrong === 0 && s.p50 <= LIMIT_MS,
    notes: [
      `${CALLERS} concurrent getOrLoad on one fresh key per burst, ${tiers}; value = median of ${BURSTS} bursts (the max follows the machine's timer jitter, see the bare upstream)`,
      `burst wall: ${describe(s, 'ms')}`,
      `bare upstream: ${describe(r, 'ms')}`,
      oneCall
        ? `exactly 1 upstream call in each of ${BURSTS} bursts`
        : `CHECK FAILED: upstream calls per burst ${run.calls.join(',')}`,
      run.wrong === 0 ? 'every caller got its key' : `CHECK FAILED: ${run.wrong} wrong values`,
    ],
  });
}

async function bareUpstream(): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < BURSTS; i++) {
    const t0 = nowMs();
    await upstreamDelay();
    out.push(nowMs() - t0);
  }
  return out;
}

async function withRedis(ctx: BenchContext, bare: number[]): Promise<BenchResult[]> {
  const url = benchRedisUrl();
  if (!(await redisAnswers(url))) {
    ctx.log(`Redis not reachable at ${url}: the L1 + L2 figure is skipped`);
    return [];
  }
  const prefix = `tl:bench:${randomUUID()}:`;
  const cache = createCache({
    clock: systemClock,
    maxEntries: 10_000,
    maxBytes: 64 * 2 ** 20,
    redisUrl: url,
    keyPrefix: prefix,
  });
  ctx.defer(() => dropPrefix(url, prefix));
  ctx.defer(() => cache.close());
  await cache.ready();
  return [
    figure(
      'cache-stampede-redis',
      'L1 + Redis L2 (read before the load, write after)',
      await bursts(cache),
      bare,
    ),
  ];
}

export const cacheStampede: Benchmark = {
  name: 'cache-stampede',
  async run(ctx) {
    const bare = await bareUpstream();
    const cache = createCache({ clock: systemClock, maxEntries: 10_000, maxBytes: 64 * 2 ** 20 });
    ctx.defer(() => cache.close());
    const l1 = figure('cache-stampede', 'L1 only', await bursts(cache), bare);
    return [l1, ...(await withRedis(ctx, bare))];
  },
};
