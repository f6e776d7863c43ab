/**
 * The one place a live copy order's outcome becomes bookkeeping, in one
 * transaction: the outbox row's status and fill, the follow's live holding
 * at average cost (the PnL a sell realises, net of fees, feeds the daily loss
 * limit), and — once the order is done and something filled — the user's
 * order history and the fill ledger (trader performance), as paper copies do.
 */
import { applyFill, FLAT } from '../domain/average-cost.js';
import { type Decimal, type Exact, exact, formatExact, parseExact, ZERO } from '../domain/decimal.js';
import type { VenueOrder } from '../domain/live-order.js';
import type { NewOrder } from '../domain/order.js';
import type { Database, SqlExecutor } from '../store/database.js';
import type { LiveOrder, LiveOrderRepository, LiveOrderStatus } from '../store/live-order-repository.js';
import { type OrderRepository, orderInsertValues } from '../store/order-repository.js';
import type { TradingPairRepository } from '../store/trading-pair-repository.js';
import type { FillLedger } from './fill-ledger.js';

const STATUS: Record<VenueOrder['status'], LiveOrderStatus> = {
  open: 'open',
  closed: 'filled',
  canceled: 'cancelled',
  rejected: 'rejected',
};

const text = (x: Exact): Decimal => formatExact(exact.round(x, 12));

/** What the order changed the holding by: a buy whose fee the venue took in the base asset adds what arrived. */
const held = (o: LiveOrder, v: VenueOrder): Exact => (o.side === 'buy' && v.received ? v.received : v.filled);

export interface LiveFillDeps {
  db: Database;
  live: LiveOrderRepository;
  orders: OrderRepository;
  pairs: TradingPairRepository;
  fills: FillLedger;
}

export class LiveFillWriter {
  constructor(private readonly d: LiveFillDeps) {}

  /**
   * Records what the venue said of `o` (claimed by `owner`). Returns false
   * when another instance holds the claim now (nothing is written).
   */
  async record(o: LiveOrder, v: VenueOrder, owner: string, now: number): Promise<boolean> {
    const status = STATUS[v.status];
    const done = status !== 'open';
    const filled = exact.sign(v.filled) > 0 && v.average !== null;
    const symbols = new Set([o.symbol]);
    try {
      return await this.d.db.transaction(async (tx) => {
        let realized: Decimal | null = null;
        if (done && filled) {
          const holdings = await this.d.live.holdings([o.traderId], o.venue, tx);
          const before = holdings.get(`${o.traderId}:${o.symbol}`);
          const h = before
            ? { quantity: parseExact(before.quantity), averagePrice: parseExact(before.averagePrice) }
            : FLAT;
          const r = applyFill(h, o.side, held(o, v), v.average!);
          await this.d.live.saveHolding(
            o.traderId,
            o.venue,
            o.symbol,
            { quantity: text(r.holding.quantity), averagePrice: text(r.holding.averagePrice) },
            tx,
          );
          realized = text(exact.sub(r.realized, v.fee));
        }
        const ok = await this.d.live.record(
          o.id,
          owner,
          {
            status,
            venueOrderId: v.id,
            filled: text(v.filled),
            averagePrice: v.average === null ? null : text(v.average),
            fee: text(v.fee),
            realizedPnl: realized,
            ...(done && filled ? { filledAt: now } : {}),
          },
          now,
          tx,
        );
        if (!ok) throw new ClaimLost();
        if (done && filled) await this.history(o, v, now, tx);
        return true;
      });
    } catch (err) {
      this.d.pairs.forget(symbols);
      if (err instanceof ClaimLost) return false;
      throw err;
    }
  }

  /** The order in the user's history and its fill in the ledger. */
  private async history(o: LiveOrder, v: VenueOrder, now: number, tx: SqlExecutor): Promise<void> {
    const pairIds = await this.d.pairs.ensure([o.symbol], tx, now);
    const pairId = pairIds.get(o.symbol)!;
    const order: NewOrder = {
      traderId: o.traderId,
      pair: o.symbol,
      clientOrderId: o.clientOrderId,
      side: o.side,
      type: 'market',
      price: null,
      quantity: o.amount,
      filledQuantity: text(v.filled),
      averagePrice: text(v.average ?? ZERO),
      status: exact.cmp(v.filled, parseExact(o.amount)) >= 0 ? 'filled' : 'cancelled',
      fee: text(v.fee),
      createdAt: o.createdAt,
    };
    await this.d.orders.insertMany([orderInsertValues(o.userId, pairId, order, now)], tx);
    await this.d.fills.apply(
      o.userId,
      [
        {
          traderId: o.traderId,
          pairId,
          side: o.side,
          quantity: text(held(o, v)),
          price: order.averagePrice!,
          fee: order.fee,
          at: now,
        },
      ],
      tx,
      now,
    );
  }
}

class ClaimLost extends Error {}
