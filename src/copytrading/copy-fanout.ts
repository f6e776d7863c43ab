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
import { exitFraction, fillPrice, followWasEnabled, marketFilter, type SkipReason } from '../domain/copy.js';
import { type Exact, exact, formatExact, parseExact, ZERO } from '../domain/decimal.js';
import type { Trader } from '../domain/trader.js';
import type { CopyPositionRepository } from '../store/copy-position-repository.js';
import type { CopyRepository, NewDecision, WatcherRow } from '../store/copy-repository.js';
import type { SqlExecutor } from '../store/database.js';
import type { OrderRepository } from '../store/order-repository.js';
import type { PaperAccountRepository } from '../store/paper-account-repository.js';
import type { TradingPairRepository } from '../store/trading-pair-repository.js';
import type { LeaderTrade } from '../venues/leader-source.js';
import type { Market } from '../venues/types.js';
import { type FanoutResult, PageState, sizingOf, tradeKey } from './copy-page-state.js';
import { CopyPlanner } from './copy-planner.js';
import { type Planned, writeFills, writePositions } from './copy-writes.js';
import type { FillLedger } from './fill-ledger.js';
import type { LiveCandidate, LiveCopyPlanner } from './live-copy-planner.js';

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
  positions: CopyPositionRepository;
  accounts: PaperAccountRepository;
  orders: OrderRepository;
  pairs: TradingPairRepository;
  fills: FillLedger;
}

export class CopyFanout {
  private readonly planner: CopyPlanner;

  constructor(
    private readonly s: FanoutStores,
    private readonly settings: FanoutSettings,
    /** The venue copies trade on (positions and paper accounts are per venue). */
    private readonly venueId: string,
    private readonly now: () => number,
    /** Where follows with `execution: "live"` go (the seam of live copies); without it they are copied on paper. */
    private readonly live?: Pick<LiveCopyPlanner, 'plan'>,
  ) {
    this.planner = new CopyPlanner(settings.feeRate, venueId, now);
  }

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
    const live: LiveCandidate[] = [];
    for (const f of follows) {
      const base = this.decision(t, f, detectedAt);
      const reason = common ?? marketFilter(sizingOf(f), t.market);
      if (reason !== null || !fill || !quote.market) {
        decisions.push({ ...base, reason: reason ?? 'no_price', decidedAt: this.now() });
        continue;
      }
      if (this.live && f.followOptions.execution === 'live') {
        live.push({ follow: f, decision: base });
        continue;
      }
      const plan =
        t.side === 'buy'
          ? this.planner.enter(t, f, quote.market, fill, leaderEquity, base, state, now)
          : this.planner.exit(t, f, quote.market, fill, fraction, base, state, now);
      if ('reason' in plan) decisions.push({ ...base, reason: plan.reason, decidedAt: this.now() });
      else planned.push(plan);
    }
    if (live.length > 0 && quote.market && quote.price)
      decisions.push(
        ...(await this.live!.plan(
          t,
          live,
          { market: quote.market, price: quote.price },
          leaderEquity,
          fraction,
          tx,
        )),
      );
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
}
