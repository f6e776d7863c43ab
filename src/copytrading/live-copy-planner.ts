/**
 * Planning the live copies of one leader trade, inside the fan-out's
 * transaction (no network I/O: the venue's rules and the users' balances are
 * what was loaded before). Each live follow gets a decision: skipped with a
 * reason (the kill switch, the daily loss limit, the venue's lot, minimum
 * amount and minimum notional rules, a market the venue does not list), or
 * copied — and then an outbox row with a client order id derived from
 * (follow, leader trade), which the executor sends after the commit.
 */
import { exitSize, type SkipReason, sizeEntry } from '../domain/copy.js';
import { type Exact, exact, formatExact, parseExact, ZERO } from '../domain/decimal.js';
import { fitToLot } from '../domain/lot-rules.js';
import type { Market } from '../domain/market.js';
import type { Trader } from '../domain/trader.js';
import type { NewDecision } from '../store/copy-repository.js';
import type { SqlExecutor } from '../store/database.js';
import type { LiveHolding, LiveOrderRepository, NewLiveOrder } from '../store/live-order-repository.js';
import type { LeaderTrade } from '../venues/leader-source.js';
import { pairOf, sizingOf } from './copy-page-state.js';
import type { LiveVenues } from './live-venue-port.js';

/** A live follow the fan-out hands over, with the decision it would record. */
export interface LiveCandidate {
  follow: Trader;
  decision: NewDecision;
}

/** What the fan-out knows of the trade's market before its transaction. */
export interface LiveQuote {
  market: Market;
  /** Current price of the pair. */
  price: Exact;
}

export interface LiveCopyPlannerOptions {
  live: LiveOrderRepository;
  venues: LiveVenues;
  /** Free balance of `asset` in the user's account on `venue`, as last read; undefined when unknown. */
  balance(userId: number, venue: string, asset: string): Exact | undefined;
  /** Realised loss a user's live copies may take in a UTC day before entries stop; zero = no limit. */
  dailyLossLimit: Exact;
  now(): number;
}

const DAY_MS = 86_400_000;
/** Sizing's balance cap when the account's balance is not known yet: the venue refuses what it cannot fund. */
const UNKNOWN_BALANCE: Exact = { m: 10n ** 30n, s: 0 };

const cost = (h: LiveHolding): Exact => exact.mul(parseExact(h.quantity), parseExact(h.averagePrice));

export class LiveCopyPlanner {
  constructor(private readonly o: LiveCopyPlannerOptions) {}

  async plan(
    t: LeaderTrade,
    candidates: readonly LiveCandidate[],
    q: LiveQuote,
    leaderEquity: Exact | null,
    fraction: Exact | null,
    tx: SqlExecutor,
  ): Promise<NewDecision[]> {
    const now = this.o.now();
    // A binary market's copies trade the leader's outcome: `<market>:<outcome>/USDC`, as paper copies.
    const symbol = pairOf(q.market, t.outcomeIndex);
    const users = [...new Set(candidates.map((c) => c.follow.userId))];
    const paused = await this.o.live.paused(users, tx);
    const limit = this.o.dailyLossLimit;
    const realized =
      t.side === 'buy' && exact.sign(limit) > 0
        ? await this.o.live.realizedSince(users, now - (now % DAY_MS), tx)
        : new Map();
    const holdings = new Map<string, LiveHolding>();
    for (const venue of new Set(candidates.map((c) => c.follow.followOptions.liveVenue!))) {
      const ids = candidates
        .filter((c) => c.follow.followOptions.liveVenue === venue)
        .map((c) => c.follow.id);
      for (const [k, h] of await this.o.live.holdings(ids, venue, tx)) holdings.set(`${venue}:${k}`, h);
    }
    const spent = new Map<number, Exact>();
    const orders: NewLiveOrder[] = [];
    const decisions: NewDecision[] = [];
    for (const c of candidates) {
      const f = c.follow;
      const venue = f.followOptions.liveVenue!;
      const skip = (reason: SkipReason) => decisions.push({ ...c.decision, reason, decidedAt: this.o.now() });
      if (paused.all || paused.users.has(f.userId)) {
        skip('copies_paused');
        continue;
      }
      const rules = this.o.venues.rules(venue, symbol);
      if (rules === undefined) {
        this.o.venues.load(venue).catch(() => undefined); // ready for the next trade
        skip('venue_unavailable');
        continue;
      }
      if (rules === null) {
        skip('not_on_venue');
        continue;
      }
      const mine = [...holdings].filter(([k]) => k.startsWith(`${venue}:${f.id}:`));
      const held = holdings.get(`${venue}:${f.id}:${symbol}`);
      let amount: Exact;
      if (t.side === 'buy') {
        const loss = realized.get(f.userId);
        if (loss !== undefined && exact.cmp(exact.neg(parseExact(loss)), limit) >= 0) {
          skip('daily_loss_limit');
          continue;
        }
        const known = this.o.balance(f.userId, venue, rules.quote);
        const balance = known === undefined ? UNKNOWN_BALANCE : exact.sub(known, spent.get(f.userId) ?? ZERO);
        const sized = sizeEntry(sizingOf(f), {
          leaderSize: parseExact(t.size),
          leaderPrice: parseExact(t.price),
          fillPrice: q.price,
          leaderEquity,
          exposure: mine.reduce((a, [, h]) => exact.add(a, cost(h)), ZERO),
          marketCost: held ? cost(held) : ZERO,
          balance,
          feeRate: rules.feeRate,
          minUnits: null,
        });
        if (!sized.copy) {
          skip(sized.reason);
          continue;
        }
        amount = sized.size;
      } else {
        if (fraction === null) {
          skip('leader_position_unknown');
          continue;
        }
        if (!held || exact.sign(parseExact(held.quantity)) <= 0) {
          skip('no_open_copy');
          continue;
        }
        amount = exitSize(parseExact(held.quantity), fraction);
      }
      const fit = fitToLot(amount, q.price, rules);
      if (!fit.ok) {
        skip(fit.rule);
        continue;
      }
      if (t.side === 'buy')
        spent.set(f.userId, exact.add(spent.get(f.userId) ?? ZERO, exact.mul(fit.amount, q.price)));
      const size = formatExact(fit.amount);
      const price = formatExact(q.price);
      orders.push({
        userId: f.userId,
        traderId: f.id,
        venue,
        symbol: symbol,
        side: t.side,
        amount: size,
        priceHint: price,
        clientOrderId: this.o.venues.clientOrderId(venue, f.id, t.id),
        source: f.source,
        sourceTradeId: t.id,
      });
      decisions.push({ ...c.decision, status: 'copied', size, price, decidedAt: this.o.now() });
    }
    await this.o.live.insertMany(orders, now, tx);
    return decisions;
  }
}
