/**
 * The money figures of one user's dashboard overview, each one aggregate
 * statement however many positions there are: the open positions' totals,
 * realised PnL per UTC day over a window, and realised PnL of all time —
 * realised PnL always net of the fees each position paid (migration 022).
 * Sums are exact (NUMERIC `sum` on PostgreSQL, the `dec_sum` aggregate over
 * TEXT decimals on SQLite); closed positions are read through
 * `positions_user_closed_idx` (migrations 014 and 022), an index-only walk.
 */
import type { Decimal } from '../domain/decimal.js';
import { canonicalAmount as canon } from './amounts.js';
import type { Database, Dialect } from './database.js';

export const DAY_MS = 86_400_000;

export interface OpenTotals {
  count: number;
  /** Σ size × current price. */
  notional: Decimal;
  unrealizedPnl: Decimal;
  /** PnL already taken on still-open positions (copies reduced by their leader). */
  realizedPnl: Decimal;
  /**
   * What the open positions add to the paper equity: a copy's market value
   * (its cost left the paper balance), a hand-opened position's unrealised
   * PnL (opening one by hand does not move the balance).
   */
  equityValue: Decimal;
}

export interface RealizedDay {
  /** UTC day number: epoch ms / 86,400,000. */
  day: number;
  realizedPnl: Decimal;
  closed: number;
  wins: number;
}

export interface RealizedTotal {
  realizedPnl: Decimal;
  closed: number;
  wins: number;
}

/** One market's closed positions (realised PnL) and orders (fees). */
export interface MarketProfit {
  market: string;
  closed: number;
  wins: number;
  realizedPnl: Decimal;
  orders: number;
  fees: Decimal;
}

/** The overview's statements per dialect (exported for the query-plan test). */
export const OVERVIEW_SQL: Record<
  Dialect,
  { open: string; byDay: string; total: string; byMarket: string; fees: string }
> = {
  sqlite: {
    // Realised PnL is net of the fees each position paid (migration 022): dec_sub(realized_pnl, fees).
    open: `select count(*) as n, dec_sum(dec_mul(size, current_price)) as notional,
        dec_sum(unrealized_pnl) as unrealized, dec_sum(dec_sub(realized_pnl, fees)) as realized,
        dec_sum(case when trader_id is null then unrealized_pnl else dec_mul(size, current_price) end) as value
      from positions where user_id = ? and status = 'open'`,
    // Canonical decimal text: a win is positive, neither '0' nor starting with '-'.
    byDay: `select day, dec_sum(net) as pnl, count(*) as n, sum(net <> '0' and substr(net, 1, 1) <> '-') as wins
      from (select closed_at / ${DAY_MS} as day, dec_sub(realized_pnl, fees) as net
        from positions where user_id = ? and status = 'closed' and closed_at >= ?)
      group by day order by day`,
    total: `select dec_sum(net) as pnl, count(*) as n,
        coalesce(sum(net <> '0' and substr(net, 1, 1) <> '-'), 0) as wins
      from (select dec_sub(realized_pnl, fees) as net
        from positions where user_id = ? and status = 'closed' and closed_at is not null)`,
    byMarket: `select market, count(*) as n, dec_sum(net) as pnl, sum(net <> '0' and substr(net, 1, 1) <> '-') as wins
      from (select symbol as market, dec_sub(realized_pnl, fees) as net
        from positions where user_id = ? and status = 'closed')
      group by market`,
    fees: `select p.symbol as market, count(*) as n, dec_sum(o.fee) as fees
      from orders o join trading_pairs p on p.id = o.trading_pair_id where o.user_id = ? group by p.symbol`,
  },
  postgres: {
    open: `select count(*) as n, coalesce(sum(size * current_price), 0) as notional,
        coalesce(sum(unrealized_pnl), 0) as unrealized, coalesce(sum(realized_pnl - fees), 0) as realized,
        coalesce(sum(case when trader_id is null then unrealized_pnl else size * current_price end), 0) as value
      from positions where user_id = $1 and status = 'open'`,
    byDay: `select closed_at / ${DAY_MS} as day, sum(realized_pnl - fees) as pnl, count(*) as n,
        count(*) filter (where realized_pnl - fees > 0) as wins
      from positions where user_id = $1 and status = 'closed' and closed_at >= $2
      group by closed_at / ${DAY_MS} order by day`,
    total: `select coalesce(sum(realized_pnl - fees), 0) as pnl, count(*) as n,
        count(*) filter (where realized_pnl - fees > 0) as wins
      from positions where user_id = $1 and status = 'closed' and closed_at is not null`,
    byMarket: `select symbol as market, count(*) as n, sum(realized_pnl - fees) as pnl,
        count(*) filter (where realized_pnl - fees > 0) as wins
      from positions where user_id = $1 and status = 'closed' group by symbol`,
    fees: `select p.symbol as market, count(*) as n, sum(o.fee) as fees
      from orders o join trading_pairs p on p.id = o.trading_pair_id where o.user_id = $1 group by p.symbol`,
  },
};

type Row = Record<string, unknown>;

export class OverviewRepository {
  constructor(private readonly db: Database) {}

  async openTotals(userId: number): Promise<OpenTotals> {
    const r = await this.db.first<Row>({ sql: OVERVIEW_SQL[this.db.dialect].open, parameters: [userId] });
    return {
      count: Number(r?.['n'] ?? 0),
      notional: canon(r?.['notional'] ?? '0'),
      unrealizedPnl: canon(r?.['unrealized'] ?? '0'),
      realizedPnl: canon(r?.['realized'] ?? '0'),
      equityValue: canon(r?.['value'] ?? '0'),
    };
  }

  /** Realised PnL of the positions closed on each UTC day since `since` (days without closes are absent). */
  async realizedByDay(userId: number, since: number): Promise<RealizedDay[]> {
    const rows = await this.db.all<Row>({
      sql: OVERVIEW_SQL[this.db.dialect].byDay,
      parameters: [userId, since],
    });
    return rows.map((r) => ({
      day: Number(r['day']),
      realizedPnl: canon(r['pnl']),
      closed: Number(r['n']),
      wins: Number(r['wins']),
    }));
  }

  async realizedTotal(userId: number): Promise<RealizedTotal> {
    const r = await this.db.first<Row>({ sql: OVERVIEW_SQL[this.db.dialect].total, parameters: [userId] });
    return {
      realizedPnl: canon(r?.['pnl'] ?? '0'),
      closed: Number(r?.['n'] ?? 0),
      wins: Number(r?.['wins'] ?? 0),
    };
  }

  /** Per market, ordered by name: closed positions with their realised PnL and wins, and orders with their fees. */
  async byMarket(userId: number): Promise<MarketProfit[]> {
    const sqls = OVERVIEW_SQL[this.db.dialect];
    const [closed, fees] = await Promise.all([
      this.db.all<Row>({ sql: sqls.byMarket, parameters: [userId] }),
      this.db.all<Row>({ sql: sqls.fees, parameters: [userId] }),
    ]);
    const out = new Map<string, MarketProfit>();
    const entry = (market: string) => {
      let e = out.get(market);
      if (!e) {
        e = { market, closed: 0, wins: 0, realizedPnl: '0' as Decimal, orders: 0, fees: '0' as Decimal };
        out.set(market, e);
      }
      return e;
    };
    for (const r of closed) {
      const e = entry(String(r['market']));
      e.closed = Number(r['n']);
      e.wins = Number(r['wins']);
      e.realizedPnl = canon(r['pnl']);
    }
    for (const r of fees) {
      const e = entry(String(r['market']));
      e.orders = Number(r['n']);
      e.fees = canon(r['fees']);
    }
    return [...out.values()].sort((a, b) => (a.market < b.market ? -1 : a.market > b.market ? 1 : 0));
  }
}
