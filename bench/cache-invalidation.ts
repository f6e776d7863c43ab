/**
 * How soon a second instance stops serving an entry invalidated on the
 * first, over Redis: instance B holds a user's entry in L1; A invalidates the
 * user's tag; the time until B's `peek` misses, polled on every turn of the
 * event loop. The reference is a bare PUBLISH -> message on two plain ioredis
 * connections, measured in the same run. Without Redis the figure is
 * recorded as skipped (pass: false), not a crash.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createCache } from '../src/cache/create-cache.js';
import { systemClock } from '../src/domain/clock.js';
import { benchRedisUrl, dropPrefix, redisAnswers } from './cache-redis.js';
import type { Benchmark } from './lib/context.js';
import { latencyResult } from './lib/latency.js';
import { result } from './lib/result.js';

const ROUNDS = 300;
const WARMUP = 20;
const LIMIT_US = 100_000;

const nowUs = () => Number(process.hrtime.bigint()) / 1e3;
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** PUBLISH -> message latency on plain connections, in µs. */
async function barePubSub(url: string, channel: string): Promise<number[]> {
  const pub = new Redis(url);
  const sub = new Redis(url);
  let received = 0;
  sub.on('message', () => received++);
  await sub.subscribe(channel);
  const out: number[] = [];
  for (let i = 0; i < WARMUP + ROUNDS; i++) {
    const before = received;
    const t0 = nowUs();
    await pub.publish(channel, String(i));
    while (received === before) await turn();
    if (i >= WARMUP) out.push(nowUs() - t0);
  }
  await Promise.all([pub.quit(), sub.quit()]);
  return out;
}

export const cacheInvalidation: Benchmark = {
  name: 'cache-invalidation',
  async run(ctx) {
    const url = benchRedisUrl();
    if (!(await redisAnswers(url))) {
      ctx.log(`Redis not reachable at ${url}: cache-invalidation is recorded as skipped`);
      return [
        result({
          name: 'cache-invalidation',
          value: Number.NaN,
          unit: 'ms',
          target: 'p99 <= 100 ms',
          pass: false,
          notes: `SKIPPED: Redis not reachable at ${url}; start Redis or set REDIS_URL (or TEST_REDIS_URL) to measure`,
        }),
      ];
    }
    const prefix = `tl:bench:${randomUUID()}:`;
    ctx.defer(() => dropPrefix(url, prefix));
    const open = (id: string) =>
      createCache({
        clock: systemClock,
        maxEntries: 10_000,
        maxBytes: 64 * 2 ** 20,
        redisUrl: url,
        keyPrefix: prefix,
        instanceId: `${id}-${randomUUID()}`,
      });
    const a = open('a');
    const b = open('b');
    ctx.defer(() => Promise.all([a.close(), b.close()]).then(() => {}));
    await Promise.all([a.ready(), b.ready()]);

    const samples: number[] = [];
    let notInB = 0;
    let neighbourLost = 0;
    for (let i = 0; i < WARMUP + ROUNDS; i++) {
      const user = `${i}`;
      const neighbour = `${i}-other`;
      await a.set('positions', user, { user, qty: '1.5' }, { tags: [`user:${user}`] });
      await a.set('positions', neighbour, { user: neighbour }, { tags: [`user:${neighbour}`] });
      await b.getOrLoad('positions', user, async () => ({ user: 'loaded' }), { tags: [`user:${user}`] });
      await b.getOrLoad('positions', neighbour, async () => ({ user: 'loaded' }), {
        tags: [`user:${neighbour}`],
      });
      if (b.peek('positions', user) === undefined) notInB++;
      const t0 = nowUs();
      await a.invalidateTags([`user:${user}`]);
      while (b.peek('positions', user) !== undefined) await turn();
      const us = nowUs() - t0;
      if (b.peek('positions', neighbour) === undefined) neighbourLost++;
      if (i >= WARMUP) samples.push(us);
    }
    const received = b.tierStatus().redis?.invalidationsReceived ?? 0;
    const bare = await barePubSub(url, `${prefix}bare`);

    return [
      latencyResult({
        name: 'cache-invalidation',
        stat: 'p99',
        limitUs: LIMIT_US,
        target: 'p99 <= 100 ms',
        millis: true,
        samples,
        reference: { name: 'bare PUBLISH -> message', samples: bare },
        notes: [
          `${ROUNDS} invalidations of one user's tag on instance A (after ${WARMUP} warm-up), each timed from the call until instance B's peek misses`,
          'A and B are two caches in one process with their own Redis connections (data + subscriber each)',
        ],
        checks: [
          { ok: notInB === 0, note: `B held each entry in L1 before the invalidation (${notInB} did not)` },
          {
            ok: received >= WARMUP + ROUNDS,
            note: `B received ${received} bus messages for ${WARMUP + ROUNDS} invalidations`,
          },
          {
            ok: neighbourLost === 0,
            note: `the neighbouring user's entry stayed in B every time (${neighbourLost} lost)`,
          },
        ],
      }),
    ];
  },
};
