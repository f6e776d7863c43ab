/**
 * Discovery stats of one simulated leader over a window, from its own
 * deterministic trades. A window can hold tens of thousands of trades per
 * leader (30 days at one trade every 30 s is 86,400), far too many to price
 * on every leaderboard request, so the stats read the leader's most recent
 * `STATS_SAMPLE_TRADES` trades' worth of time (all of the window when it is
 * shorter) and scale trades, volume and PnL to the whole window. The sample
 * is exact and deterministic; only the extrapolation is an estimate.
 */
import { decimal, type Exact, exact, formatExact, parseExact, ZERO } from '../../domain/decimal.js';
import type { LeaderStats } from '../leader-source.js';
import { type LeaderProfile, STYLE_DESCRIPTIONS } from './leader-population.js';
import { LeaderTradeStream, outcomePrice, type PriceAt, priceText } from './leader-trade-stream.js';

/** About how many trades of a leader the stats read. */
export const STATS_SAMPLE_TRADES = 60;
/** Places of the quote amounts (PnL, volume) in the stats. */
const QUOTE_PLACES = 2;

/** Mean time between two trades of this leader, ms. */
export function meanTradeIntervalMs(p: LeaderProfile): number {
  return p.slotMs / p.tradesPerSlot;
}

interface Net {
  symbol: string;
  outcome: 0 | 1 | null;
  units: Exact;
}

/** What the sample of a leader's recent trades adds up to; scaled to a window by `statsOver`. */
export interface LeaderSample {
  /** The sampled stretch of time, ms, ending now. */
  spanMs: number;
  volume: Exact;
  /** Each sampled trade marked at the current price. */
  pnl: Exact;
  trades: number;
  sells: number;
  wins: number;
  lastTradeTs: number | null;
}

/**
 * Reads the leader's trades over the `maxSpanMs` before `now`, or fewer:
 * about `STATS_SAMPLE_TRADES` of them. PnL marks each trade at the current
 * price (bought units gain what the price rose since, sold units what it
 * fell); a win is a sell above the lane's average entry.
 */
export function sampleLeader(
  p: LeaderProfile,
  priceAt: PriceAt,
  now: number,
  maxSpanMs: number,
): LeaderSample {
  const spanMs = Math.min(maxSpanMs, Math.ceil(STATS_SAMPLE_TRADES * meanTradeIntervalMs(p)));
  const stream = new LeaderTradeStream(p, priceAt, now - spanMs);
  let volume = ZERO;
  let cash = ZERO;
  let trades = 0;
  let sells = 0;
  let wins = 0;
  let lastTradeTs: number | null = null;
  const nets = new Map<string, Net>();
  while (stream.nextTime() <= now) {
    const t = stream.take(true);
    const size = parseExact(t.size);
    const notional = exact.mul(size, parseExact(t.price));
    volume = exact.add(volume, notional);
    const key = `${t.market}|${t.outcomeIndex}`;
    let net = nets.get(key);
    if (!net) {
      const outcome = t.outcomeIndex === 1 ? 1 : t.outcomeIndex === 0 ? 0 : null;
      net = { symbol: t.market, outcome, units: ZERO };
      nets.set(key, net);
    }
    if (t.side === 'buy') {
      cash = exact.sub(cash, notional);
      net.units = exact.add(net.units, size);
    } else {
      cash = exact.add(cash, notional);
      net.units = exact.sub(net.units, size);
      sells++;
      if (stream.lastWin) wins++;
    }
    trades++;
    lastTradeTs = t.ts;
  }
  let pnl = cash;
  for (const n of nets.values()) {
    if (exact.isZero(n.units)) continue;
    const market = { symbol: n.symbol, binary: n.outcome !== null };
    const mark = outcomePrice(market, n.outcome, priceAt(n.symbol, now));
    pnl = exact.add(pnl, exact.mul(n.units, parseExact(priceText(mark))));
  }
  return { spanMs, volume, pnl, trades, sells, wins, lastTradeTs };
}

/** The stats of `p` over `windowMs`: the sample, scaled up when it covers less than the window. */
export function statsOver(p: LeaderProfile, sample: LeaderSample, windowMs: number): LeaderStats {
  let { volume, pnl, trades } = sample;
  if (sample.spanMs < windowMs) {
    const scale = parseExact(decimal((windowMs / sample.spanMs).toFixed(6)));
    volume = exact.mul(volume, scale);
    pnl = exact.mul(pnl, scale);
    trades = Math.round((trades * windowMs) / sample.spanMs);
  }
  return {
    source: 'simulated',
    address: p.id,
    name: p.name,
    style: STYLE_DESCRIPTIONS[p.style],
    pnl: formatExact(exact.round(pnl, QUOTE_PLACES)),
    volume: formatExact(exact.round(volume, QUOTE_PLACES)),
    trades,
    winRate: sample.sells > 0 ? sample.wins / sample.sells : null,
    lastTradeTs: sample.lastTradeTs,
  };
}
