/**
 * "What if I had copied": a leader's trades replayed through the copy
 * engine's own planning code (`copytrading/copy-planner.ts` and the rules of
 * `domain/copy.ts`: sizing modes, caps, balance, minimums, market filters,
 * exit fractions, TP/SL levels, trailing stops, fees, slippage) against one
 * follow and one paper account, on the venue's candles: a copy fills at the
 * close of the bar holding the leader's trade (the first price a copier could
 * get), moved by the slippage; sources priced at the leader's fill use the
 * leader's price, as live. TP, SL and trailing stops are checked on each
 * later bar's low and high (the stop first), closing at the level, or at the
 * bar's open when it gapped past it. Pure and synchronous: run it in a worker.
 */

import { PageState, sizingOf, tradeKey, undecided } from '../copytrading/copy-page-state.js';
import { CopyPlanner } from '../copytrading/copy-planner.js';
import {
  exitFraction,
  fillPrice,
  marketFilter,
  nextHighWater,
  type SkipReason,
  trailingStopHit,
} from '../domain/copy.js';
import { type Decimal, dec, type Exact, exact, formatExact, parseExact, ZERO } from '../domain/decimal.js';
import { type OpenCopy, priceDecimal } from '../domain/position.js';
import type { Trader } from '../domain/trader.js';
import type { Bars } from '../engine/bars.js';
import { ExitReason, TradeLog } from '../engine/trade-log.js';
import type { LeaderTrade } from '../venues/leader-source.js';
import type { CopiedTrade, CopyReplayInput, CopyReplayResult, SkippedTrade } from './copy-replay-types.js';
import { CurveSampler } from './curve-sampler.js';
import { computeMetrics, EquityStats } from './metrics.js';

export type { CopiedTrade, CopyReplayInput, CopyReplayResult, SkippedTrade } from './copy-replay-types.js';

const USER = 1;
const EXIT_REASON = {
  stop_loss: ExitReason.StopLoss,
  take_profit: ExitReason.TakeProfit,
  trailing_stop: ExitReason.StopLoss,
};

/** One copy from open to closed, for the trade log. */
interface RoundTrip {
  entryTs: number;
  entryEvent: number;
  paid: number;
  received: number;
  fees: number;
  qty: number;
}

/** Index of the bar holding `ts` (open <= ts < open + barMs), or -1. */
function barAt(b: Bars, ts: number, barMs: number): number {
  let lo = 0;
  let hi = b.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (b.ts[mid]! <= ts) lo = mid + 1;
    else hi = mid - 1;
  }
  return hi >= 0 && ts < b.ts[hi]! + barMs ? hi : -1;
}

export function replayCopies(input: CopyReplayInput): CopyReplayResult {
  const { request: req, trades, barMs } = input;
  const follow: Trader = {
    id: 1,
    userId: USER,
    name: 'copy backtest',
    source: req.source as Trader['source'],
    address: req.address,
    enabled: true,
    allocation: req.allocation,
    followOptions: req.followOptions,
    enabledSince: req.from,
    disabledAt: null,
    enabledWindows: [[req.from, null]],
    version: 1,
    createdAt: req.from,
    updatedAt: req.from,
  };
  const feeRate = parseExact(req.feeRate);
  const slippage = parseExact(req.slippage);
  const initial = Number(req.initialCapital);
  let now = req.from;
  const planner = new CopyPlanner(feeRate, req.venue, () => now);
  const state = new PageState(new Map([[USER, req.initialCapital]]), []);
  const sizing = sizingOf(follow);
  const holdings = new Map<string, Exact>();
  const marks = new Map<string, number>();
  const open = new Map<string, RoundTrip>();
  const log = new TradeLog(256);
  const copied: CopiedTrade[] = [];
  const skipped: SkippedTrade[] = [];

  // Bar closes of every traded market, in time order (leader-priced sources have none).
  const keys = [...input.bars.keys()];
  const events: { close: number; key: number; bar: number }[] = [];
  if (input.pricing === 'venue')
    keys.forEach((k, key) => {
      const b = input.bars.get(k)!;
      for (let i = 0; i < b.length; i++) events.push({ close: b.ts[i]! + barMs, key, bar: i });
    });
  events.sort((a, b) => a.close - b.close || a.key - b.key);
  const samples = input.pricing === 'venue' ? new Set(events.map((e) => e.close)).size : trades.length;
  const stats = new EquityStats(initial);
  const curve = new CurveSampler(samples, input.curvePoints ?? 2000);
  let sampled = 0;

  const equity = (): number => {
    let e = Number(formatExact(state.balances.get(USER) ?? ZERO));
    for (const k of open.keys()) {
      const p = state.copy(follow.id, k);
      if (p) e += Number(p.size) * (marks.get(k) ?? Number(p.entryPrice));
    }
    return e;
  };
  const sample = (ts: number) => {
    const e = equity();
    stats.add(ts, e, open.size > 0);
    curve.add(ts, e);
    sampled++;
  };

  /** Closes the open copy of `key` at `price` (TP/SL/trailing), paying the proceeds less the fee back. */
  const closeCopy = (
    key: string,
    p: OpenCopy,
    price: Decimal,
    reason: keyof typeof EXIT_REASON,
    event: number,
  ) => {
    const units = parseExact(p.size);
    const gross = exact.mul(units, parseExact(price));
    const fee = exact.mul(gross, feeRate);
    state.spend(USER, exact.neg(exact.sub(gross, fee)));
    state.setCopy({ ...p, status: 'closed' });
    const trip = open.get(key)!;
    trip.received += Number(formatExact(gross));
    trip.fees += Number(formatExact(fee));
    finish(key, p, Number(price), EXIT_REASON[reason], event);
  };
  const finish = (key: string, p: OpenCopy, exitPrice: number, reason: ExitReason, event: number) => {
    const trip = open.get(key)!;
    open.delete(key);
    const pnl = trip.received - trip.paid;
    log.push(
      0,
      trip.entryEvent,
      event,
      trip.entryTs,
      now,
      Number(p.entryPrice),
      exitPrice,
      trip.qty,
      trip.fees,
      pnl,
      trip.paid > 0 ? pnl / trip.paid : 0,
      reason,
    );
  };

  /** TP, SL and trailing stop of the open copy of `key` over one bar (or one leader price). */
  const checkExits = (key: string, o: number, h: number, l: number, event: number) => {
    const p = state.copy(follow.id, key);
    if (!p) return;
    const low = priceDecimal(l);
    const high = priceDecimal(h);
    const at = (level: Decimal, beyond: boolean): Decimal => (beyond ? priceDecimal(o) : level);
    if (p.stopLoss !== null && dec.cmp(low, p.stopLoss) <= 0)
      return closeCopy(key, p, at(p.stopLoss, o < Number(p.stopLoss)), 'stop_loss', event);
    if (
      p.trailingStopPct !== null &&
      p.highWater !== null &&
      trailingStopHit('long', p.highWater, p.trailingStopPct, low)
    ) {
      const hw = parseExact(p.highWater);
      const level = formatExact(
        exact.round(
          exact.sub(hw, exact.div(exact.mul(hw, parseExact(p.trailingStopPct)), { m: 100n, s: 0 })),
          12,
        ),
      );
      return closeCopy(key, p, at(level, o < Number(level)), 'trailing_stop', event);
    }
    if (p.takeProfit !== null && dec.cmp(high, p.takeProfit) >= 0)
      return closeCopy(key, p, at(p.takeProfit, o > Number(p.takeProfit)), 'take_profit', event);
    if (p.highWater !== null) {
      const hw = nextHighWater('long', p.highWater, high);
      if (hw !== p.highWater) state.setCopy({ ...p, highWater: hw });
    }
  };

  const leaderPrice = (t: LeaderTrade, key: string): Exact | null => {
    if (input.pricing === 'leader-fill') return parseExact(t.price);
    const b = input.bars.get(key);
    const i = b ? barAt(b, t.ts, barMs) : -1;
    return i < 0 ? null : parseExact(priceDecimal(b!.close[i]!));
  };

  const onTrade = (t: LeaderTrade, index: number) => {
    now = t.ts;
    const key = tradeKey(t);
    const market = input.markets.get(t.market) ?? null;
    const before = holdings.get(key) ?? ZERO;
    const size = parseExact(t.size);
    holdings.set(key, t.side === 'buy' ? exact.add(before, size) : exact.sub(before, size));
    if ((holdings.get(key)?.m ?? 0n) < 0n) holdings.set(key, ZERO);
    if (input.pricing === 'leader-fill') {
      const px = Number(t.price);
      checkExits(key, px, px, px, index);
      marks.set(key, px);
    }
    const basis = market ? leaderPrice(t, key) : null;
    const reason: SkipReason | null = !market
      ? 'unknown_market'
      : !basis
        ? 'no_price'
        : marketFilter(sizing, t.market);
    if (reason !== null || !market || !basis) {
      skipped.push({ ts: t.ts, side: t.side, market: t.market, reason: reason ?? 'no_price' });
      return;
    }
    const fill = fillPrice(basis, t.side, slippage, market.kind === 'binary');
    const base = undecided(t, follow, t.ts);
    const opened = state.copy(follow.id, key);
    const plan =
      t.side === 'buy'
        ? planner.enter(t, follow, market, fill, input.leaderEquity, base, state)
        : planner.exit(t, follow, market, fill, exitFraction(before, size), base, state);
    if ('reason' in plan) {
      skipped.push({ ts: t.ts, side: t.side, market: t.market, reason: plan.reason });
      return;
    }
    const fee = Number(plan.order.fee);
    const notional = Number(plan.order.quantity) * Number(plan.order.averagePrice);
    if (t.side === 'buy') {
      const trip = open.get(key) ?? {
        entryTs: t.ts,
        entryEvent: index,
        paid: 0,
        received: 0,
        fees: 0,
        qty: 0,
      };
      if (!opened) open.set(key, trip);
      trip.paid += notional + fee;
      trip.fees += fee;
      trip.qty += Number(plan.order.quantity);
    } else {
      const trip = open.get(key)!;
      trip.received += notional - fee;
      trip.fees += fee;
      if (plan.next.status === 'closed')
        finish(key, plan.next, Number(plan.order.averagePrice), ExitReason.Signal, index);
    }
    copied.push({
      ts: t.ts,
      side: t.side,
      market: t.market,
      size: plan.decision.size!,
      price: plan.decision.price!,
      fee: plan.order.fee!,
      reducedBy: plan.decision.reducedBy,
    });
  };

  let e = 0;
  const every = Math.max(1, Math.floor((trades.length + events.length) / 100));
  let step = 0;
  for (let i = 0; i <= trades.length; i++) {
    const t = trades[i];
    // Bars that closed before this trade (all of them after the last).
    while (e < events.length && (!t || events[e]!.close <= t.ts)) {
      const ev = events[e++]!;
      const k = keys[ev.key]!;
      const b = input.bars.get(k)!;
      now = ev.close;
      checkExits(k, b.open[ev.bar]!, b.high[ev.bar]!, b.low[ev.bar]!, trades.length + e);
      marks.set(k, b.close[ev.bar]!);
      if (e === events.length || events[e]!.close !== ev.close) sample(ev.close);
      if (++step % every === 0) progress();
    }
    if (!t) break;
    onTrade(t, i);
    if (input.pricing === 'leader-fill') sample(t.ts);
    if (++step % every === 0) progress();
  }
  // Copies still open at the end are closed at their last mark (exit reason `end`).
  for (const key of [...open.keys()]) {
    const p = state.copy(follow.id, key)!;
    const mark = marks.get(key) ?? Number(p.entryPrice);
    const gross = Number(p.size) * mark;
    const trip = open.get(key)!;
    trip.received += gross * (1 - Number(req.feeRate));
    trip.fees += gross * Number(req.feeRate);
    finish(key, p, mark, ExitReason.End, trades.length + events.length);
  }
  if (sampled === 0) sample(req.from);
  input.onProgress?.(100);

  function progress(): void {
    input.signal?.throwIfAborted();
    input.onProgress?.(Math.min(99, Math.floor((step / (trades.length + events.length)) * 100)));
  }

  const byReason: Record<string, number> = {};
  for (const s of skipped) byReason[s.reason] = (byReason[s.reason] ?? 0) + 1;
  return {
    metrics: computeMetrics(stats, log),
    equityCurve: curve.points,
    tradeReturns: log.returns(),
    trades: log.toArray(),
    copied,
    skipped,
    skippedByReason: byReason,
    leaderTrades: trades.length,
    bars: events.length,
  };
}
