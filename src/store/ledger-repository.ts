/**
 * Running summaries kept in the same transaction as the orders they summarise:
 * per-trader stats, per-trader average-cost holdings, per-user daily volume.
 * Reading performance is then one indexed join, not a GROUP BY over orders.
 */
import { type Selectable, sql } from 'kysely';
import type { Holding } from '../domain/average-cost.js';
import { type Decimal, type Exact, exact, formatExact, parseExact, ZERO } from '../domain/decimal.js';
import { canonicalAmount } from './amounts.js';
import type { Database, Dialect, SqlExecutor } from './database.js';
import { compile, prepare } from './prepared.js';
import type { TraderStatsTable } from './schema.js';

export interface TraderStats {
  traderId: number;
  fills: number;
  closedTrades: number;
  wins: number;
  realizedPnl: Decimal;
  volume: Decimal;
  fees: Decimal;
}

export interface TraderPerformanceRow extends TraderStats {
  name: string;
  address: string;
  enabled: boolean;
}

type StatsRow = Omit<Selectable<TraderStatsTable>, 'user_id' | 'updated_at'>;

/** Reads by a JSON list of trader ids: one prepared statement for any number of them. */
const READ_SQL: Record<Dialect, { stats: string; holdings: string }> = {
  sqlite: {
    stats: `select trader_id, fills, closed_trades, wins, realized_pnl, volume, fees from trader_stats
      where trader_id in (select value from json_each(?))`,
    holdings: `select trader_id, trading_pair_id, quantity, average_price from trader_positions
      where trader_id in (select value from json_each(?)) and trading_pair_id in (select value from json_each(?))`,
  },
  postgres: {
    stats: `select trader_id, fills, closed_trades, wins, realized_pnl, volume, fees from trader_stats
      where trader_id in (select jsonb_array_elements_text($1::jsonb)::bigint) for update`,
    holdings: `select trader_id, trading_pair_id, quantity, average_price from trader_positions
      where trader_id in (select jsonb_array_elements_text($1::jsonb)::bigint)
        and trading_pair_id in (select jsonb_array_elements_text($2::jsonb)::bigint)`,
  },
};

/**
 * Batch writes of the running summaries. SQLite: one cached single-row
 * statement per row (in-process, cheaper than unpacking JSON: 1.5 ms instead
 * of 4.2 for a thousand stats rows). PostgreSQL: one statement per table over
 * a JSON batch (one round trip).
 */
const ROW_SQL = {
  stats: `update trader_stats set fills = ?, closed_trades = ?, wins = ?, realized_pnl = ?, volume = ?, fees = ?,
      updated_at = ? where trader_id = ?`,
  holdings: `insert into trader_positions (trader_id, trading_pair_id, quantity, average_price) values (?, ?, ?, ?)
      on conflict (trader_id, trading_pair_id) do update set
        quantity = excluded.quantity, average_price = excluded.average_price`,
  volume: `insert into daily_volume (user_id, day, volume, fills) values (?, ?, ?, ?)
      on conflict (user_id, day) do update set
        volume = dec_add(daily_volume.volume, excluded.volume), fills = daily_volume.fills + excluded.fills`,
};

const PG_BATCH_SQL = {
  stats: `update trader_stats as s set fills = j.fills, closed_trades = j.ct, wins = j.wins, realized_pnl = j.pnl,
      volume = j.vol, fees = j.fees, updated_at = $1
    from jsonb_to_recordset($2::jsonb) as j(id bigint, fills integer, ct integer, wins integer,
      pnl numeric, vol numeric, fees numeric)
    where s.trader_id = j.id`,
  holdings: `insert into trader_positions (trader_id, trading_pair_id, quantity, average_price)
    select j.t, j.p, j.q, j.a from jsonb_to_recordset($1::jsonb) as j(t bigint, p bigint, q numeric, a numeric)
    on conflict (trader_id, trading_pair_id) do update set
      quantity = excluded.quantity, average_price = excluded.average_price`,
  volume: `insert into daily_volume (user_id, day, volume, fills)
    select j.u, j.d, j.v, j.f from jsonb_to_recordset($1::jsonb) as j(u bigint, d text, v numeric, f integer)
    on conflict (user_id, day) do update set
      volume = dec_add(daily_volume.volume, excluded.volume), fills = daily_volume.fills + excluded.fills`,
};

const toStats = (r: StatsRow): TraderStats => ({
  traderId: r.trader_id,
  fills: r.fills,
  closedTrades: r.closed_trades,
  wins: r.wins,
  realizedPnl: canonicalAmount(r.realized_pnl),
  volume: canonicalAmount(r.volume),
  fees: canonicalAmount(r.fees),
});

export class LedgerRepository {
  private readonly insertStats;
  private readonly updateStats;
  private readonly upsertHolding;
  private readonly addVolume;
  private readonly performanceOf;

  constructor(private readonly db: Database) {
    const k = db.kysely;
    this.insertStats = prepare(k, (p) =>
      k.insertInto('trader_stats').values({
        trader_id: p('traderId'),
        user_id: p('userId'),
        fills: 0,
        closed_trades: 0,
        wins: 0,
        realized_pnl: '0',
        volume: '0',
        fees: '0',
        updated_at: p('now'),
      }),
    );
    this.updateStats = prepare(k, (p) =>
      k
        .updateTable('trader_stats')
        .set({
          fills: p('fills'),
          closed_trades: p('closedTrades'),
          wins: p('wins'),
          realized_pnl: p('realizedPnl'),
          volume: p('volume'),
          fees: p('fees'),
          updated_at: p('now'),
        })
        .where('trader_id', '=', p('traderId')),
    );
    this.upsertHolding = prepare(k, (p) =>
      k
        .insertInto('trader_positions')
        .values({
          trader_id: p('traderId'),
          trading_pair_id: p('pairId'),
          quantity: p('qty'),
          average_price: p('avg'),
        })
        .onConflict((oc) =>
          oc
            .columns(['trader_id', 'trading_pair_id'])
            .doUpdateSet({ quantity: p('qty'), average_price: p('avg') }),
        ),
    );
    this.addVolume = prepare(k, (p) =>
      k
        .insertInto('daily_volume')
        .values({ user_id: p('userId'), day: p('day'), volume: p('volume'), fills: p('fills') })
        .onConflict((oc) =>
          oc.columns(['user_id', 'day']).doUpdateSet({
            volume: sql`dec_add(daily_volume.volume, excluded.volume)`,
            fills: sql`daily_volume.fills + excluded.fills`,
          }),
        ),
    );
    this.performanceOf = prepare(k, (p) =>
      k
        .selectFrom('traders')
        .innerJoin('trader_stats', 'trader_stats.trader_id', 'traders.id')
        .select([
          'traders.id as trader_id',
          'traders.name',
          'traders.address',
          'traders.enabled',
          'trader_stats.fills',
          'trader_stats.closed_trades',
          'trader_stats.wins',
          'trader_stats.realized_pnl',
          'trader_stats.volume',
          'trader_stats.fees',
        ])
        .where('traders.user_id', '=', p('userId'))
        .orderBy('traders.created_at')
        .orderBy('traders.id'),
    );
  }

  createStats(traderId: number, userId: number, now: number, ex: SqlExecutor): Promise<number> {
    return ex.run(this.insertStats({ traderId, userId, now }));
  }

  /** Stats rows of `traderIds`, locked for the rest of the transaction where the dialect has row locks. */
  async lockStats(traderIds: number[], ex: SqlExecutor): Promise<Map<number, TraderStats>> {
    const rows = await ex.tuples({
      sql: READ_SQL[this.db.dialect].stats,
      parameters: [JSON.stringify(traderIds)],
    });
    return new Map(
      rows.map((r) => {
        const [id, fills, closedTrades, wins, pnl, volume, fees] = r;
        const s: StatsRow = {
          trader_id: Number(id),
          fills: Number(fills),
          closed_trades: Number(closedTrades),
          wins: Number(wins),
          realized_pnl: pnl as string,
          volume: volume as string,
          fees: fees as string,
        };
        return [s.trader_id, toStats(s)];
      }),
    );
  }

  /** Holdings of these traders in these pairs (a fan-out's fills touch one pair of a thousand traders). */
  async holdings(traderIds: number[], pairIds: number[], ex: SqlExecutor): Promise<Map<string, Holding>> {
    const rows = await ex.tuples({
      sql: READ_SQL[this.db.dialect].holdings,
      parameters: [JSON.stringify(traderIds), JSON.stringify(pairIds)],
    });
    const out = new Map<string, Holding>();
    for (const [traderId, pairId, quantity, averagePrice] of rows) {
      out.set(`${traderId}:${pairId}`, {
        quantity: parseExact(canonicalAmount(quantity as string)),
        averagePrice: parseExact(canonicalAmount(averagePrice as string)),
      });
    }
    return out;
  }

  /** Writes these stats rows: one statement for one row, one batch statement for more. */
  async saveStats(stats: readonly TraderStats[], now: number, ex: SqlExecutor): Promise<void> {
    if (stats.length === 1) {
      await ex.run(this.updateStats({ ...stats[0], now }));
      return;
    }
    if (stats.length === 0) return;
    if (this.db.dialect === 'sqlite') {
      await ex.runEach(
        ROW_SQL.stats,
        stats.map((s) => [s.fills, s.closedTrades, s.wins, s.realizedPnl, s.volume, s.fees, now, s.traderId]),
      );
      return;
    }
    const batch = JSON.stringify(
      stats.map((s) => ({
        id: s.traderId,
        fills: s.fills,
        ct: s.closedTrades,
        wins: s.wins,
        pnl: s.realizedPnl,
        vol: s.volume,
        fees: s.fees,
      })),
    );
    await ex.run({ sql: PG_BATCH_SQL.stats, parameters: [now, batch] });
  }

  /** Upserts many holdings (one batch statement on PostgreSQL). */
  async saveHoldings(
    rows: readonly { traderId: number; pairId: number; holding: Holding }[],
    ex: SqlExecutor,
  ): Promise<void> {
    if (rows.length === 0) return;
    if (this.db.dialect === 'sqlite') {
      await ex.runEach(
        ROW_SQL.holdings,
        rows.map((r) => [
          r.traderId,
          r.pairId,
          formatExact(r.holding.quantity),
          formatExact(r.holding.averagePrice),
        ]),
      );
      return;
    }
    const batch = JSON.stringify(
      rows.map((r) => ({
        t: r.traderId,
        p: r.pairId,
        q: formatExact(r.holding.quantity),
        a: formatExact(r.holding.averagePrice),
      })),
    );
    await ex.run({ sql: PG_BATCH_SQL.holdings, parameters: [batch] });
  }

  /** Adds many users' daily volumes (one row per (user, day) in the batch; one statement on PostgreSQL). */
  async addDailyVolumes(
    rows: readonly { userId: number; day: string; volume: Decimal; fills: number }[],
    ex: SqlExecutor,
  ): Promise<void> {
    if (rows.length === 0) return;
    if (this.db.dialect === 'sqlite') {
      await ex.runEach(
        ROW_SQL.volume,
        rows.map((r) => [r.userId, r.day, r.volume, r.fills]),
      );
      return;
    }
    const batch = JSON.stringify(rows.map((r) => ({ u: r.userId, d: r.day, v: r.volume, f: r.fills })));
    await ex.run({ sql: PG_BATCH_SQL.volume, parameters: [batch] });
  }

  async saveHolding(traderId: number, pairId: number, h: Holding, ex: SqlExecutor): Promise<void> {
    await ex.run(
      this.upsertHolding({
        traderId,
        pairId,
        qty: formatExact(h.quantity),
        avg: formatExact(h.averagePrice),
      }),
    );
  }

  async addDailyVolume(
    userId: number,
    day: string,
    volume: Decimal,
    fills: number,
    ex: SqlExecutor,
  ): Promise<void> {
    await ex.run(this.addVolume({ userId, day, volume, fills }));
  }

  /** Open copied positions of one user per trader: how many and their unrealised PnL (summed exactly). */
  async openCopies(userId: number): Promise<Map<number, { count: number; unrealizedPnl: Decimal }>> {
    const q = this.db.kysely
      .selectFrom('positions')
      .select(['trader_id', 'unrealized_pnl'])
      .where('user_id', '=', userId)
      .where('status', '=', 'open')
      .where('trader_id', 'is not', null);
    const acc = new Map<number, { count: number; pnl: Exact }>();
    for (const r of await this.db.all(compile(q))) {
      const id = Number(r.trader_id);
      const a = acc.get(id) ?? { count: 0, pnl: ZERO };
      a.count++;
      a.pnl = exact.add(a.pnl, parseExact(canonicalAmount(r.unrealized_pnl)));
      acc.set(id, a);
    }
    return new Map([...acc].map(([id, a]) => [id, { count: a.count, unrealizedPnl: formatExact(a.pnl) }]));
  }

  /** Per-trader performance of one user: one indexed join over the running summaries. */
  async performance(userId: number): Promise<TraderPerformanceRow[]> {
    const rows = await this.db.all(this.performanceOf({ userId }));
    // No object spread: it is many times slower than assignment on this hot read.
    return rows.map((r) => {
      const p = toStats(r as StatsRow) as TraderPerformanceRow;
      p.name = r.name;
      p.address = r.address;
      p.enabled = r.enabled === 1;
      return p;
    });
  }

  async dailyVolume(
    userId: number,
    fromDay: string,
  ): Promise<{ day: string; volume: Decimal; fills: number }[]> {
    const q = this.db.kysely
      .selectFrom('daily_volume')
      .select(['day', 'volume', 'fills'])
      .where('user_id', '=', userId)
      .where('day', '>=', fromDay)
      .orderBy('day');
    return (await this.db.all(compile(q))).map((r) => ({
      day: r.day,
      volume: canonicalAmount(r.volume),
      fills: r.fills,
    }));
  }
}
