/**
 * The fan-out: a page of a leader's trades becomes, in ONE transaction, the
 * watcher's new cursor (compare-and-set), one decision per trade and per
 * follow that was enabled when the trade happened, and the orders, positions,
 * fills and paper balances of the copies. Market data is read before the
 * transaction (never network I/O inside it); sizing is the pure rules of
 * `domain/copy.ts`. Each trade's writes are batched across its follows (one
 * statement per kind, not one per follow). A page another holder already
 * applied writes nothing.
 */
import {
  copyLevels,
  exitFraction,
  exitSize,
  fillPrice,
  followWasEnabled,
  marketFilter,
  type SkipReason,
  sizeEntry,
} from '../domain/copy.js';
import { DECIMAL_ZERO, type Exact, exact, formatExact, parseExact, ZERO } from '../domain/decimal.js';
import { type Position, positionPnl, priceDecimal } from '../domain/position.js';
import type { Trader } from '../domain/trader.js';
import type { FillLedger } from '../ledger/fill-ledger.js';
import type { CopyRepository, NewDecision, WatcherRow } from '../store/copy-repository.js';
import type { SqlExecutor } from '../store/database.js';
import type { OrderRepository } from '../store/order-repository.js';
import type { PaperAccountRepository } from '../store/paper-account-repository.js';
import type { NewPosition, PositionRepository } from '../store/position-repository.js';
import type { TradingPairRepository } from '../store/trading-pair-repository.js';
import type { LeaderTrade } from '../venues/leader-source.js';
import type { Market } from '../venues/types.js';
import {
  clientId,
  costOf,
  type FanoutResult,
  PageState,
  pairOf,
  sizingOf,
  tradeKey,
} from './copy-page-state.js';
import { newCopy, type Planned, type Write, writeFills, writePositions } from './copy-writes.js';

export type { FanoutResult } from './copy-page-state.js';

/** What the fan-out knows of a market before its transaction. */
export interface MarketQuote {
  market: Market | null;
  /** Current price of the traded outcome (or pair); null when there is none. */
  price: Exact | null;
}

export interface FanoutSettings {
  /** Trades older than this when seen are recorded `too_old`. */
  maxLagMs: number;
  /** Fee as a share of notional, e.g. 0.001. */
  feeRate: Exact;
  /** Slippage as a share of price, e.g. 0.0005. */
  slippage: Exact;
}

export interface FanoutStores {
  copies: CopyRepository;
  positions: PositionRepository;
  accounts: PaperAccountRepository;
  orders: OrderRepository;
  pairs: TradingPairRepository;
  fills: FillLedger;
}

export class CopyFanout {
  constructor(
    private readonly s: FanoutStores,
    private readonly settings: FanoutSettings,
    /** The venue copies trade on (positions and paper accounts are per venue). */
    private readonly venueId: string,
    private readonly now: () => number,
  ) {}

  /**
   * Applies trades (oldest first) that moved `watcher` from `from` to `to`.
   * Returns undefined when another holder moved the cursor first.
   */
  async apply(
    watcher: WatcherRow,
    from: string,
    to: string,
    trades: readonly LeaderTrade[],
    quotes: ReadonlyMap<string, MarketQuote>,
    leaderEquity: Exact | null,
    detectedAt: number,
    tx: SqlExecutor,
  ): Promise<FanoutResult | undefined> {
    const now = this.now();
    const last = trades[trades.length - 1];
    const moved = await this.s.copies.advance(
      watcher.id,
      from,
      to,
      trades.length,
      last?.ts ?? watcher.lastTradeTs,
      now,
      tx,
    );
    if (!moved) return undefined;
    // A trade the source delivers again (same id) was decided already: it is not applied twice.
    const decided = await this.s.copies.decidedTrades(
      watcher.source,
      trades.map((t) => t.id),
      tx,
    );
    const seen = new Set<string>();
    trades = trades.filter((t) => {
      if (decided.has(t.id) || seen.has(t.id)) return false;
      seen.add(t.id);
      return true;
    });
    const follows = await this.s.copies.follows(watcher.source, watcher.address, tx);
    const concerned = follows.filter((f) => trades.some((t) => followWasEnabled(f.enabledWindows, t.ts)));
    const state = new PageState(
      await this.s.accounts.balances([...new Set(concerned.map((f) => f.userId))], this.venueId, now, tx),
      await this.s.positions.openCopies(
        concerned.map((f) => f.id),
        tx,
      ),
    );
    for (const t of trades) {
      const holdingKey = tradeKey(t);
      const before = parseExact(await this.s.copies.leaderHolding(watcher.id, holdingKey, tx));
      const eligible = concerned.filter((f) => followWasEnabled(f.enabledWindows, t.ts));
      if (eligible.length > 0) {
        await this.trade(
          t,
          eligible,
          quotes.get(t.market) ?? { market: null, price: null },
          before,
          leaderEquity,
          detectedAt,
          state,
          tx,
        );
      }
      const after =
        t.side === 'buy' ? exact.add(before, parseExact(t.size)) : exact.sub(before, parseExact(t.size));
      await this.s.copies.saveLeaderHolding(
        watcher.id,
        holdingKey,
        formatExact(exact.sign(after) < 0 ? ZERO : after),
        tx,
      );
    }
    await this.s.accounts.saveBalances(
      [...state.changedBalances].map((u) => ({ userId: u, balance: formatExact(state.balances.get(u)!) })),
      this.venueId,
      now,
      tx,
    );
    return state.result;
  }

  /** One leader trade for its eligible follows: plan every copy, then write them in batches. */
  private async trade(
    t: LeaderTrade,
    follows: readonly Trader[],
    quote: MarketQuote,
    leaderBefore: Exact,
    leaderEquity: Exact | null,
    detectedAt: number,
    state: PageState,
    tx: SqlExecutor,
  ): Promise<void> {
    const now = this.now();
    const planned: Planned[] = [];
    const decisions: NewDecision[] = [];
    const common = this.commonSkip(t, quote, detectedAt);
    const binary = quote.market?.kind === 'binary';
    const fill = quote.price && fillPrice(quote.price, t.side, this.settings.slippage, binary);
    const fraction = t.side === 'sell' ? exitFraction(leaderBefore, parseExact(t.size)) : null;
    for (const f of follows) {
      const base = this.decision(t, f, detectedAt);
      const reason = common ?? marketFilter(sizingOf(f), t.market);
      if (reason !== null || !fill || !quote.market) {
        decisions.push({ ...base, reason: reason ?? 'no_price', decidedAt: this.now() });
        continue;
      }
      const plan =
        t.side === 'buy'
          ? this.enter(t, f, quote.market, fill, leaderEquity, base, state, now)
          : this.exit(t, f, quote.market, fill, fraction, base, state, now);
      if ('reason' in plan) decisions.push({ ...base, reason: plan.reason, decidedAt: this.now() });
      else planned.push(plan);
    }
    const done = await writePositions(this.s.positions, planned, state, now, tx);
    for (const p of planned)
      if (!done.includes(p))
        decisions.push({
          ...p.decision,
          status: 'skipped',
          reason: 'no_open_copy',
          size: null,
          price: null,
          positionId: null,
        });
    if (done.length > 0) await writeFills(this.s, done, now, tx);
    for (const p of done) {
      decisions.push(p.decision);
      state.result.users.add(p.trader.userId);
      state.result.positionIds.add(p.decision.positionId!);
    }
    for (const d of decisions) d.latencyMs = d.decidedAt - d.detectedAt;
    const ids = await this.s.copies.insertDecisions(decisions, tx);
    state.result.decisionIds.push(...ids);
    state.result.decisions.push(...decisions);
  }

  private commonSkip(t: LeaderTrade, q: MarketQuote, detectedAt: number): SkipReason | null {
    if (detectedAt - t.ts > this.settings.maxLagMs) return 'too_old';
    if (!q.market) return 'unknown_market';
    if (!q.market.active) return 'market_closed';
    if (!q.price) return 'no_price';
    return null;
  }

  private decision(t: LeaderTrade, f: Trader, detectedAt: number): NewDecision {
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

  /** A buy: size it, then plan a new copy or an addition to the open one. */
  private enter(
    t: LeaderTrade,
    f: Trader,
    market: Market,
    price: Exact,
    leaderEquity: Exact | null,
    base: NewDecision,
    state: PageState,
    now: number,
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
      feeRate: this.settings.feeRate,
      minUnits:
        market.minSize !== undefined && market.minSize > 0 ? parseExact(priceDecimal(market.minSize)) : null,
    });
    if (!sized.copy) return { reason: sized.reason };
    const fo = f.followOptions;
    const priceText = formatExact(price);
    let write: Write;
    let next: Position;
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
      };
      write = { kind: 'resize', id: open.id, values };
      next = { ...open, ...values, currentPrice: priceText, updatedAt: now };
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
      };
      write = { kind: 'open', userId: f.userId, position };
      next = newCopy(f.userId, position, now);
    }
    return this.plan(
      t,
      f,
      market,
      'buy',
      sized.size,
      price,
      sized.fee,
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
  private exit(
    t: LeaderTrade,
    f: Trader,
    market: Market,
    price: Exact,
    fraction: Exact | null,
    base: NewDecision,
    state: PageState,
    now: number,
  ): Planned | { reason: SkipReason } {
    if (fraction === null) return { reason: 'leader_position_unknown' };
    const open = state.copy(f.id, tradeKey(t));
    if (!open) return { reason: 'no_open_copy' };
    const held = parseExact(open.size);
    const units = exitSize(held, fraction);
    if (exact.sign(units) <= 0) return { reason: 'below_min_size' };
    const priceText = formatExact(price);
    const gross = exact.mul(units, price);
    const fee = exact.mul(gross, this.settings.feeRate);
    const pnl = exact.mul(exact.sub(price, parseExact(open.entryPrice)), units);
    const realized = formatExact(exact.add(parseExact(open.realizedPnl), pnl));
    const rest = exact.sub(held, units);
    let write: Write;
    let next: Position;
    if (exact.sign(rest) <= 0) {
      write = { kind: 'close', id: open.id, price: priceText, pnl: realized };
      next = {
        ...open,
        status: 'closed',
        closeReason: 'leader_exit',
        closePrice: priceText,
        currentPrice: priceText,
        realizedPnl: realized,
        unrealizedPnl: DECIMAL_ZERO,
        closedAt: now,
        updatedAt: now,
      };
    } else {
      const values = {
        size: formatExact(rest),
        entryPrice: open.entryPrice,
        realizedPnl: realized,
        unrealizedPnl: positionPnl(open.side, formatExact(rest), open.entryPrice, priceText),
        takeProfit: open.takeProfit,
        stopLoss: open.stopLoss,
      };
      write = { kind: 'resize', id: open.id, values };
      next = { ...open, ...values, currentPrice: priceText, updatedAt: now };
    }
    return this.plan(
      t,
      f,
      market,
      'sell',
      units,
      price,
      fee,
      exact.sub(fee, gross),
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
    fee: Exact,
    spent: Exact,
    before: Position | undefined,
    next: Position,
    write: Write,
    base: NewDecision,
    reducedBy: string | null,
    state: PageState,
  ): Planned {
    state.setCopy(next);
    state.spend(f.userId, spent);
    const sizeText = formatExact(size);
    const priceText = formatExact(price);
    const feeText = formatExact(exact.round(fee, 12));
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
