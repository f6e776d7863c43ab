/**
 * What the two models read and must answer, as fixed-format text: the same
 * inputs always give the same bytes (numbers to 6 significant digits, times
 * in ISO UTC, fixed line order), so the prompt's hash is the cache key and
 * the call log can be replayed. Changing any wording here changes answers:
 * bump TEMPLATE_VERSION, which is part of every key.
 */
import type { Candle } from '../../domain/market.js';
import type { Indicators } from '../analysis.js';
import type { Candidate } from '../scout.js';

export const TEMPLATE_VERSION = 'v1';

/** Candles given to the analyst: the last GROUPS x GROUP_BARS closed bars, each group merged into one. */
const GROUPS = 12;
const GROUP_BARS = 4;

export const num = (x: number | null | undefined): string =>
  x === null || x === undefined || !Number.isFinite(x) ? 'na' : String(Number(x.toPrecision(6)));
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** The last closed candles merged GROUP_BARS at a time (open of the first, close of the last). */
export function resample(candles: readonly Candle[]): Candle[] {
  const take = candles.slice(-GROUPS * GROUP_BARS);
  const out: Candle[] = [];
  for (let i = take.length % GROUP_BARS; i < take.length; i += GROUP_BARS) {
    const g = take.slice(i, i + GROUP_BARS);
    out.push({
      ts: g[0]!.ts,
      open: g[0]!.open,
      high: Math.max(...g.map((c) => c.high)),
      low: Math.min(...g.map((c) => c.low)),
      close: g[g.length - 1]!.close,
      volume: g.reduce((s, c) => s + c.volume, 0),
    });
  }
  return out;
}

export interface AnalystInput {
  venue: string;
  timeframe: string;
  candidate: Candidate;
  candles: readonly Candle[];
  indicators: Indicators;
}

export const ANALYST_SYSTEM = [
  'You are a technical analyst for a spot crypto trading bot.',
  'Read the candidate summary and answer with one JSON object matching the schema:',
  'trend (up, down or sideways), support and resistance prices, signal (bullish, bearish or neutral),',
  'confidence from 0 to 1, and a rationale of at most 280 characters. Answer JSON only.',
].join(' ');

export function analystPrompt(a: AnalystInput): string {
  const c = a.candidate;
  const bars = a.candles;
  const last = bars[bars.length - 1];
  const lines = [
    `tradeloop analyst input ${TEMPLATE_VERSION}`,
    `symbol ${c.symbol} venue ${a.venue} timeframe ${a.timeframe} last-closed ${last ? iso(last.ts) : 'none'}`,
    `scout rank ${c.rank} score ${num(c.score)} momentum ${num(c.momentum)} volatility ${num(c.volatility)} volume ${num(c.volume)}`,
    `indicators ${Object.entries(a.indicators)
      .map(([k, v]) => `${k}=${num(v)}`)
      .join(' ')}`,
    `candles x${GROUP_BARS} oldest-first: time open high low close volume`,
    ...resample(bars).map((k) =>
      [iso(k.ts), num(k.open), num(k.high), num(k.low), num(k.close), num(k.volume)].join(' '),
    ),
  ];
  return lines.join('\n');
}

export interface DeciderInput {
  symbol: string;
  barTs: number;
  price: number;
  /** The analyst's answer, or null when the rules analysed alone. */
  analysis: object | null;
  indicators: Indicators;
  position: { qty: number; entryPrice: number; pending: boolean };
  account: { equity: number; cash: number; openPositions: number };
  limits: {
    maxOpenPositions: number;
    maxSymbolExposure: number;
    riskPerTrade: number;
    positionFraction: number;
    dailyLossLimit: number;
  };
}

export const DECIDER_SYSTEM = [
  'You take the trading decision of a long-only spot bot for one symbol on its newest closed bar.',
  'Answer one JSON object matching the schema: action (enter, exit or hold), size as a share from 0 to 1',
  'of what the risk limits allow, stop and target prices (null for none; a long stop is below the price,',
  'a target above it), confidence from 0 to 1 and a rationale of at most 280 characters. Answer JSON only.',
].join(' ');

export function deciderPrompt(d: DeciderInput): string {
  const p = d.position;
  const a = d.account;
  const l = d.limits;
  return [
    `tradeloop decider input ${TEMPLATE_VERSION}`,
    `symbol ${d.symbol} bar ${iso(d.barTs)} price ${num(d.price)}`,
    `analysis ${d.analysis ? JSON.stringify(d.analysis) : 'none (indicators only)'}`,
    `indicators ${Object.entries(d.indicators)
      .map(([k, v]) => `${k}=${num(v)}`)
      .join(' ')}`,
    p.qty > 0
      ? `position long qty ${num(p.qty)} entry ${num(p.entryPrice)} pending ${p.pending ? 'yes' : 'no'}`
      : `position flat pending ${p.pending ? 'yes' : 'no'}`,
    `account equity ${num(a.equity)} cash ${num(a.cash)} open-positions ${a.openPositions}`,
    `risk max-open-positions ${l.maxOpenPositions} max-symbol-exposure ${num(l.maxSymbolExposure)} risk-per-trade ${num(l.riskPerTrade)} position-fraction ${num(l.positionFraction)} daily-loss-limit ${num(l.dailyLossLimit)}`,
  ].join('\n');
}
