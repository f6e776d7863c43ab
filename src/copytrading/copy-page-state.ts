/**
 * The mutable state of one fan-out transaction: each user's paper balance and
 * each follow's open copies as they change trade by trade, and what the page
 * did (for pushes and metrics after the commit). Also the small pure helpers
 * the fan-out shares: market keys, costs, order pairs and client ids.
 */
import { createHash } from 'node:crypto';
import type { CopySizing } from '../domain/copy.js';
import { type Decimal, type Exact, exact, parseExact, ZERO } from '../domain/decimal.js';
import type { Market } from '../domain/market.js';
import type { OpenCopy } from '../domain/position.js';
import type { Trader } from '../domain/trader.js';
import type { NewDecision } from '../store/copy-repository.js';
import type { LeaderTrade } from '../venues/leader-source.js';

/** What one page wrote: for pushes, cache drops and metrics after the commit. */
export interface FanoutResult {
  decisionIds: number[];
  decisions: NewDecision[];
  /** Users whose positions, orders or balances changed. */
  users: Set<number>;
  positionIds: Set<number>;
  /** Whether a copy was closed (its event must be delivered). */
  closed: boolean;
  /** Whether positions opened (the price feed follows their markets). */
  opened: boolean;
}

export const keyOf = (market: string, outcome: number | null): string => `${market}#${outcome ?? ''}`;
export const tradeKey = (t: LeaderTrade): string => keyOf(t.market, t.outcomeIndex);

/** Cost of a position at entry. */
export const costOf = (p: OpenCopy): Exact => exact.mul(parseExact(p.size), parseExact(p.entryPrice));

/** Pair symbol of a copy's order: the spot pair, or `<market>:<outcome>/USDC` for a binary market. */
export function pairOf(m: Market, outcomeIndex: number | null): string {
  if (m.kind !== 'binary') return m.symbol;
  const name = m.outcomes?.[outcomeIndex ?? 0]?.name ?? String(outcomeIndex ?? 0);
  return `${m.symbol}:${name}/USDC`;
}

/**
 * Client order id of a copy: unique per (follow, leader trade), so a replay is
 * refused by the database. It leads with the trade, so the copies of one trade
 * sit together in the orders' (client order id, user) index.
 */
export const clientId = (traderId: number, tradeId: string): string =>
  `${tradeOrderKey(tradeId)}:${traderId}`;

/** The trade part of its copies' client order ids, hashed once per trade, not once per follow. */
function tradeOrderKey(tradeId: string): string {
  if (tradeId !== lastTrade.id)
    lastTrade = {
      id: tradeId,
      key: `copy:${createHash('sha1').update(tradeId).digest('base64url').slice(0, 20)}`,
    };
  return lastTrade.key;
}
let lastTrade = { id: '', key: '' };

/** A follow's decision on a leader trade before it is made: skipped, no reason yet, nothing written. */
export function undecided(t: LeaderTrade, f: Trader, detectedAt: number): NewDecision {
  return {
    userId: f.userId,
    traderId: f.id,
    source: f.source,
    sourceTradeId: t.id,
    sourceTs: t.ts,
    detectedAt,
    decidedAt: detectedAt,
    status: 'skipped',
    reason: null,
    reducedBy: null,
    side: t.side,
    market: t.market,
    outcomeIndex: t.outcomeIndex,
    leaderSize: t.size,
    leaderPrice: t.price,
    size: null,
    price: null,
    orderId: null,
    positionId: null,
    latencyMs: 0,
  };
}

export function sizingOf(t: Trader): CopySizing {
  const fo = t.followOptions;
  return {
    copyMode: fo.copyMode,
    copyRatio: fo.copyRatio,
    fixedAmount: fo.fixedAmount,
    allocation: t.allocation,
    maxPositionSize: fo.maxPositionSize,
    minTradeSize: fo.minTradeSize,
    allowMarkets: fo.allowMarkets,
    denyMarkets: fo.denyMarkets,
  };
}

export class PageState {
  readonly balances: Map<number, Exact>;
  /** traderId -> market key -> open copy. */
  private readonly copies = new Map<number, Map<string, OpenCopy>>();
  /** traderId -> cost of its open copies, kept as copies change. */
  private readonly exposures = new Map<number, Exact>();
  /** What each user's copies of this page spent (negative: were paid back), in page order. */
  readonly spentBy = new Map<number, Exact>();
  readonly result: FanoutResult = {
    decisionIds: [],
    decisions: [],
    users: new Set(),
    positionIds: new Set(),
    closed: false,
    opened: false,
  };

  constructor(balances: Map<number, Decimal>, open: readonly OpenCopy[]) {
    this.balances = new Map([...balances].map(([u, b]) => [u, parseExact(b)]));
    for (const p of open) this.setCopy(p);
  }

  /** Records a copy as it now is (open, resized, or closed and gone). */
  setCopy(p: OpenCopy): void {
    const id = p.traderId!;
    let m = this.copies.get(id);
    if (!m) {
      m = new Map();
      this.copies.set(id, m);
    }
    const key = keyOf(p.marketId, p.outcomeIndex);
    const before = m.get(key);
    let exposure = this.exposures.get(id) ?? ZERO;
    if (before) exposure = exact.sub(exposure, costOf(before));
    if (p.status === 'open') {
      m.set(key, p);
      exposure = exact.add(exposure, costOf(p));
    } else m.delete(key);
    this.exposures.set(id, exposure);
  }

  exposure(traderId: number): Exact {
    return this.exposures.get(traderId) ?? ZERO;
  }

  copy(traderId: number, key: string): OpenCopy | undefined {
    return this.copies.get(traderId)?.get(key);
  }

  spend(userId: number, amount: Exact): void {
    this.balances.set(userId, exact.sub(this.balances.get(userId) ?? ZERO, amount));
    this.spentBy.set(userId, exact.add(this.spentBy.get(userId) ?? ZERO, amount));
  }
}
