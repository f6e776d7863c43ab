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
 *
 * `copy-fanout-history` is the same on a database that already holds
 * HISTORY_PER_FOLLOW earlier copies of every follow (decisions, orders and
 * closed positions: the rows of the first pages, up to one that copied to
 * every follow, copied that many times over): a fan-out's rows
 * land on one index page per follower in every index keyed by user or
 * trader, so what a commit writes grows with the history until there are
 * more leaf pages than followers. The fresh database is the best case.
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
/** Earlier copies per follow in `copy-fanout-history`: enough for more index leaf pages than followers. */
const HISTORY_PER_FOLLOW = 100;

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

export const copyFanout: Benchmark = perDialect('copy-fanout', (ctx, dialect) => measure(ctx, dialect, 0));
export const copyFanoutHistory: Benchmark = perDialect('copy-fanout-history', (ctx, dialect) =>
  measure(ctx, dialect, HISTORY_PER_FOLLOW),
);

async function measure(ctx: BenchContext, dialect: BenchDialect, history: number) {
  const name = history > 0 ? 'copy-fanout-history' : 'copy-fanout';
  const { s, url } = await servicesOn(ctx, dialect, name.replaceAll('-', '_'), { copyEngine: 'off' });
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
  let historyNote = '';
  let page: { trade: LeaderTrade; quotes: Map<string, MarketQuote>; equity: Exact | null } | undefined;
  const outcomes: { copied: number; skipped: number; reasons: string[] }[] = [];
  const pageStep = {
    before: async () => {
      // The watcher applies a page from an event callback: the event loop turns between pages.
      await new Promise((r) => setImmediate(r));
      const trade = trades[next++];
      if (!trade) throw new Error(`the leader made only ${trades.length} trades in the look-back window`);
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
  };
  // History (untimed): pages applied until one copied to every follow, then their rows multiplied.
  if (history > 0) {
    while (!outcomes.some((o) => o.copied === FOLLOWS)) {
      await pageStep.before();
      await pageStep.op();
    }
    historyNote = await seedHistory(s, history);
  }
  const seeded = outcomes.slice();
  const [subject = [], reference = []] = await profilePhase(name, () =>
    sampleInterleaved(
      [pageStep, () => bareTx(FOLLOWS)],
      // 150 pages of the leader's stream, skipped ones timed too; the figure keeps the fully copied ones.
      { warmup: WARMUP, samples: Math.min(trades.length - next - WARMUP, 150), maxMs: 120_000, chunk: 1 },
    ),
  );
  const timed = outcomes.slice(seeded.length + WARMUP);
  const warmupDecisions = seeded.reduce((a, o) => a + o.copied + o.skipped, 0);
  const warmupCopied = seeded.reduce((a, o) => a + o.copied, 0);
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
  const reported = outcomes.reduce((a, o) => a + o.copied + o.skipped, 0) + history * warmupDecisions;
  const reportedCopied = outcomes.reduce((a, o) => a + o.copied, 0) + history * warmupCopied;
  const reasons = new Map<string, number>();
  for (const o of timed) for (const r of o.reasons) reasons.set(r, (reasons.get(r) ?? 0) + 1);
  return [
    latencyResult({
      name: figureName(name, dialect),
      dialect,
      stat: 'p99',
      limitUs: TARGET_P99_US,
      target: 'p99 <= 50 ms',
      millis: true,
      samples: full,
      reference: { name: `${FOLLOWS} bare prepared INSERTs in one tx`, samples: reference },
      notes: [
        ...(history > 0 ? [historyNote] : []),
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

/**
 * Makes the rows of the pages applied so far `times` times more: each
 * decision, order and position copied `times` over (new ids; the copies'
 * decisions under other source trade ids, their orders without a client id,
 * their positions closed), in one transaction, then a checkpoint. Returns a
 * note of what the database holds.
 */
async function seedHistory(s: Services, times: number): Promise<string> {
  const t0 = performance.now();
  const columns = async (table: string) =>
    (
      await s.db.all<{ name: string }>({
        sql:
          s.db.dialect === 'sqlite'
            ? `select name from pragma_table_info('${table}')`
            : `select column_name as name from information_schema.columns where table_name = '${table}' and table_schema = current_schema()`,
        parameters: [],
      })
    )
      .map((c) => c.name)
      .filter((c) => c !== 'id');
  const copies: [string, (k: number) => Record<string, string>][] = [
    ['orders', () => ({ client_order_id: 'NULL' })],
    [
      'positions',
      () => ({
        status: "'closed'",
        closed_at: 'opened_at',
        close_reason: "'leader_exit'",
        close_price: 'entry_price',
      }),
    ],
    ['copy_decisions', (k) => ({ source_trade_id: `source_trade_id || '-h${k}'` })],
  ];
  const plans = await Promise.all(copies.map(async ([t, set]) => ({ t, set, cols: await columns(t) })));
  await s.db.transaction(async (tx) => {
    for (const { t } of plans)
      await tx.run({ sql: `create temp table history_${t} as select * from ${t}`, parameters: [] });
    for (let k = 0; k < times; k++)
      for (const { t, set, cols } of plans) {
        const values = set(k);
        await tx.run({
          sql: `insert into ${t} (${cols.join(', ')}) select ${cols.map((c) => values[c] ?? c).join(', ')} from history_${t}`,
          parameters: [],
        });
      }
    for (const { t } of plans) await tx.run({ sql: `drop table history_${t}`, parameters: [] });
  });
  if (s.db.dialect === 'sqlite') rawSqlite(s).pragma('wal_checkpoint(TRUNCATE)');
  else await s.db.run({ sql: 'analyze', parameters: [] });
  const row = await s.db.first<Record<'d' | 'o' | 'p', number | string>>({
    sql: 'select (select count(*) from copy_decisions) as d, (select count(*) from orders) as o, (select count(*) from positions) as p',
    parameters: [],
  });
  return `history: the rows of the first pages (to one copied to every follow) copied ${times} times before timing (${(performance.now() - t0).toFixed(0)} ms): ${Number(row?.d)} decisions, ${Number(row?.o)} orders, ${Number(row?.p)} positions`;
}
