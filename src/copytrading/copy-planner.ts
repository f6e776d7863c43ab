/**
 * Planning one copy of one leader trade for one follow, against the page's
 * state: a buy is sized by the pure rules of `domain/copy.ts` and becomes a new
 * copy or an addition to the open one; a sell reduces the open copy by the
 * leader's fraction (closing it when the leader sold everything). Each plan is
 * applied to the page state at once, so later follows see it, and carries the
 * order, fill and decision that the fan-out writes in batches.
 */
import { copyFee, copyLevels, exitSize, type SkipReason, sizeEntry } from '../domain/copy.js';
import { type Decimal, dec, type Exact, exact, formatExact, parseExact, ZERO } from '../domain/decimal.js';
import type { Market } from '../domain/market.js';
import { type OpenCopy, positionPnl, priceDecimal } from '../domain/position.js';
import type { Trader } from '../domain/trader.js';
import type { NewDecision } from '../store/copy-repository.js';
import type { NewPosition } from '../store/position-repository.js';
import type { LeaderTrade } from '../venues/leader-source.js';
import { clientId, costOf, type PageState, pairOf, sizingOf, tradeKey } from './copy-page-state.js';
import { newCopy, type Planned, type Write } from './copy-writes.js';

export class CopyPlanner {
  constructor(
    /** Fee as a share of notional. */
    private readonly feeRate: Exact,
    /** The venue copies trade on. */
    private readonly venueId: string,
    private readonly now: () => number,
  ) {}

  /** A buy: size it, then plan a new copy or an addition to the open one. */
  enter(
    t: LeaderTrade,
    f: Trader,
    market: Market,
    price: Exact,
    leaderEquity: Exact | null,
    base: NewDecision,
    state: PageState,
  ): Planned | { reason: SkipReason } {
    const open = state.copy(f.id, tradeKey(t));
    const sized = sizeEntry(sizingOf(f), {
      leaderSize: parseExact(t.size),
      leaderPrice: parseExact(t.price),
      fillPrice: price,
      leaderEquity,
      exposure: state.exposure(f.id),
      marketCost: open ? costOf(open) : ZERO,
      balance: state.balances.get(f.userId) ?? ZERO,
      feeRate: this.feeRate,
      minUnits:
        market.minSize !== undefined && market.minSize > 0 ? parseExact(priceDecimal(market.minSize)) : null,
    });
    if (!sized.copy) return { reason: sized.reason };
    const fo = f.followOptions;
    const priceText = formatExact(price);
    // The balance pays the fee the order records (copyFee), so they add up exactly.
    const fee = formatExact(sized.fee);
    let write: Write;
    let next: OpenCopy;
    if (open) {
      const size = formatExact(exact.add(parseExact(open.size), sized.size));
      const entry = formatExact(
        exact.round(exact.div(exact.add(costOf(open), sized.notional), parseExact(size)), 12),
      );
      const levels = copyLevels(entry, fo.takeProfitPct, fo.stopLossPct);
      const values = {
        size,
        entryPrice: entry,
        realizedPnl: open.realizedPnl,
        unrealizedPnl: positionPnl(open.side, size, entry, priceText),
        takeProfit: levels.takeProfit,
        stopLoss: levels.stopLoss,
        fees: dec.add(open.fees, fee),
      };
      write = { kind: 'resize', id: open.id, values };
      next = { ...open, ...values };
    } else {
      const levels = copyLevels(priceText, fo.takeProfitPct, fo.stopLossPct);
      const position: NewPosition = {
        venue: this.venueId,
        marketId: t.market,
        symbol: market.symbol,
        side: 'long',
        outcome: market.kind === 'binary' ? (market.outcomes?.[t.outcomeIndex ?? 0]?.name ?? null) : null,
        outcomeIndex: market.kind === 'binary' ? (t.outcomeIndex ?? 0) : null,
        size: formatExact(sized.size),
        entryPrice: priceText,
        takeProfit: levels.takeProfit,
        stopLoss: levels.stopLoss,
        traderId: f.id,
        trailingStopPct: fo.trailingStopPct,
        fees: fee,
      };
      write = { kind: 'open', userId: f.userId, position };
      next = newCopy(f.userId, position);
    }
    return this.plan(
      t,
      f,
      market,
      'buy',
      sized.size,
      price,
      fee,
      exact.add(sized.notional, sized.fee),
      open,
      next,
      write,
      base,
      sized.reducedBy,
      state,
    );
  }

  /** A sell: plan reducing the open copy by the leader's fraction (closing it when the leader sold everything). */
  exit(
    t: LeaderTrade,
    f: Trader,
    market: Market,
    price: Exact,
    fraction: Exact | null,
    base: NewDecision,
    state: PageState,
  ): Planned | { reason: SkipReason } {
    if (fraction === null) return { reason: 'leader_position_unknown' };
    const open = state.copy(f.id, tradeKey(t));
    if (!open) return { reason: 'no_open_copy' };
    const held = parseExact(open.size);
    const units = exitSize(held, fraction);
    if (exact.sign(units) <= 0) return { reason: 'below_min_size' };
    const priceText = formatExact(price);
    const gross = exact.mul(units, price);
    const paidFee = copyFee(gross, this.feeRate);
    const fee = formatExact(paidFee);
    const pnl = exact.mul(exact.sub(price, parseExact(open.entryPrice)), units);
    const realized = formatExact(exact.add(parseExact(open.realizedPnl), pnl));
    const fees = dec.add(open.fees, fee);
    const rest = exact.sub(held, units);
    let write: Write;
    let next: OpenCopy;
    if (exact.sign(rest) <= 0) {
      write = { kind: 'close', id: open.id, price: priceText, pnl: realized, fees };
      next = { ...open, status: 'closed', realizedPnl: realized, fees };
    } else {
      const values = {
        size: formatExact(rest),
        entryPrice: open.entryPrice,
        realizedPnl: realized,
        unrealizedPnl: positionPnl(open.side, formatExact(rest), open.entryPrice, priceText),
        takeProfit: open.takeProfit,
        stopLoss: open.stopLoss,
        fees,
      };
      write = { kind: 'resize', id: open.id, values };
      next = { ...open, ...values };
    }
    return this.plan(
      t,
      f,
      market,
      'sell',
      units,
      price,
      fee,
      exact.sub(paidFee, gross),
      open,
      next,
      write,
      base,
      null,
      state,
    );
  }

  /** Applies a plan to the page state at once (later follows see it) and returns it for the batch. */
  private plan(
    t: LeaderTrade,
    f: Trader,
    market: Market,
    side: 'buy' | 'sell',
    size: Exact,
    price: Exact,
    /** The fill's fee as its order records it (`copyFee`). */
    feeText: Decimal,
    spent: Exact,
    before: OpenCopy | undefined,
    next: OpenCopy,
    write: Write,
    base: NewDecision,
    reducedBy: string | null,
    state: PageState,
  ): Planned {
    state.setCopy(next);
    state.spend(f.userId, spent);
    const sizeText = formatExact(size);
    const priceText = formatExact(price);
    return {
      trader: f,
      write,
      before,
      next,
      spent,
      order: {
        traderId: f.id,
        pair: pairOf(market, t.outcomeIndex),
        clientOrderId: clientId(f.id, t.id),
        side,
        type: 'market',
        price: null,
        quantity: sizeText,
        filledQuantity: sizeText,
        averagePrice: priceText,
        status: 'filled',
        fee: feeText,
        createdAt: null,
      },
      fill: {
        traderId: f.id,
        pairId: 0,
        side,
        quantity: sizeText,
        price: priceText,
        fee: feeText,
        at: this.now(),
      },
      decision: {
        ...base,
        status: 'copied',
        reducedBy,
        size: sizeText,
        price: priceText,
        positionId: write.kind === 'open' ? null : write.id,
        decidedAt: this.now(),
      },
    };
  }
}
