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
  /** Gross PnL realised by this batch's closing fills (fees are subtracted once, at the end). */
  realized: Exact;
  /** Holdings this batch moved, by pair id, in first-touch order. */
  moved: Map<number, Holding>;
}

interface DayAcc {
  userId: number;
  day: number;
  volume: Exact;
  fills: number;
}

/** A fill of any user (the copy engine applies many users' fills in one transaction). */
export interface UserFill extends Fill {
  userId: number;
}

export class FillLedger {
  constructor(private readonly ledger: LedgerRepository) {}

  /** Applies one user's fills. */
  apply(userId: number, fills: readonly Fill[], ex: SqlExecutor, now: number): Promise<void> {
    return this.applyFills(fills, userId, ex, now);
  }

  /** Applies fills of many users: stats and holdings are read once for all their traders. */
  applyAll(fills: readonly UserFill[], ex: SqlExecutor, now: number): Promise<void> {
    return this.applyFills(fills, undefined, ex, now);
  }

  /**
   * One pass over the fills, without a copy of each: the summaries are
   * accumulated in memory per trader, per (trader, pair) and per (user, day),
   * then written with one statement per table.
   */
  private async applyFills(
    fills: readonly Fill[],
    /** The one user of every fill, or undefined when each is a UserFill naming its own. */
    userId: number | undefined,
    ex: SqlExecutor,
    now: number,
  ): Promise<void> {
    if (fills.length === 0) return;
    const wanted = new Set<number>();
    const pairs = new Set<number>();
    for (const f of fills)
      if (f.traderId !== null) {
        wanted.add(f.traderId);
        pairs.add(f.pairId);
      }
    const traderIds = [...wanted];
    const stats =
      traderIds.length > 0 ? await this.ledger.lockStats(traderIds, ex) : new Map<number, TraderStats>();
    const holdings =
      traderIds.length > 0
        ? await this.ledger.holdings(traderIds, [...pairs], ex)
        : new Map<string, Holding>();
    const { accs, days } = accumulate(fills, userId, stats, holdings);

    for (const acc of accs.values()) {
      const s = acc.stats;
      s.volume = formatExact(exact.add(parseExact(s.volume), acc.volume));
      s.fees = formatExact(exact.add(parseExact(s.fees), acc.fees));
      s.realizedPnl = formatExact(exact.add(parseExact(s.realizedPnl), exact.sub(acc.realized, acc.fees)));
    }
    await this.ledger.saveStats(
      [...accs.values()].map((a) => a.stats),
      now,
      ex,
    );
    const movedRows: { traderId: number; pairId: number; holding: Holding }[] = [];
    for (const [traderId, acc] of accs)
      for (const [pairId, holding] of acc.moved) movedRows.push({ traderId, pairId, holding });
    const [onlyMove] = movedRows;
    if (movedRows.length === 1 && days.size === 1 && onlyMove) {
      // One fill's worth (an order placed through the API): the cached single-row statements.
      await this.ledger.saveHolding(onlyMove.traderId, onlyMove.pairId, onlyMove.holding, ex);
    } else {
      await this.ledger.saveHoldings(movedRows, ex);
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

/**
 * The in-memory pass: per trader its stats, sums and moved holdings, per
 * (user, day) its volume. A plain function, not part of the async caller:
 * the loop stays optimised from one batch to the next.
 */
function accumulate(
  fills: readonly Fill[],
  oneUser: number | undefined,
  stats: ReadonlyMap<number, TraderStats>,
  holdings: ReadonlyMap<string, Holding>,
): { accs: Map<number, TraderAcc>; days: Map<string, DayAcc> } {
  const accs = new Map<number, TraderAcc>();
  const days = new Map<string, DayAcc>();
  let lastDay: DayAcc | undefined;

  for (const f of fills) {
    const quantity = parseExact(f.quantity);
    const price = parseExact(f.price);
    const notional = exact.mul(quantity, price);
    const userId = oneUser ?? (f as UserFill).userId;
    const dayStart = f.at - (f.at % DAY_MS);
    // Fills come in time order, so most share the previous fill's day.
    let d =
      lastDay !== undefined && lastDay.day === dayStart && lastDay.userId === userId ? lastDay : undefined;
    if (d === undefined) {
      const dayKey = `${userId}:${dayStart}`;
      d = days.get(dayKey);
      if (d === undefined) {
        d = { userId, day: dayStart, volume: ZERO, fills: 0 };
        days.set(dayKey, d);
      }
      lastDay = d;
    }
    d.volume = d.fills === 0 ? notional : exact.add(d.volume, notional);
    d.fills++;
    if (f.traderId === null) continue;
    let acc = accs.get(f.traderId);
    if (acc === undefined) {
      const s = stats.get(f.traderId);
      if (!s) continue;
      acc = { stats: s, volume: ZERO, fees: ZERO, realized: ZERO, moved: new Map() };
      accs.set(f.traderId, acc);
    }
    const r = applyFill(
      acc.moved.get(f.pairId) ?? holdings.get(`${f.traderId}:${f.pairId}`) ?? FLAT,
      f.side,
      quantity,
      price,
    );
    acc.moved.set(f.pairId, r.holding);
    const s = acc.stats;
    const fee = parseExact(f.fee);
    acc.volume = exact.add(acc.volume, notional);
    acc.fees = exact.add(acc.fees, fee);
    s.fills++;
    // Only a fill that reduces a position realises anything; net PnL is summed as gross minus fees.
    if (r.closed) {
      acc.realized = exact.add(acc.realized, r.realized);
      s.closedTrades++;
      if (exact.sign(exact.sub(r.realized, fee)) > 0) s.wins++;
    }
  }
  return { accs, days };
}
