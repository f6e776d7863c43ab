/**
 * Applies order fills to the running summaries, inside the caller's
 * transaction: per-trader stats and average-cost holdings, per-user daily
 * volume. Fills are applied in the order given. Realised PnL is net of fees:
 * every fill's fee is subtracted; a closed trade is a win when the PnL it
 * realised exceeds its own fee. All sums are exact; values are parsed once
 * and formatted once per batch.
 */
import { applyFill, FLAT, type Holding } from '../domain/average-cost.js';
import { type Decimal, type Exact, exact, formatExact, parseExact, ZERO } from '../domain/decimal.js';
import type { OrderSide } from '../domain/order.js';
import type { SqlExecutor } from '../store/database.js';
import type { LedgerRepository, TraderStats } from '../store/ledger-repository.js';

export interface Fill {
  traderId: number | null;
  pairId: number;
  side: OrderSide;
  quantity: Decimal;
  price: Decimal;
  fee: Decimal;
  at: number;
}

const DAY_MS = 86_400_000;
export const utcDay = (ms: number): string => new Date(ms - (ms % DAY_MS)).toISOString().slice(0, 10);

interface TraderAcc {
  stats: TraderStats;
  volume: Exact;
  fees: Exact;
  pnl: Exact;
}

/** A fill of any user (the copy engine applies many users' fills in one transaction). */
export interface UserFill extends Fill {
  userId: number;
}

export class FillLedger {
  constructor(private readonly ledger: LedgerRepository) {}

  /** Applies one user's fills. */
  apply(userId: number, fills: readonly Fill[], ex: SqlExecutor, now: number): Promise<void> {
    return this.applyAll(
      fills.map((f) => ({ ...f, userId })),
      ex,
      now,
    );
  }

  /** Applies fills of many users: stats and holdings are read once for all their traders. */
  async applyAll(fills: readonly UserFill[], ex: SqlExecutor, now: number): Promise<void> {
    if (fills.length === 0) return;
    const traderIds = [...new Set(fills.flatMap((f) => (f.traderId === null ? [] : [f.traderId])))];
    const stats =
      traderIds.length > 0 ? await this.ledger.lockStats(traderIds, ex) : new Map<number, TraderStats>();
    const holdings =
      traderIds.length > 0 ? await this.ledger.holdings(traderIds, ex) : new Map<string, Holding>();
    const touched = new Set<string>();
    const accs = new Map<number, TraderAcc>();
    const days = new Map<string, { userId: number; day: number; volume: Exact; fills: number }>();

    for (const f of fills) {
      const quantity = parseExact(f.quantity);
      const price = parseExact(f.price);
      const notional = exact.mul(quantity, price);
      const dayStart = f.at - (f.at % DAY_MS);
      const dayKey = `${f.userId}:${dayStart}`;
      const d = days.get(dayKey);
      if (d) {
        d.volume = exact.add(d.volume, notional);
        d.fills++;
      } else days.set(dayKey, { userId: f.userId, day: dayStart, volume: notional, fills: 1 });
      if (f.traderId === null) continue;
      const s = stats.get(f.traderId);
      if (!s) continue;
      const key = `${f.traderId}:${f.pairId}`;
      const r = applyFill(holdings.get(key) ?? FLAT, f.side, quantity, price);
      holdings.set(key, r.holding);
      touched.add(key);
      let acc = accs.get(f.traderId);
      if (!acc) {
        acc = { stats: s, volume: ZERO, fees: ZERO, pnl: ZERO };
        accs.set(f.traderId, acc);
      }
      const fee = parseExact(f.fee);
      const net = exact.sub(r.realized, fee);
      acc.volume = exact.add(acc.volume, notional);
      acc.fees = exact.add(acc.fees, fee);
      acc.pnl = exact.add(acc.pnl, net);
      s.fills++;
      if (r.closed) {
        s.closedTrades++;
        if (exact.sign(net) > 0) s.wins++;
      }
    }

    for (const acc of accs.values()) {
      const s = acc.stats;
      s.volume = formatExact(exact.add(parseExact(s.volume), acc.volume));
      s.fees = formatExact(exact.add(parseExact(s.fees), acc.fees));
      s.realizedPnl = formatExact(exact.add(parseExact(s.realizedPnl), acc.pnl));
    }
    await this.ledger.saveStats(
      [...accs.values()].map((a) => a.stats),
      now,
      ex,
    );
    if (touched.size === 1 && days.size === 1) {
      // One fill's worth (an order placed through the API): the cached single-row statements.
      const [key] = touched;
      const [traderId, pairId] = key!.split(':').map(Number) as [number, number];
      await this.ledger.saveHolding(traderId, pairId, holdings.get(key!)!, ex);
    } else {
      await this.ledger.saveHoldings(
        [...touched].map((key) => {
          const [traderId, pairId] = key.split(':').map(Number) as [number, number];
          return { traderId, pairId, holding: holdings.get(key)! };
        }),
        ex,
      );
    }
    const [onlyDay] = days.values();
    if (days.size === 1 && onlyDay) {
      await this.ledger.addDailyVolume(
        onlyDay.userId,
        utcDay(onlyDay.day),
        formatExact(onlyDay.volume),
        onlyDay.fills,
        ex,
      );
      return;
    }
    await this.ledger.addDailyVolumes(
      [...days.values()].map((d) => ({
        userId: d.userId,
        day: utcDay(d.day),
        volume: formatExact(d.volume),
        fills: d.fills,
      })),
      ex,
    );
  }
}
