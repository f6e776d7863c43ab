/**
 * A copy backtest run end to end: the leader's trades in [from, to) read
 * from its source (forward from `cursorAt(from)`, as a watcher reads), the
 * venue's markets and candles of every market it traded (none for sources
 * priced at the leader's fill), then the replay (copy-replay.ts). Progress:
 * reading trades 0-30 %, candles 30-50 %, the replay 50-100 %.
 */

import { keyOf } from '../copytrading/copy-page-state.js';
import { leaderFillQuote } from '../copytrading/copy-quotes.js';
import { type Exact, parseExact } from '../domain/decimal.js';
import { ValidationError } from '../domain/errors.js';
import type { Market, Timeframe } from '../domain/market.js';
import { timeframeMs } from '../domain/timeframe.js';
import type { Bars } from '../engine/bars.js';
import type { LeaderSource, LeaderTrade } from '../venues/leader-source.js';
import type { Venue } from '../venues/venue.js';
import { loadBars } from './candle-loader.js';
import type { CopyBacktestRequest } from './copy-backtest-request.js';
import { type CopyReplayResult, replayCopies } from './copy-replay.js';

/** Most leader trades one copy backtest replays. */
export const MAX_COPY_BACKTEST_TRADES = 200_000;

export interface CopyBacktestReport extends CopyReplayResult {
  kind: 'copy';
  request: CopyBacktestRequest;
}

export interface CopyBacktestJobOptions {
  onProgress?: (percent: number) => void;
  signal?: AbortSignal;
  curvePoints?: number;
}

/** The leader's trades with from <= ts < to, oldest first. */
export async function leaderHistory(
  source: LeaderSource,
  req: Pick<CopyBacktestRequest, 'address' | 'from' | 'to'>,
  opts: CopyBacktestJobOptions = {},
): Promise<LeaderTrade[]> {
  const out: LeaderTrade[] = [];
  let cursor = source.cursorAt(req.address, req.from);
  const span = Math.max(1, req.to - req.from);
  for (;;) {
    opts.signal?.throwIfAborted();
    const page = await source.tradesAfter(req.address, cursor, source.capabilities.maxPageSize);
    for (const t of page.trades) if (t.ts >= req.from && t.ts < req.to) out.push(t);
    const last = page.trades.at(-1);
    if (!last || last.ts >= req.to || page.cursor === cursor) break;
    if (out.length > MAX_COPY_BACKTEST_TRADES)
      throw new ValidationError(`the leader made more than ${MAX_COPY_BACKTEST_TRADES} trades in the range`, {
        details: [
          { path: 'to', message: `the range must hold at most ${MAX_COPY_BACKTEST_TRADES} leader trades` },
        ],
      });
    cursor = page.cursor;
    opts.onProgress?.(Math.floor(((last.ts - req.from) / span) * 30));
  }
  return out;
}

/** Bars of the other outcome of a binary market: 1 - price, high and low swapped. */
function inverted(b: Bars): Bars {
  const flip = (a: Float64Array) => a.map((x) => 1 - x);
  return {
    length: b.length,
    ts: b.ts,
    open: flip(b.open),
    high: flip(b.low),
    low: flip(b.high),
    close: flip(b.close),
    volume: b.volume,
  };
}

export async function runCopyBacktest(
  req: CopyBacktestRequest,
  source: LeaderSource,
  venue: Venue | null,
  opts: CopyBacktestJobOptions = {},
): Promise<CopyBacktestReport> {
  const trades = await leaderHistory(source, req, opts);
  const pricing = source.capabilities.pricing ?? 'venue';
  const barMs = timeframeMs(req.timeframe) ?? 3_600_000;
  const markets = new Map<string, Market | null>();
  const bars = new Map<string, Bars>();
  if (pricing === 'leader-fill') {
    for (const t of trades) markets.set(t.market, leaderFillQuote(t).market);
  } else {
    if (!venue)
      throw new ValidationError(`venue ${req.venue} is not available`, {
        details: [{ path: 'venue', message: 'is not available here' }],
      });
    if (!venue.capabilities.timeframes.includes(req.timeframe as Timeframe))
      throw new ValidationError(`venue ${req.venue} has no ${req.timeframe} bars`, {
        details: [
          { path: 'timeframe', message: `must be one of ${venue.capabilities.timeframes.join(', ')}` },
        ],
      });
    const listed = await venue.fetchMarkets();
    const byId = new Map<string, Market>();
    for (const m of listed) {
      byId.set(m.symbol, m);
      byId.set(m.id, m);
    }
    const keys = new Map<string, { market: Market; outcome: number | null }>();
    for (const t of trades) {
      const m = byId.get(t.market) ?? null;
      markets.set(t.market, m);
      if (m) keys.set(keyOf(t.market, t.outcomeIndex), { market: m, outcome: t.outcomeIndex });
    }
    let done = 0;
    for (const [key, { market, outcome }] of keys) {
      const b = await loadBars(venue, market.symbol, req.timeframe as Timeframe, req.from - barMs, req.to, {
        signal: opts.signal,
      });
      bars.set(key, market.kind === 'binary' && outcome === 1 ? inverted(b) : b);
      opts.onProgress?.(30 + Math.floor((++done / keys.size) * 20));
    }
  }
  let leaderEquity: Exact | null = null;
  if (req.followOptions.copyMode === 'proportional') {
    const e = await source.equity(req.address);
    leaderEquity = e === null ? null : parseExact(e);
  }
  const result = replayCopies({
    request: req,
    trades,
    markets,
    bars,
    barMs,
    pricing,
    leaderEquity,
    ...(opts.curvePoints ? { curvePoints: opts.curvePoints } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    onProgress: (p) => opts.onProgress?.(50 + Math.floor(p / 2)),
  });
  return { kind: 'copy', request: req, ...result };
}
