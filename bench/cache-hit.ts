/**
 * A cache hit through src/cache (`peek`, metrics on: hit counter, read count
 * for warming, LRU recency, freshness check) over 10,000 keys, in ops/s,
 * against a plain `Map.get` and a raw lru-cache `get` over the same keys in
 * the same interleaved rounds (and a raw BentoCache memory `get` when that
 * package is installed). Each subject has its own loop so each stays
 * monomorphic; the median round is reported.
 */
import { LRUCache } from 'lru-cache';
import { createCache } from '../src/cache/create-cache.js';
import { systemClock } from '../src/domain/clock.js';
import type { Benchmark } from './lib/context.js';
import { result } from './lib/result.js';
import { formatNumber } from './lib/stats.js';

const KEYS = 10_000;
const OPS = 2_000_000;
const ROUNDS = 9;
const TARGET_OPS = 4_000_000;
const TARGET_RATIO = 0.12;

interface Quote {
  bid: string;
  ask: string;
}

const nowNs = () => process.hrtime.bigint();

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

/** Times `loop` (which returns how many reads found a value); ops/s and whether every read hit. */
function timed(loop: () => number): { opsPerSec: number; allHit: boolean } {
  const t0 = nowNs();
  const found = loop();
  const s = Number(nowNs() - t0) / 1e9;
  return { opsPerSec: OPS / s, allHit: found === OPS };
}

interface BentoLike {
  set(o: { key: string; value: unknown }): Promise<unknown>;
  get(o: { key: string }): Promise<unknown>;
  disconnect(): Promise<void>;
}

/** A BentoCache with a memory L1 only, or undefined when the package is not installed. */
async function optionalBento(): Promise<BentoLike | undefined> {
  const name = 'bentocache'; // not a dependency: `npm install -D bentocache@1` to compare
  try {
    const core = (await import(name)) as {
      BentoCache: new (config: unknown) => BentoLike;
      bentostore(): { useL1Layer(driver: unknown): unknown };
    };
    const memory = (await import(`${name}/drivers/memory`)) as {
      memoryDriver(o: { maxItems: number }): unknown;
    };
    const store = core.bentostore().useL1Layer(memory.memoryDriver({ maxItems: KEYS * 2 }));
    return new core.BentoCache({ default: 'memory', stores: { memory: store } });
  } catch {
    return undefined;
  }
}

async function bentoOpsPerSec(bento: BentoLike, keys: string[]): Promise<number> {
  for (const key of keys) await bento.set({ key, value: { bid: '1', ask: '2' } });
  const n = 200_000;
  const t0 = nowNs();
  for (let i = 0; i < n; i++) await bento.get({ key: keys[i % KEYS]! });
  return n / (Number(nowNs() - t0) / 1e9);
}

export const cacheHit: Benchmark = {
  name: 'cache-hit',
  async run(ctx) {
    const keys = Array.from({ length: KEYS }, (_, i) => `SYM${i}/USDT`);
    const cache = createCache({ clock: systemClock, maxEntries: KEYS * 2, maxBytes: 256 * 2 ** 20 });
    ctx.defer(() => cache.close());
    const map = new Map<string, Quote>();
    const lru = new LRUCache<string, Quote>({ max: KEYS * 2 });
    for (const [i, key] of keys.entries()) {
      const q = { bid: `${i}.5`, ask: `${i}.6` };
      await cache.set('price', key, q);
      map.set(key, q);
      lru.set(key, q);
    }

    const viaCache = () => {
      let found = 0;
      for (let i = 0, k = 0; i < OPS; i++) {
        if (cache.peek<Quote>('price', keys[k]!) !== undefined) found++;
        if (++k === KEYS) k = 0;
      }
      return found;
    };
    const viaMap = () => {
      let found = 0;
      for (let i = 0, k = 0; i < OPS; i++) {
        if (map.get(keys[k]!) !== undefined) found++;
        if (++k === KEYS) k = 0;
      }
      return found;
    };
    const viaLru = () => {
      let found = 0;
      for (let i = 0, k = 0; i < OPS; i++) {
        if (lru.get(keys[k]!) !== undefined) found++;
        if (++k === KEYS) k = 0;
      }
      return found;
    };

    const hitsBefore = cache.metrics().find((m) => m.kind === 'price')!.hits;
    const runs = { cache: [] as number[], map: [] as number[], lru: [] as number[] };
    let allHit = true;
    for (let r = -1; r < ROUNDS; r++) {
      const c = timed(viaCache);
      const m = timed(viaMap);
      const l = timed(viaLru);
      allHit &&= c.allHit && m.allHit && l.allHit;
      if (r < 0) continue; // warm-up round
      runs.cache.push(c.opsPerSec);
      runs.map.push(m.opsPerSec);
      runs.lru.push(l.opsPerSec);
    }
    const price = cache.metrics().find((m) => m.kind === 'price')!;
    const countedHits = price.hits - hitsBefore === OPS * (ROUNDS + 1) && price.misses === 0;

    // The async path on a hit, for context.
    const asyncN = 500_000;
    const loadNever = async (): Promise<Quote> => {
      throw new Error('unexpected load');
    };
    const t0 = nowNs();
    for (let i = 0; i < asyncN; i++) await cache.getOrLoad('price', keys[i % KEYS]!, loadNever);
    const asyncOps = asyncN / (Number(nowNs() - t0) / 1e9);

    const bento = await optionalBento();
    const bentoOps = bento ? await bentoOpsPerSec(bento, keys) : undefined;
    await bento?.disconnect();

    const value = median(runs.cache);
    const ref = median(runs.map);
    const ratio = value / ref;
    const ops = (v: number) => `${formatNumber(v)} ops/s`;
    ctx.log(
      `peek ${ops(value)}, Map.get ${ops(ref)} (${(ratio * 100).toFixed(1)}%), lru-cache ${ops(median(runs.lru))}`,
    );
    return [
      result({
        name: 'cache-hit',
        value,
        unit: 'ops/s',
        target: '>= 4,000,000 ops/s and >= 12% of Map.get',
        reference: { name: 'Map.get, same keys', value: ref, unit: 'ops/s' },
        pass: value >= TARGET_OPS && ratio >= TARGET_RATIO && allHit && countedHits,
        notes: [
          `cache.peek('price', key) over ${KEYS.toLocaleString('en-US')} keys, metrics on; median of ${ROUNDS} rounds of ${OPS.toLocaleString('en-US')} reads, interleaved with the references`,
          `${(ratio * 100).toFixed(1)}% of Map.get`,
          `raw lru-cache get: ${ops(median(runs.lru))}`,
          bentoOps === undefined
            ? 'raw BentoCache get: not measured (bentocache is not installed)'
            : `raw BentoCache memory get (async, awaited): ${ops(bentoOps)}`,
          `cache.getOrLoad on a hit (async, awaited): ${ops(asyncOps)}`,
          allHit ? 'every read was a hit' : 'CHECK FAILED: some reads missed',
          countedHits
            ? 'metrics counted every hit and no miss'
            : `CHECK FAILED: metrics counted ${price.hits - hitsBefore} hits, ${price.misses} misses`,
        ],
      }),
    ];
  },
};
