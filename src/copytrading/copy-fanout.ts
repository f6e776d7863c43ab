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
import type { Market } from '../domain/market.js';
import type { Trader } from '../domain/trader.js';
import type { CopyPositionRepository } from '../store/copy-position-repository.js';
import type { CopyRepository, NewDecision, WatcherRow } from '../store/copy-repository.js';
import type { SqlExecutor } from '../store/database.js';
import type { OrderRepository } from '../store/order-repository.js';
import type { PaperAccountRepository } from '../store/paper-account-repository.js';
import type { TradingPairRepository } from '../store/trading-pair-repository.js';
import type { LeaderTrade } from '../venues/leader-source.js';
import { type FanoutResult, PageState, sizingOf, tradeKey, undecided } from './copy-page-state.js';
import { CopyPlanner } from './copy-planner.js';
import { type Planned, writeFills, writePositions } from './copy-writes.js';
import type { FillLedger } from './fill-ledger.js';
import type { LiveCandidate, LiveCopyPlanner } from './live-copy-planner.js';

export type { FanoutResult } from './copy-page-state.js';

/** A follow sizes proportionally but the leader's equity was not read for this page: read it and apply again. */
export class LeaderEquityNeeded extends Error {
  constructor() {
    super('a follow sizes by the leader equity, which was not read for this page');
  }
}

const proportional = (f: Trader): boolean => f.followOptions.copyMode === 'proportional';

/** The key of a trade's quote: its market and outcome (a page may trade both outcomes of a market). */
export const quoteKey = (t: Pick<LeaderTrade, 'market' | 'outcomeIndex'>): string =>
  t.outcomeIndex === null ? t.market : `${t.market}|${t.outcomeIndex}`;

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
  /** Each watched leader's follows as of a generation (one entry per watcher). */
  private readonly follows = new Map<number, { generation: number; follows: readonly Trader[] }>();

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
   * Returns undefined when another holder moved the cursor first. The leader's
   * equity may be left unread (undefined) when `needsLeaderEquity` said no;
   * if a follow needs it after all (it changed meanwhile), LeaderEquityNeeded
   * is thrown and nothing is written.
   */
  async apply(
    watcher: WatcherRow,
    from: string,
    to: string,
    trades: readonly LeaderTrade[],
    quotes: ReadonlyMap<string, MarketQuote>,
    leaderEquity: Exact | null | undefined,
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
    const follows = await this.followsOf(watcher, moved.followsGeneration, tx);
    const concerned = follows.filter((f) => trades.some((t) => followWasEnabled(f.enabledWindows, t.ts)));
    if (leaderEquity === undefined && concerned.some(proportional)) throw new LeaderEquityNeeded();
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
          quotes.get(quoteKey(t)) ?? { market: null, price: null },
          before,
          leaderEquity ?? null,
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
    // With what changed, not only what the page ended with: on PostgreSQL a TP/SL exit or a close
    // by hand may have paid into the same account since the page read it.
    await this.s.accounts.saveBalances(
      [...state.spentBy].map(([userId, spent]) => ({
        userId,
        balance: formatExact(state.balances.get(userId)!),
        change: formatExact(exact.neg(spent)),
      })),
      this.venueId,
      now,
      tx,
    );
    return state.result;
  }

  /** Whether a page of this watcher needs the leader's equity (a follow sizes proportionally, or its follows are not known yet). */
  needsLeaderEquity(watcherId: number): boolean {
    const known = this.follows.get(watcherId);
    return !known || known.follows.some(proportional);
  }

  /**
   * The leader's follows, re-read only when their generation moved (a follow
   * created, toggled, edited or deleted anywhere bumps it, migration 017).
   */
  private async followsOf(
    watcher: WatcherRow,
    generation: number,
    tx: SqlExecutor,
  ): Promise<readonly Trader[]> {
    const known = this.follows.get(watcher.id);
    if (known?.generation === generation) return known.follows;
    const follows = await this.s.copies.follows(watcher.source, watcher.address, tx);
    this.follows.set(watcher.id, { generation, follows });
    return follows;
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
      const base = undecided(t, f, detectedAt);
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
          ? this.planner.enter(t, f, quote.market, fill, leaderEquity, base, state)
          : this.planner.exit(t, f, quote.market, fill, fraction, base, state);
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
    // The listing may be minutes old: a market past its end is closed whatever it said then.
    if (!q.market.active || (q.market.endsAt !== undefined && q.market.endsAt <= t.ts))
      return 'market_closed';
    if (!q.price) return 'no_price';
    return null;
  }
}
