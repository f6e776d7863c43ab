/**
 * The writes of one leader trade's copies, planned by the fan-out and then
 * made in batches: one statement per kind of position change, one insert of
 * every order, one ledger pass for every fill.
 */
import { DECIMAL_ZERO, type Decimal, type Exact, exact } from '../domain/decimal.js';
import type { NewOrder } from '../domain/order.js';
import type { OpenCopy } from '../domain/position.js';
import type { Trader } from '../domain/trader.js';
import type { CopyPositionRepository } from '../store/copy-position-repository.js';
import type { NewDecision } from '../store/copy-repository.js';
import type { SqlExecutor } from '../store/database.js';
import { type OrderRepository, orderInsertValues } from '../store/order-repository.js';
import type { NewPosition } from '../store/position-repository.js';
import type { TradingPairRepository } from '../store/trading-pair-repository.js';
import type { PageState } from './copy-page-state.js';
import type { Fill, FillLedger, UserFill } from './fill-ledger.js';

/** A copy's position change, written in a batch with the others of its trade. */
export type Write =
  | { kind: 'open'; userId: number; position: NewPosition }
  | {
      kind: 'resize';
      id: number;
      values: {
        size: Decimal;
        entryPrice: Decimal;
        realizedPnl: Decimal;
        unrealizedPnl: Decimal;
        takeProfit: Decimal | null;
        stopLoss: Decimal | null;
        /** Every fee the position paid, this fill's included. */
        fees: Decimal;
      };
    }
  | {
      kind: 'close';
      id: number;
      price: Decimal;
      /** Realised PnL before fees (the price move of everything closed). */
      pnl: Decimal;
      /** Every fee the position paid, this exit's included. */
      fees: Decimal;
    };

/** One copy planned for a trade: its position change, order, fill and decision. */
export interface Planned {
  trader: Trader;
  write: Write;
  /** The open copy before (undone to it if the write finds it closed). */
  before: OpenCopy | undefined;
  next: OpenCopy;
  /** Balance taken (negative: paid back). */
  spent: Exact;
  order: NewOrder;
  fill: Fill;
  decision: NewDecision;
}

/**
 * Writes the planned position changes, one statement per kind. A copy that
 * was closed meanwhile (a TP/SL flush racing on PostgreSQL) is not written:
 * its plan is undone in the page state and it is not returned.
 */
export async function writePositions(
  positions: CopyPositionRepository,
  planned: Planned[],
  state: PageState,
  now: number,
  tx: SqlExecutor,
): Promise<Planned[]> {
  const opens = planned.filter((p) => p.write.kind === 'open');
  const ids = await positions.insertMany(
    opens.map((p) => p.write as Extract<Write, { kind: 'open' }>),
    now,
    tx,
  );
  opens.forEach((p, i) => {
    p.next = { ...p.next, id: ids[i]! };
    p.decision.positionId = ids[i]!;
    state.setCopy(p.next);
  });
  if (opens.length > 0) state.result.opened = true;
  const resizes = planned.filter((p) => p.write.kind === 'resize');
  const resized = await positions.resizeMany(
    resizes.map((p) => {
      const w = p.write as Extract<Write, { kind: 'resize' }>;
      return { id: w.id, ...w.values };
    }),
    now,
    tx,
  );
  const closes = planned.filter((p) => p.write.kind === 'close');
  const closed = await positions.closeMany(
    closes.map((p) => {
      const w = p.write as Extract<Write, { kind: 'close' }>;
      return {
        id: w.id,
        userId: p.trader.userId,
        reason: 'leader_exit' as const,
        price: w.price,
        pnl: w.pnl,
        fees: w.fees,
      };
    }),
    now,
    tx,
  );
  if (closed.size > 0) state.result.closed = true;
  return planned.filter((p) => {
    const w = p.write;
    const ok = w.kind === 'open' || (w.kind === 'resize' ? resized.has(w.id) : closed.has(w.id));
    if (!ok) {
      if (p.before) state.setCopy({ ...p.before, status: 'closed' });
      state.spend(p.trader.userId, exact.neg(p.spent));
    }
    return ok;
  });
}

/** Orders of every copy of one trade in one insert, then their fills in the ledger. */
export async function writeFills(
  s: { pairs: TradingPairRepository; orders: OrderRepository; fills: FillLedger },
  done: Planned[],
  now: number,
  tx: SqlExecutor,
): Promise<void> {
  const pairIds = await s.pairs.ensure(new Set(done.map((p) => p.order.pair)), tx, now);
  const rows = done.map((p) => orderInsertValues(p.trader.userId, pairIds.get(p.order.pair)!, p.order, now));
  const orderIds = await s.orders.insertMany(rows, tx);
  const fills: UserFill[] = done.map((p, i) => {
    p.decision.orderId = orderIds[i]!;
    return { ...p.fill, pairId: pairIds.get(p.order.pair)!, userId: p.trader.userId };
  });
  await s.fills.applyAll(fills, tx, now);
}

/** A new copy as the page state holds it until its insert gives it an id. */
export function newCopy(userId: number, n: NewPosition): OpenCopy {
  return {
    id: 0,
    userId,
    traderId: n.traderId ?? null,
    marketId: n.marketId,
    outcomeIndex: n.outcomeIndex,
    side: n.side,
    size: n.size,
    entryPrice: n.entryPrice,
    realizedPnl: DECIMAL_ZERO,
    takeProfit: n.takeProfit,
    stopLoss: n.stopLoss,
    trailingStopPct: n.trailingStopPct ?? null,
    highWater: n.trailingStopPct ? n.entryPrice : null,
    status: 'open',
    fees: n.fees ?? DECIMAL_ZERO,
  };
}
