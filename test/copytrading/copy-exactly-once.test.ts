/**
 * Exactly once, as a property (issue 11, "Bad input and faults"): random
 * leader event sequences go through the real engine and store, and every
 * leader trade ends with exactly one decision per follow that was enabled
 * when the trade happened, and none for a follow that was not.
 *
 * "Enabled when the trade happened" is judged against the toggle history
 * this test records (each toggle's time as the service stored it:
 * `enabledSince` after switching on, `disabledAt` after switching off), not
 * against the single window left on the trader row.
 *
 * Faults: a scripted source (transient errors, slow reads, push hints at odd
 * times, trades the source reports late), toggles racing events, two engine
 * instances on one PostgreSQL schema with short leases where one stops dead
 * (a zombie first, then gone, leases never released), and `kill -9` of a
 * child server running the simulated leaders, restarted on the same file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../src/container.js';
import { ManualClock } from '../../src/domain/clock.js';
import type { Trader } from '../../src/domain/trader.js';
import { compile } from '../../src/store/prepared.js';
import type { LeaderTrade } from '../../src/venues/leader-source.js';
import { SimulatedLeaders } from '../../src/venues/simulated/simulated-leaders.js';
import { SimulatedVenue } from '../../src/venues/simulated/simulated-venue.js';
import { startChildServer } from '../support/child-server.js';
import { type DatabaseTarget, databaseTargets } from '../support/databases.js';
import { scriptedCopyServices } from '../support/live-copy-services.js';
import { ScriptedLeaderSource } from '../support/scripted-leader-source.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const open = scriptedCopyServices;

/** A follow and the enabled windows the test saw it go through, [on, off). */
interface Follow {
  id: number;
  userId: number;
  address: string;
  enabled: boolean;
  windows: [number, number | null][];
  /** Toggles of one follow run one after the other, racing everything else. */
  chain: Promise<void>;
}

async function follow(
  s: Services,
  userId: number,
  address: string,
  enabled: boolean,
  name: string,
): Promise<Follow> {
  const t = await s.traders.create(userId, {
    name,
    source: 'simulated',
    address,
    enabled,
    allocation: '100000',
    followOptions: { copyMode: 'fixed', fixedAmount: '10' },
  });
  return {
    id: t.id,
    userId,
    address,
    enabled,
    windows: enabled ? [[t.enabledSince!, null]] : [],
    chain: Promise.resolve(),
  };
}

/** Flips a follow through the service (what PATCH {enabled} does) and records the time it stored. */
async function toggle(s: Services, f: Follow): Promise<void> {
  const on = !f.enabled;
  const t: Trader = await s.traders.update(f.userId, f.id, { enabled: on });
  f.enabled = on;
  if (on) f.windows.push([t.enabledSince!, null]);
  else f.windows[f.windows.length - 1]![1] = t.disabledAt!;
}

const enabledAt = (f: Follow, ts: number): boolean =>
  f.windows.some(([a, b]) => a <= ts && (b === null || ts < b));

async function decisionCounts(s: Services, traderIds: number[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (traderIds.length === 0) return out;
  const rows = await s.db.all(
    compile(
      s.db.kysely
        .selectFrom('copy_decisions')
        .select(['trader_id', 'source_trade_id'])
        .where('trader_id', 'in', traderIds),
    ),
  );
  for (const r of rows) {
    const k = `${Number(r.trader_id)}|${r.source_trade_id}`;
    out.set(k, (out.get(k) ?? 0) + 1);
  }
  return out;
}

/**
 * Waits until every watched leader's stored cursor is at the end of its log
 * (settling the running watchers), for at most `timeoutMs`. Leaders whose
 * follows are all off may never get there; the check then says what is owed.
 */
async function drain(
  engines: Services[],
  source: ScriptedLeaderSource,
  addresses: string[],
  timeoutMs = 4000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    for (const s of engines) await s.copy.engine!.settle();
    const watchers = await engines[0]!.copy.repo.watchers();
    const done = addresses.every((a) => {
      const w = watchers.find((x) => x.address === a);
      return source.trades(a).length === 0 || w?.cursor === source.endCursor(a);
    });
    if (done || Date.now() > end) return;
    await sleep(40);
  }
}

/** Every (follow, trade) pair whose decision count is not 1 when it was enabled, 0 when not. */
async function violations(s: Services, source: ScriptedLeaderSource, follows: Follow[]): Promise<string[]> {
  const counts = await decisionCounts(
    s,
    follows.map((f) => f.id),
  );
  const rows = new Map<number, Trader>();
  for (const f of follows) rows.set(f.id, await s.traders.get(f.userId, f.id));
  const watchers = await s.copy.repo.watchers();
  const out: string[] = [];
  for (const f of follows) {
    const seen = new Set<string>();
    for (const t of source.trades(f.address)) {
      if (seen.has(t.id)) continue;
      seen.add(t.id);
      const want = enabledAt(f, t.ts) ? 1 : 0;
      const got = counts.get(`${f.id}|${t.id}`) ?? 0;
      if (got !== want) {
        const row = rows.get(f.id)!;
        const w = watchers.find((x) => x.address === f.address);
        out.push(
          `follow ${f.id} (${f.address}) trade ${t.id} ts=${t.ts}: ${got} decision(s), want ${want}; ` +
            `windows ${JSON.stringify(f.windows)}; row enabled_since=${row.enabledSince} disabled_at=${row.disabledAt}; ` +
            `watcher cursor=${w?.cursor} of ${source.endCursor(f.address)}`,
        );
      }
    }
  }
  return out;
}

type Step =
  | { k: 'trade'; leader: number; lagMs: number; side: 'buy' | 'sell'; market: number; hidden: boolean }
  | { k: 'reveal'; leader: number }
  | { k: 'toggle'; follow: number }
  | { k: 'hint'; leader: number }
  | { k: 'fail'; n: number }
  | { k: 'sleep'; ms: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      k: fc.constant('trade' as const),
      leader: fc.nat(1),
      lagMs: fc.oneof(fc.constant(0), fc.nat(400)),
      side: fc.constantFrom('buy' as const, 'sell' as const),
      market: fc.nat(3),
      hidden: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('reveal' as const), leader: fc.nat(1) }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('toggle' as const), follow: fc.nat(2) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('hint' as const), leader: fc.nat(1) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('fail' as const), n: fc.integer({ min: 1, max: 4 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({ k: fc.constant('sleep' as const), ms: fc.integer({ min: 1, max: 60 }) }),
  },
);

const faultsArb = fc.record({
  failRate: fc.constantFrom(0, 0.1, 0.3),
  maxDelayMs: fc.constantFrom(0, 5, 25),
  enabled: fc.tuple(fc.boolean(), fc.boolean(), fc.boolean()),
  seed: fc.integer(),
});

function rng(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs `steps` against `s` (toggles through `toggler`, which may be another instance). */
async function play(
  steps: Step[],
  source: ScriptedLeaderSource,
  leaders: string[],
  follows: Follow[],
  markets: string[],
  toggler: () => Services,
  at?: { step: number; run: () => Promise<void> },
): Promise<void> {
  for (const [i, st] of steps.entries()) {
    if (at && i === at.step) await at.run();
    switch (st.k) {
      case 'trade':
        source.add(
          leaders[st.leader]!,
          { ts: Date.now() - st.lagMs, side: st.side, market: markets[st.market]!, size: '2' as never },
          { hidden: st.hidden },
        );
        break;
      case 'reveal':
        source.reveal(leaders[st.leader]!);
        break;
      case 'toggle': {
        const f = follows[st.follow]!;
        f.chain = f.chain.then(() => toggle(toggler(), f));
        break;
      }
      case 'hint':
        source.hint(leaders[st.leader]!);
        break;
      case 'fail':
        source.failNext += st.n;
        break;
      case 'sleep':
        await sleep(st.ms);
        break;
    }
  }
  if (at && at.step >= steps.length) await at.run();
  await Promise.all(follows.map((f) => f.chain));
  for (const l of leaders) {
    source.reveal(l);
    source.hint(l);
  }
  source.failNext = 0;
}

let runNo = 0;

/**
 * Two spot pairs, a binary market and an unknown one. Pairs whose minimum
 * size prints in exponent form (BTC/USDT: 1e-7) are left out here: a copy on
 * them fails the whole fan-out (see the test of its own below).
 */
async function someMarkets(s: Services): Promise<string[]> {
  const venue = s.venue as SimulatedVenue;
  const spot: string[] = [];
  for (const sym of venue.instrumentSymbols('spot')) {
    const m = await s.marketData.market(sym);
    if (!/e/i.test(String(m.minSize ?? 0))) spot.push(sym);
    if (spot.length === 2) break;
  }
  return [...spot, venue.instrumentSymbols('binary')[0]!, 'NOPE/USDT'];
}

for (const target of await databaseTargets()) {
  describe(`copy decisions exactly once on ${target.name}`, () => {
    let db: Awaited<ReturnType<DatabaseTarget['create']>>;
    let s: Services;
    let source: ScriptedLeaderSource;
    let users: number[];
    let markets: string[];

    beforeAll(async () => {
      db = await target.create();
      source = new ScriptedLeaderSource(rng(1));
      s = await open(db.url, source);
      users = [(await s.users.create('alice')).user.id, (await s.users.create('bob')).user.id];
      markets = await someMarkets(s);
      await s.copy.engine!.start();
    });
    afterAll(async () => {
      await s?.close();
      await db?.drop();
    });

    /** Two fresh leaders: the first followed by alice and bob, the second by alice. */
    async function setup(enabled: readonly boolean[]) {
      const run = ++runNo;
      const leaders = [`scr-r${run}-a`, `scr-r${run}-b`];
      const follows = [
        await follow(s, users[0]!, leaders[0]!, enabled[0] ?? true, `a${run}`),
        await follow(s, users[1]!, leaders[0]!, enabled[1] ?? true, `b${run}`),
        await follow(s, users[0]!, leaders[1]!, enabled[2] ?? true, `c${run}`),
      ];
      return { leaders, follows };
    }

    it('property: random trades, hints, transient faults and racing toggles give exactly one decision per enabled follow', async () => {
      await fc.assert(
        fc.asyncProperty(
          faultsArb,
          fc.array(stepArb, { minLength: 1, maxLength: 30 }),
          async (faults, steps) => {
            source.failRate = faults.failRate;
            source.maxDelayMs = faults.maxDelayMs;
            try {
              const { leaders, follows } = await setup(faults.enabled);
              await play(steps, source, leaders, follows, markets, () => s);
              source.failRate = 0;
              await drain([s], source, leaders, 2500);
              expect(await violations(s, source, follows)).toEqual([]);
            } finally {
              source.failRate = 0;
              source.maxDelayMs = 0;
              source.failNext = 0;
            }
          },
        ),
        { numRuns: 15, interruptAfterTimeLimit: 20_000 },
      );
    }, 120_000);

    it('a trade made while the only follow was on, read after it was switched off (source outage meanwhile), gets its decision', async () => {
      const { leaders, follows } = await setup([true, false, false]);
      const [f] = follows;
      await sleep(20);
      source.failNext = 1_000_000; // the source is down: the watcher cannot read
      source.add(leaders[0]!, { market: markets[0]!, ts: Date.now() });
      await sleep(300);
      await toggle(s, f!); // off: the trade above was made while on
      await s.copy.engine!.sync(); // the engine has taken the toggle in
      await sleep(50);
      source.failNext = 0; // the source is back
      source.hint(leaders[0]!);
      await drain([s], source, leaders, 2500);
      expect(await violations(s, source, [f!])).toEqual([]);
    });

    it('a trade made in an earlier enabled window and reported late (after off, then on) gets its decision', async () => {
      const { leaders, follows } = await setup([true, false, false]);
      const [f] = follows;
      await sleep(20);
      // The source indexes the trade late (a polled wallet source does): made now, readable only later.
      source.add(leaders[0]!, { market: markets[0]!, ts: Date.now() }, { hidden: true });
      await sleep(20);
      await toggle(s, f!); // off
      await sleep(20);
      await toggle(s, f!); // on again
      source.reveal(leaders[0]!);
      source.hint(leaders[0]!);
      await drain([s], source, leaders, 2500);
      expect(await violations(s, source, [f!])).toEqual([]);
    });

    it('a copy on a pair whose minimum size is tiny (BTC/USDT, minSize 1e-7) is decided, and does not stall the leader', async () => {
      const { leaders, follows } = await setup([true, false, false]);
      await sleep(20);
      source.add(leaders[0]!, { market: 'BTC/USDT', ts: Date.now(), size: '0.01' as never });
      source.add(leaders[0]!, { market: markets[0]!, ts: Date.now() });
      source.hint(leaders[0]!);
      await drain([s], source, leaders, 2500);
      const w = (await s.copy.repo.watchers()).find((x) => x.address === leaders[0])!;
      expect({ violations: await violations(s, source, [follows[0]!]), watcherError: w.error }).toEqual({
        violations: [],
        watcherError: null,
      });
    });

    it('a source that delivers the same trade again on a later page: one decision, and the trades after it are still copied', async () => {
      const { leaders, follows } = await setup([true, true, false]);
      const leader = leaders[0]!;
      await sleep(20);
      const first = source.add(leader, { market: markets[0]!, ts: Date.now() }, { hidden: true });
      source.add(leader, { market: markets[1]!, ts: Date.now() }, { hidden: true });
      source.add(leader, { market: markets[0]!, ts: Date.now() }, { hidden: true });
      source.add(leader, { ...first }, { hidden: true }); // page 2 (pages of 3) starts with trade 1 again
      source.add(leader, { market: markets[1]!, ts: Date.now() }, { hidden: true });
      source.reveal(leader);
      source.hint(leader);
      await drain([s], source, [leader], 2500);
      const v = await violations(s, source, follows.slice(0, 2));
      const w = (await s.copy.repo.watchers()).find((x) => x.address === leader)!;
      expect({ violations: v, watcherError: w.error }).toEqual({ violations: [], watcherError: null });
    });
  });
}

const pgTarget = (await databaseTargets()).find((t) => t.name === 'postgres');

describe.skipIf(!pgTarget)('two engine instances on one PostgreSQL schema, one dying mid-run', () => {
  let db: Awaited<ReturnType<DatabaseTarget['create']>>;
  beforeAll(async () => {
    db = await pgTarget!.create();
  });
  afterAll(async () => db?.drop());

  /** Stops an instance dead: no more lease renewals, its watchers keep running (a zombie) until `kill()`, leases never released. */
  function freeze(s: Services) {
    const e = s.copy.engine as unknown as {
      started: boolean;
      cancelTick?: () => void;
      running: Map<number, { stop(): Promise<void> }>;
    };
    e.started = false;
    e.cancelTick?.();
    return {
      async kill() {
        await Promise.all([...e.running.values()].map((w) => w.stop()));
        e.running.clear();
      },
    };
  }

  it('property: still exactly once when the other instance takes the leases over', async () => {
    await fc.assert(
      fc.asyncProperty(
        faultsArb,
        fc.array(stepArb, { minLength: 4, maxLength: 24 }),
        fc.nat(),
        fc.integer({ min: 0, max: 1500 }),
        async (faults, steps, crashAt, zombieMs) => {
          const source = new ScriptedLeaderSource(rng(faults.seed));
          source.maxDelayMs = faults.maxDelayMs;
          source.failRate = faults.failRate;
          const a = await open(db.url, source);
          const b = await open(db.url, source);
          try {
            const run = ++runNo;
            const u1 = (await a.users.create(`u${run}-1`)).user.id;
            const u2 = (await a.users.create(`u${run}-2`)).user.id;
            const markets = await someMarkets(a);
            await Promise.all([a.copy.engine!.start(), b.copy.engine!.start()]);
            const leaders = [`scr-r${run}-a`, `scr-r${run}-b`];
            const follows = [
              await follow(a, u1, leaders[0]!, faults.enabled[0], `a${run}`),
              await follow(b, u2, leaders[0]!, faults.enabled[1], `b${run}`),
              await follow(a, u1, leaders[1]!, faults.enabled[2], `c${run}`),
            ];
            let dead = false;
            await play(
              steps,
              source,
              leaders,
              follows,
              markets,
              () => (dead || Math.random() < 0.5 ? b : a),
              {
                step: crashAt % (steps.length + 1),
                run: async () => {
                  const z = freeze(a);
                  // A zombie for a while (both instances may run a watcher), then gone.
                  setTimeout(() => void z.kill(), zombieMs);
                  dead = true;
                },
              },
            );
            source.failRate = 0;
            // B must take the leases over (leaseMs = 1000) and read everything.
            await drain([b], source, leaders, 6000);
            expect(await violations(b, source, follows)).toEqual([]);
          } finally {
            await a.close().catch(() => {});
            await b.close();
          }
        },
      ),
      { numRuns: 4, interruptAfterTimeLimit: 30_000 },
    );
  }, 120_000);
});

describe('kill -9 of a child server copying the simulated leaders, then a restart', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tradeloop-copy-crash-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const SEED = 7;
  const LEADERS = 5;
  const INTERVAL = 150;
  let checked = 0;

  it('property: resumes from the stored cursor with no trade missing or doubled', async () => {
    const env = {
      DATA_DIR: dir,
      RATE_LIMIT_MAX: '100000000',
      VENUE_SEED: String(SEED),
      SIM_LEADERS: String(LEADERS),
      SIM_LEADER_INTERVAL_MS: String(INTERVAL),
      COPY_MAX_LAG_MS: '600000',
      COPY_LEASE_MS: '1000',
      COPY_ENGINE: 'on',
    };
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 100, max: 900 }), { minLength: 1, maxLength: 2 }),
        fc.boolean(),
        async (kills, toggleMidway) => {
          let child = await startChildServer(env);
          const token = fs.readFileSync(path.join(dir, 'local-token'), 'utf8').trim();
          const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
          const api = async (url: string, init: RequestInit = {}) => {
            const r = await fetch(`${child.url}/api/v1${url}`, { ...init, headers });
            const body = await r.text();
            if (r.status >= 300) throw new Error(`${url}: ${r.status} ${body}`);
            return JSON.parse(body);
          };
          const leaders = (await api(`/leaders?source=simulated&sort=trades&limit=${LEADERS}`)).items.map(
            (l: { address: string }) => l.address,
          ) as string[];
          const existing = (await api('/traders?limit=500')).items as { id: number; address: string }[];
          const mine: { id: number; address: string; toggled: boolean }[] = [];
          for (const address of leaders.slice(0, 2)) {
            const old = existing.find((t) => t.address === address);
            if (old) {
              mine.push({ ...old, toggled: false });
              continue;
            }
            const t = await api('/traders', {
              method: 'POST',
              body: JSON.stringify({
                name: address,
                source: 'simulated',
                address,
                allocation: '1000000',
                followOptions: { copyMode: 'fixed', fixedAmount: '5' },
              }),
            });
            mine.push({ id: t.id, address, toggled: false });
          }
          const t0 = Date.now();
          for (const [i, waitMs] of kills.entries()) {
            await sleep(waitMs);
            if (i === 0) {
              // Kill while copying: once the first decisions are in.
              while ((await api('/copies?limit=1')).items.length === 0 && Date.now() - t0 < 10_000)
                await sleep(50);
            }
            if (toggleMidway && i === 0 && !mine[1]!.toggled) {
              // Off, for good: trades from then on get no decision for it (the row's window says when).
              await api(`/traders/${mine[1]!.id}`, {
                method: 'PATCH',
                body: JSON.stringify({ enabled: false }),
              });
              mine[1]!.toggled = true;
            }
            child.child.kill('SIGKILL');
            await child.exited;
            child = await startChildServer(env);
          }
          await sleep(800);
          child.child.kill('SIGKILL');
          await child.exited;

          // Compare with the same seeded leaders computed here, up to each watcher's stored cursor.
          const file = path.join(dir, 'tradeloop.db');
          const sqlite = new Database(file, { readonly: true });
          try {
            for (const m of mine) {
              const row = sqlite
                .prepare('select enabled_since, disabled_at from traders where id = ?')
                .get(m.id) as { enabled_since: number; disabled_at: number | null };
              const w = sqlite
                .prepare(`select cursor from copy_watchers where source = 'simulated' and address = ?`)
                .get(m.address) as { cursor: string } | undefined;
              expect(w, `watcher of ${m.address}`).toBeDefined();
              const upTo = Number(/^sim:(-?\d+)$/.exec(w!.cursor)![1]);
              const clock = new ManualClock(upTo);
              const venue = new SimulatedVenue(clock, { seed: SEED });
              const sim = new SimulatedLeaders(clock, venue, {
                seed: SEED,
                leaderCount: LEADERS,
                meanIntervalMs: INTERVAL,
              });
              const trades: LeaderTrade[] = [];
              let cursor = sim.cursorAt(m.address, Number(row.enabled_since));
              for (;;) {
                const page = await sim.tradesAfter(m.address, cursor, 500);
                trades.push(...page.trades);
                if (page.trades.length < 500) break;
                cursor = page.cursor;
              }
              await venue.close();
              const expected = trades
                .filter(
                  (t) =>
                    t.ts >= Number(row.enabled_since) &&
                    (row.disabled_at === null || t.ts < Number(row.disabled_at)),
                )
                .map((t) => t.id)
                .sort();
              const got = (
                sqlite
                  .prepare('select source_trade_id as id from copy_decisions where trader_id = ?')
                  .all(m.id) as { id: string }[]
              )
                .map((r) => r.id)
                .sort();
              checked += got.length;
              expect(new Set(got).size, `no doubles for ${m.address}`).toBe(got.length);
              expect(got, `decisions of ${m.address} up to its cursor`).toEqual(expected);
            }
          } finally {
            sqlite.close();
          }
        },
      ),
      // Each start of the CLI through tsx takes ~10 s here: one run of 2-3 starts keeps the suite bounded.
      { numRuns: 1 },
    );
    expect(checked, 'decisions checked across the runs').toBeGreaterThan(0);
  }, 120_000);
});
