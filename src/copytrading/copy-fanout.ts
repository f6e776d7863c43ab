/**
 * The fan-out: a page of a leader's trades becomes, in ONE transaction, the
 * watcher's new cursor (compare-and-set), one decision per trade and per
 * follow that was enabled when the trade happened, and the orders, positions,
 * fills and paper balances of the copies. Market data is read before the
 * transaction (never network I/O inside it); sizing is the pure rules of
 * `domain/copy.ts`. A page another holder already applied writes nothing.
 */
import { createHash } from 'node:crypto';
import {
  type CopySizing,
  copyLevels,
  exitFraction,
  exitSize,
  fillPrice,
  followWasEnabled,
  marketFilter,
  type SkipReason,
  sizeEntry,
} from '../domain/copy.js';
import { type Decimal, type Exact, exact, formatExact, parseExact, ZERO } from '../domain/decimal.js';
import type { NewOrder } from '../domain/order.js';
import { type Position, positionPnl } from '../domain/position.js';
import type { Trader } from '../domain/trader.js';
import type { Fill, FillLedger, UserFill } from '../ledger/fill-ledger.js';
import type { CopyRepository, NewDecision, WatcherRow } from '../store/copy-repository.js';
import type { SqlExecutor } from '../store/database.js';
import { type OrderRepository, orderInsertValues } from '../store/order-repository.js';
import type { PaperAccountRepository } from '../store/paper-account-repository.js';
import type { PositionRepository } from '../store/position-repository.js';
import type { TradingPairRepository } from '../store/trading-pair-repository.js';
import type { LeaderTrade } from '../venues/leader-source.js';
import type { Market } from '../venues/types.js';

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

const keyOf = (market: string, outcome: number | null): string => `${market}#${outcome ?? ''}`;
const tradeKey = (t: LeaderTrade): string => keyOf(t.market, t.outcomeIndex);

/** Pair symbol of a copy's order: the spot pair, or `<market>:<outcome>/USDC` for a binary market. */
function pairOf(m: Market, outcomeIndex: number | null): string {
  if (m.kind !== 'binary') return m.symbol;
  const name = m.outcomes?.[outcomeIndex ?? 0]?.name ?? String(outcomeIndex ?? 0);
  return `${m.symbol}:${name}/USDC`;
}

/** Client order id of a copy: unique per (follow, leader trade), so a replay is refused by the database. */
const clientId = (traderId: number, tradeId: string): string =>
  `copy:${traderId}:${createHash('sha1').update(tradeId).digest('hex').slice(0, 20)}`;

function sizingOf(t: Trader): CopySizing {
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

/** Cost of a position at entry. */
const costOf = (p: Position): Exact => exact.mul(parseExact(p.size), parseExact(p.entryPrice));

/**
 * Mutable state of one fan-out transaction: balances and open copies as they
 * change trade by trade, and what must be written for the trade at hand.
 */
class PageState {
  readonly balances: Map<number, Exact>;
  /** traderId -> market key -> open copy. */
  readonly copies = new Map<number, Map<string, Position>>();
  readonly changedBalances = new Set<number>();
  readonly result: FanoutResult = {
    decisionIds: [],
    decisions: [],
    users: new Set(),
    positionIds: new Set(),
    closed: false,
    opened: false,
  };

  constructor(balances: Map<number, Decimal>, open: Position[]) {
    this.balances = new Map([...balances].map(([u, b]) => [u, parseExact(b)]));
    for (const p of open) this.setCopy(p);
  }

  setCopy(p: Position): void {
    const id = p.traderId!;
    let m = this.copies.get(id);
    if (!m) {
      m = new Map();
      this.copies.set(id, m);
    }
    if (p.status === 'open') m.set(keyOf(p.marketId, p.outcomeIndex), p);
    else m.delete(keyOf(p.marketId, p.outcomeIndex));
  }

  exposure(traderId: number): Exact {
    let sum = ZERO;
    for (const p of this.copies.get(traderId)?.values() ?? []) sum = exact.add(sum, costOf(p));
    return sum;
  }

  copy(traderId: number, key: string): Position | undefined {
    return this.copies.get(traderId)?.get(key);
  }

  spend(userId: number, amount: Exact): void {
    this.balances.set(userId, exact.sub(this.balances.get(userId) ?? ZERO, amount));
    this.changedBalances.add(userId);
  }
}

/** One copy's fill, waiting for its order row and its ledger entry. */
interface PendingFill {
  trader: Trader;
  order: NewOrder;
  fill: Fill;
  decision: NewDecision;
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
    const follows = await this.s.copies.follows(watcher.source, watcher.address, tx);
    const concerned = follows.filter((f) =>
      trades.some((t) => followWasEnabled(f.enabledSince, f.disabledAt, t.ts)),
    );
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
      const eligible = concerned.filter((f) => followWasEnabled(f.enabledSince, f.disabledAt, t.ts));
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

  /** One leader trade for its eligible follows: decisions, and the copies' writes batched. */
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
    const pending: PendingFill[] = [];
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
      const made =
        t.side === 'buy'
          ? await this.enter(t, f, quote.market, fill, leaderEquity, base, state, now, tx)
          : await this.exit(t, f, quote.market, fill, fraction, base, state, now, tx);
      if ('reason' in made) decisions.push({ ...base, reason: made.reason, decidedAt: this.now() });
      else pending.push(made);
    }
    if (pending.length > 0) await this.writeFills(pending, now, tx);
    for (const p of pending) {
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

  /** A buy: size it, then open a copy or add to the open one. */
  private async enter(
    t: LeaderTrade,
    f: Trader,
    market: Market,
    price: Exact,
    leaderEquity: Exact | null,
    base: NewDecision,
    state: PageState,
    now: number,
    tx: SqlExecutor,
  ): Promise<PendingFill | { reason: SkipReason }> {
    const key = tradeKey(t);
    const open = state.copy(f.id, key);
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
        market.minSize !== undefined && market.minSize > 0
          ? parseExact(String(market.minSize) as Decimal)
          : null,
    });
    if (!sized.copy) return { reason: sized.reason };
    const fo = f.followOptions;
    const priceText = formatExact(price);
    let position: Position | undefined;
    if (open) {
      const size = exact.add(parseExact(open.size), sized.size);
      const entry = formatExact(exact.round(exact.div(exact.add(costOf(open), sized.notional), size), 12));
      const levels = copyLevels(entry, fo.takeProfitPct, fo.stopLossPct);
      position = await this.s.positions.resize(
        open.id,
        {
          size: formatExact(size),
          entryPrice: entry,
          realizedPnl: open.realizedPnl,
          unrealizedPnl: positionPnl(open.side, formatExact(size), entry, priceText),
          takeProfit: levels.takeProfit,
          stopLoss: levels.stopLoss,
          highWater: open.highWater === null ? null : open.highWater,
        },
        now,
        tx,
      );
    }
    if (!position) {
      const levels = copyLevels(priceText, fo.takeProfitPct, fo.stopLossPct);
      position = await this.s.positions.insert(
        f.userId,
        {
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
        },
        now,
        tx,
      );
      state.result.opened = true;
    }
    state.setCopy(position);
    state.spend(f.userId, exact.add(sized.notional, sized.fee));
    return this.pendingFill(
      t,
      f,
      market,
      'buy',
      sized.size,
      price,
      sized.fee,
      position,
      base,
      sized.reducedBy,
    );
  }

  /** A sell: reduce the open copy by the leader's fraction (close it when the leader sold everything). */
  private async exit(
    t: LeaderTrade,
    f: Trader,
    market: Market,
    price: Exact,
    fraction: Exact | null,
    base: NewDecision,
    state: PageState,
    now: number,
    tx: SqlExecutor,
  ): Promise<PendingFill | { reason: SkipReason }> {
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
    let position: Position | undefined;
    if (exact.sign(rest) <= 0) {
      position = await this.s.positions.close(open.id, 'leader_exit', priceText, realized, now, tx);
      if (position) state.result.closed = true;
    } else {
      position = await this.s.positions.resize(
        open.id,
        {
          size: formatExact(rest),
          entryPrice: open.entryPrice,
          realizedPnl: realized,
          unrealizedPnl: positionPnl(open.side, formatExact(rest), open.entryPrice, priceText),
          takeProfit: open.takeProfit,
          stopLoss: open.stopLoss,
          highWater: open.highWater,
        },
        now,
        tx,
      );
    }
    if (!position) return { reason: 'no_open_copy' };
    state.setCopy(position);
    state.spend(f.userId, exact.sub(fee, gross));
    return this.pendingFill(t, f, market, 'sell', units, price, fee, position, base, null);
  }

  private pendingFill(
    t: LeaderTrade,
    f: Trader,
    market: Market,
    side: 'buy' | 'sell',
    size: Exact,
    price: Exact,
    fee: Exact,
    position: Position,
    base: NewDecision,
    reducedBy: string | null,
  ): PendingFill {
    const sizeText = formatExact(size);
    const priceText = formatExact(price);
    const feeText = formatExact(exact.round(fee, 12));
    return {
      trader: f,
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
        positionId: position.id,
        decidedAt: this.now(),
      },
    };
  }

  /** Orders of every copy of one trade in one insert, then their fills in the ledger. */
  private async writeFills(pending: PendingFill[], now: number, tx: SqlExecutor): Promise<void> {
    const pairIds = await this.s.pairs.ensure(new Set(pending.map((p) => p.order.pair)), tx, now);
    const rows = pending.map((p) =>
      orderInsertValues(p.trader.userId, pairIds.get(p.order.pair)!, p.order, now),
    );
    const orderIds = await this.s.orders.insertMany(rows, tx);
    const fills: UserFill[] = pending.map((p, i) => {
      p.decision.orderId = orderIds[i]!;
      return { ...p.fill, pairId: pairIds.get(p.order.pair)!, userId: p.trader.userId };
    });
    await this.s.fills.applyAll(fills, tx, now);
  }
}
