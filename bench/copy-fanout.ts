/**
 * One leader trade fanned out to 1,000 enabled follows (1,000 users, one
 * follow each, fixed 10 per copy): the real fan-out (`CopyFanout.apply`
 * inside `db.transaction`, as `LeaderWatcher.commit` runs it) writes the
 * cursor, 1,000 decisions and, for a copied trade, 1,000 orders, positions,
 * fills and paper balances, committed before it returns. Trades are the
 * leader's real stream, one per page, in order; the market quotes and the
 * leader's equity are read before the transaction, as the watcher does.
 * The figure is the p99 over the pages that copied to every follow; the
 * reference, interleaved page by page, is 1,000 bare prepared INSERTs of
 * decision-shaped rows into a scratch table in one transaction.
 */

import type { Services } from '../src/container.js';
import type { MarketQuote } from '../src/copytrading/copy-fanout.js';
import { pageQuotes } from '../src/copytrading/copy-quotes.js';
import { type Exact, parseExact } from '../src/domain/decimal.js';
import { parseNewTrader } from '../src/domain/trader.js';
import { LedgerRepository } from '../src/store/ledger-repository.js';
import { TraderRepository } from '../src/store/trader-repository.js';
import type { LeaderTrade } from '../src/venues/leader-source.js';
import type { SimulatedLeaders } from '../src/venues/simulated/simulated-leaders.js';
import type { BenchContext, Benchmark } from './lib/context.js';
import { profilePhase } from './lib/cpu-profile.js';
import { type BenchDialect, bareClient, figureName, perDialect, servicesOn } from './lib/dialects.js';
import { rawSqlite } from './lib/fixtures.js';
import { latencyResult } from './lib/latency.js';
import { sampleInterleaved } from './lib/sampler.js';
import { describe, summarize } from './lib/stats.js';

const FOLLOWS = 1_000;
const FULL_PAGES = 50;
const WARMUP = 3;
const LOOKBACK_MS = 3 * 3_600_000;
const TARGET_P99_US = 50_000;

export interface SeededUsers {
  users: { id: number; token: string }[];
  traderIds: number[];
}

/**
 * Creates `users` users (UserService, in parallel chunks) and their follows of
 * simulated leaders in ONE transaction through the store (trader row + its
 * stats row, validated by the same parser and address check as the API),
 * enabled since `since`. `follows(u)` names the leaders user `u` follows.
 */
export async function seedFollows(
  s: Services,
  users: number,
  follows: (u: number) => readonly string[],
  since: number,
): Promise<SeededUsers> {
  const out: SeededUsers = { users: [], traderIds: [] };
  for (let u = 0; u < users; u += 200) {
    const chunk = await Promise.all(
      Array.from({ length: Math.min(200, users - u) }, (_, k) => s.users.create(`copier-${u + k + 1}`)),
    );
    out.users.push(...chunk.map((c) => ({ id: c.user.id, token: c.token })));
  }
  const traders = new TraderRepository(s.db);
  const ledger = new LedgerRepository(s.db);
  await s.db.transaction(async (tx) => {
    for (const [u, user] of out.users.entries()) {
      for (const address of follows(u)) {
        const t = parseNewTrader(
          {
            name: `Copy ${address}`,
            source: 'simulated',
            address,
            allocation: '100000',
            followOptions: { copyMode: 'fixed', fixedAmount: '10' },
          },
          'body',
          s.copy.service.checkAddress,
        );
        const row = await traders.insert(user.id, t, since, tx);
        await ledger.createStats(row.id, user.id, since, tx);
        out.traderIds.push(row.id);
      }
    }
  });
  return out;
}

export const copyFanout: Benchmark = perDialect('copy-fanout', measure);

async function measure(ctx: BenchContext, dialect: BenchDialect) {
  const { s, url } = await servicesOn(ctx, dialect, 'copy_fanout', { copyEngine: 'off' });
  const source = s.copy.sources.get('simulated') as SimulatedLeaders | undefined;
  if (!source) throw new Error('the simulated leader source is not configured');
  const leader = source.addresses().find((a) => a.includes('scalper'))!;
  const since = Date.now() - LOOKBACK_MS;
  ctx.log(`seeding ${FOLLOWS} users, each following ${leader}`);
  await seedFollows(s, FOLLOWS, () => [leader], since);

  const start = `sim:${since}`;
  const { trades } = await source.tradesAfter(leader, start, 500);
  let watcher = await s.copy.repo.ensureWatcher('simulated', leader, start, Date.now());
  const fanout = s.copy.fanout;

  // Reference: decision-shaped rows, 1,000 bare prepared INSERTs in one transaction, on the same database.
  const bareTx = await bareDecisionInserts(ctx, s, url, since);

  // One page per trade, in the leader's order; quotes and equity read before the transaction (untimed).
  let next = 0;
  let page: { trade: LeaderTrade; quotes: Map<string, MarketQuote>; equity: Exact | null } | undefined;
  const outcomes: { copied: number; skipped: number; reasons: string[] }[] = [];
  const [subject = [], reference = []] = await profilePhase('copy-fanout', () =>
    sampleInterleaved(
      [
        {
          before: async () => {
            // The watcher applies a page from an event callback: the event loop turns between pages.
            await new Promise((r) => setImmediate(r));
            const trade = trades[next++];
            if (!trade)
              throw new Error(`the leader made only ${trades.length} trades in the look-back window`);
            const e = await source.equity(leader);
            page = {
              trade,
              quotes: await pageQuotes(s.marketData, [trade], false),
              equity: e === null ? null : parseExact(e),
            };
          },
          op: async () => {
            const { trade, quotes, equity } = page!;
            const from = watcher.cursor;
            const to = `sim:${trade.ts}`;
            // Seen 20 ms after the leader traded, as a pushed trade is.
            const r = await s.db.transaction((tx) =>
              fanout.apply(watcher, from, to, [trade], quotes, equity, trade.ts + 20, tx),
            );
            if (!r) throw new Error('the cursor did not move: the page was not applied');
            watcher = { ...watcher, cursor: to };
            const copied = r.decisions.filter((d) => d.status === 'copied').length;
            outcomes.push({
              copied,
              skipped: r.decisions.length - copied,
              reasons: [...new Set(r.decisions.map((d) => d.reason).filter((x): x is string => x !== null))],
            });
          },
        },
        () => bareTx(FOLLOWS),
      ],
      // 150 pages of the leader's stream, skipped ones timed too; the figure keeps the fully copied ones.
      { warmup: WARMUP, samples: Math.min(trades.length - WARMUP, 150), maxMs: 120_000, chunk: 1 },
    ),
  );
  const timed = outcomes.slice(WARMUP);
  const full = subject.filter((_, i) => timed[i]?.copied === FOLLOWS);
  const fullPages = full.length;

  // Every decision, order and position the timed pages reported is in the database.
  const row = await s.db.first<Record<'decisions' | 'copied' | 'orders' | 'positions', number | string>>({
    sql: `SELECT (SELECT count(*) FROM copy_decisions) AS decisions,
                (SELECT count(*) FROM copy_decisions WHERE status = 'copied') AS copied,
                (SELECT count(*) FROM orders) AS orders,
                (SELECT count(*) FROM positions) AS positions`,
    parameters: [],
  });
  const counts = {
    decisions: Number(row?.decisions),
    copied: Number(row?.copied),
    orders: Number(row?.orders),
    positions: Number(row?.positions),
  };
  const reported = outcomes.reduce((a, o) => a + o.copied + o.skipped, 0);
  const reportedCopied = outcomes.reduce((a, o) => a + o.copied, 0);
  const reasons = new Map<string, number>();
  for (const o of timed) for (const r of o.reasons) reasons.set(r, (reasons.get(r) ?? 0) + 1);
  return [
    latencyResult({
      name: figureName('copy-fanout', dialect),
      dialect,
      stat: 'p99',
      limitUs: TARGET_P99_US,
      target: 'p99 <= 50 ms',
      millis: true,
      samples: full,
      reference: { name: `${FOLLOWS} bare prepared INSERTs in one tx`, samples: reference },
      notes: [
        `${FOLLOWS} users each following ${leader} (fixed 10 per copy); figure over the ${fullPages} pages (one leader trade each) that copied to all ${FOLLOWS} follows: decisions + orders + positions + fills + balances + cursor in one committed transaction`,
        `all ${subject.length} timed pages incl. skipped ones (sells without a known leader position, etc.): ${describe(summarize(subject), 'ms', 1 / 1000)}; skip reasons seen on pages: ${[...reasons].map(([r, n]) => `${r} x${n}`).join(', ') || 'none'}`,
        `${dialect === 'sqlite' ? `SQLite WAL synchronous=${s.config.sqliteSynchronous}` : 'PostgreSQL, pool of DATABASE_POOL_SIZE'}; quotes and leader equity read before the transaction (untimed), as LeaderWatcher.commit does`,
      ],
      checks: [
        { ok: fullPages >= FULL_PAGES, note: `${fullPages} fully copied pages timed (want ${FULL_PAGES})` },
        {
          ok:
            counts.decisions === reported &&
            counts.copied === reportedCopied &&
            counts.orders === reportedCopied,
          note: `database holds every decision reported (${counts.decisions} of ${reported}), ${counts.orders} orders for ${reportedCopied} copies, ${counts.positions} positions`,
        },
      ],
    }),
  ];
}

/** `n` decision-shaped rows inserted one prepared statement each, in one transaction: the reference. */
async function bareDecisionInserts(
  ctx: BenchContext,
  s: Services,
  url: string,
  since: number,
): Promise<(n: number) => unknown> {
  const values: Record<string, unknown> = {
    user_id: 1,
    trader_id: 1,
    source: 'simulated',
    source_trade_id: 'sim-scalper-1:123456',
    source_ts: since,
    detected_at: since,
    decided_at: since,
    status: 'copied',
    reason: null,
    reduced_by: null,
    side: 'buy',
    market: 'BTC/USDT',
    outcome_index: null,
    leader_size: '0.25',
    leader_price: '64000.5',
    size: '0.000156',
    price: '64032.5',
    order_id: 1,
    position_id: 1,
    latency_ms: 3,
  };
  const cols = Object.keys(values);
  const row = (i: number) => cols.map((c) => (c === 'user_id' || c === 'trader_id' ? i + 1 : values[c]));
  if (s.db.dialect === 'sqlite') {
    const raw = rawSqlite(s);
    raw.exec('CREATE TABLE bench_copy_decisions AS SELECT * FROM copy_decisions WHERE 0');
    const insert = raw.prepare(
      `INSERT INTO bench_copy_decisions (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
    );
    return raw.transaction((n: number) => {
      for (let i = 0; i < n; i++) insert.run(...row(i));
    });
  }
  const c = await bareClient(ctx, url);
  await c.query('CREATE TABLE bench_copy_decisions AS SELECT * FROM copy_decisions WHERE false');
  const text = `INSERT INTO bench_copy_decisions (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`;
  return async (n: number) => {
    await c.query('BEGIN');
    for (let i = 0; i < n; i++) await c.query({ name: 'bench_copy_decision', text, values: row(i) });
    await c.query('COMMIT');
  };
}
