/**
 * The copy engine's writes to positions: each batch one statement (or one
 * multi-row insert) for all the follows of a page of leader trades, inside the
 * page's transaction. A copy closed meanwhile (a TP/SL flush racing) is left
 * alone and not reported back, as `PositionRepository.close` does for one.
 */
import type { Decimal } from '../domain/decimal.js';
import type { CloseReason, Position } from '../domain/position.js';
import { canonicalAmount as canon } from './amounts.js';
import type { Dialect, SqlExecutor } from './database.js';
import type { NewPosition } from './position-repository.js';
import { FLUSH_SQL, fromTuple, INSERT_COLUMNS } from './position-rows.js';

export class CopyPositionRepository {
  constructor(private readonly dialect: Dialect) {}

  /** Inserts new copied positions in one batch; returns their ids in order. */
  async insertMany(
    rows: readonly { userId: number; position: NewPosition }[],
    now: number,
    tx: SqlExecutor,
  ): Promise<number[]> {
    if (rows.length === 0) return [];
    return tx.insertMany(
      'positions',
      INSERT_COLUMNS,
      rows.map(({ userId, position: n }) => [
        userId,
        n.venue,
        n.marketId,
        n.symbol,
        n.side,
        n.outcome,
        n.outcomeIndex,
        n.size,
        n.entryPrice,
        n.entryPrice,
        '0',
        '0',
        n.takeProfit,
        n.stopLoss,
        'open',
        1,
        now,
        now,
        n.traderId ?? null,
        n.trailingStopPct ?? null,
        n.trailingStopPct ? n.entryPrice : null,
      ]),
    );
  }

  /** Resizes open positions in one statement; returns the ids that were still open. */
  async resizeMany(
    rows: readonly {
      id: number;
      size: Decimal;
      entryPrice: Decimal;
      realizedPnl: Decimal;
      unrealizedPnl: Decimal;
      takeProfit: Decimal | null;
      stopLoss: Decimal | null;
    }[],
    now: number,
    tx: SqlExecutor,
  ): Promise<Set<number>> {
    if (rows.length === 0) return new Set();
    const batch = JSON.stringify(
      rows.map((r) => ({
        id: r.id,
        size: r.size,
        entry: r.entryPrice,
        realized: r.realizedPnl,
        unrealized: r.unrealizedPnl,
        tp: r.takeProfit,
        sl: r.stopLoss,
      })),
    );
    const out = await tx.tuples({ sql: FLUSH_SQL[this.dialect].resizeMany, parameters: [now, batch] });
    return new Set(out.map((r) => Number(r[0])));
  }

  /**
   * Closes open positions in one statement and records their events (the
   * outbox) in one batch; returns the ids that were still open. A position
   * closed meanwhile is left alone, as with `close`.
   */
  async closeMany(
    rows: readonly { id: number; reason: CloseReason; price: Decimal; pnl: Decimal }[],
    now: number,
    tx: SqlExecutor,
  ): Promise<Set<number>> {
    if (rows.length === 0) return new Set();
    const batch = JSON.stringify(rows);
    const closed = await tx.tuples({
      sql: FLUSH_SQL[this.dialect].closeMany,
      parameters: [now, now, batch],
    });
    await tx.insertMany(
      'position_events',
      ['user_id', 'position_id', 'kind', 'price', 'realized_pnl', 'created_at'],
      closed.map((r) => [Number(r[1]), Number(r[0]), r[2], canon(r[3]), canon(r[4]), now]),
    );
    return new Set(closed.map((r) => Number(r[0])));
  }

  /** Open copied positions of these followed traders, in one statement. */
  async openCopies(traderIds: readonly number[], ex: SqlExecutor): Promise<Position[]> {
    if (traderIds.length === 0) return [];
    const rows = await ex.tuples({
      sql: FLUSH_SQL[this.dialect].openCopies,
      parameters: [JSON.stringify(traderIds)],
    });
    return rows.map(fromTuple);
  }
}
