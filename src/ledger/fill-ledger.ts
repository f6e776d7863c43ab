/**
 * Applies order fills to the running summaries, inside the caller's
 * transaction: per-trader stats and average-cost holdings, per-user daily
 * volume. Fills are applied in the order given. Realised PnL is net of fees:
 * every fill's fee is subtracted; a closed trade is a win when the PnL it
 * realised exceeds its own fee.
 */
import { applyFill, FLAT, type Holding } from '../domain/average-cost.js';
import { type Decimal, dec } from '../domain/decimal.js';
import type { OrderSide } from '../domain/order.js';
import type { SqlExecutor } from '../store/database.js';
import type { LedgerRepository } from '../store/ledger-repository.js';

export interface Fill {
  traderId: number | null;
  pairId: number;
  side: OrderSide;
  quantity: Decimal;
  price: Decimal;
  fee: Decimal;
  at: number;
}

export const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

export class FillLedger {
  constructor(private readonly ledger: LedgerRepository) {}

  async apply(userId: number, fills: readonly Fill[], ex: SqlExecutor, now: number): Promise<void> {
    if (fills.length === 0) return;
    const days = new Map<string, { volume: Decimal[]; fills: number }>();
    const traderIds = [...new Set(fills.flatMap((f) => (f.traderId === null ? [] : [f.traderId])))];
    const stats = traderIds.length > 0 ? await this.ledger.lockStats(traderIds, ex) : new Map();
    const holdings = traderIds.length > 0 ? await this.ledger.holdings(traderIds, ex) : new Map<string, Holding>();
    const touched = new Set<string>();
    const perTrader = new Map<number, { volume: Decimal[]; fees: Decimal[]; pnl: Decimal[] }>();

    for (const f of fills) {
      const notional = dec.mul(f.quantity, f.price);
      const day = utcDay(f.at);
      const d = days.get(day) ?? { volume: [], fills: 0 };
      d.volume.push(notional);
      d.fills++;
      days.set(day, d);
      if (f.traderId === null) continue;
      const s = stats.get(f.traderId);
      if (!s) continue;
      const key = `${f.traderId}:${f.pairId}`;
      const r = applyFill(holdings.get(key) ?? FLAT, f.side, f.quantity, f.price);
      holdings.set(key, r.holding);
      touched.add(key);
      const acc = perTrader.get(f.traderId) ?? { volume: [], fees: [], pnl: [] };
      acc.volume.push(notional);
      acc.fees.push(f.fee);
      const net = dec.sub(r.realized, f.fee);
      acc.pnl.push(net);
      perTrader.set(f.traderId, acc);
      s.fills++;
      if (r.closed) {
        s.closedTrades++;
        if (dec.sign(net) > 0) s.wins++;
      }
    }

    for (const [traderId, acc] of perTrader) {
      const s = stats.get(traderId)!;
      s.volume = dec.add(s.volume, dec.sum(acc.volume));
      s.fees = dec.add(s.fees, dec.sum(acc.fees));
      s.realizedPnl = dec.add(s.realizedPnl, dec.sum(acc.pnl));
    }
    await this.ledger.saveStats(
      [...perTrader.keys()].map((id) => stats.get(id)!),
      now,
      ex,
    );
    for (const key of touched) {
      const [traderId, pairId] = key.split(':').map(Number) as [number, number];
      await this.ledger.saveHolding(traderId, pairId, holdings.get(key)!, ex);
    }
    for (const [day, d] of days) await this.ledger.addDailyVolume(userId, day, dec.sum(d.volume), d.fills, ex);
  }
}
