/**
 * Real price history shipped by the `vega-datasets` package, parsed once:
 * - `sp500-2000.csv`: S&P 500 daily OHLCV, 2000-01-03 .. 2020-04-17 (symbol SPX);
 * - `ohlc.json`: CBOE Volatility Index daily OHLC, June-July 2009 (symbol VIX, no volume);
 * - `stocks.csv`: monthly closes of AAPL, AMZN, GOOG, IBM, MSFT, 2000-2010.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { UnavailableError } from '../../domain/errors.js';
import type { Candle, Timeframe } from '../../domain/market.js';

/** One symbol's history at its native timeframe. */
export interface ReplaySeries {
  symbol: string;
  /** What the symbol is, for market listings. */
  name: string;
  timeframe: Timeframe;
  bars: Candle[];
}

/** The directory holding vega-datasets' data files. */
export function defaultDataDir(): string {
  const entry = createRequire(import.meta.url).resolve('vega-datasets');
  return join(dirname(entry), '..', 'data');
}

const MONTHS: Record<string, number> = {
  Jan: 0,
  Feb: 1,
  Mar: 2,
  Apr: 3,
  May: 4,
  Jun: 5,
  Jul: 6,
  Aug: 7,
  Sep: 8,
  Oct: 9,
  Nov: 10,
  Dec: 11,
};

/** `2000-01-03` -> ms at UTC midnight. */
function isoDay(s: string): number {
  return Date.UTC(Number(s.slice(0, 4)), Number(s.slice(5, 7)) - 1, Number(s.slice(8, 10)));
}

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l.length > 0);
}

/** Parses sp500-2000.csv (`date,open,high,low,close,adjclose,volume`). */
export function parseSp500(text: string): Candle[] {
  const rows = lines(text);
  const bars: Candle[] = [];
  for (let i = 1; i < rows.length; i++) {
    const c = rows[i]!.split(',');
    bars.push({
      ts: isoDay(c[0]!),
      open: Number(c[1]),
      high: Number(c[2]),
      low: Number(c[3]),
      close: Number(c[4]),
      volume: Number(c[6]),
    });
  }
  return bars;
}

/**
 * Parses stocks.csv (`symbol,date,price`, dates like `Jan 1 2000`). Only a
 * monthly close exists, so each bar has open = high = low = close = price and
 * volume 0: honest flat bars rather than invented intramonth ranges.
 */
export function parseStocks(text: string): Map<string, Candle[]> {
  const rows = lines(text);
  const out = new Map<string, Candle[]>();
  for (let i = 1; i < rows.length; i++) {
    const [symbol = '', date = '', priceText = ''] = rows[i]!.split(',');
    const [mon = '', day = '', year = ''] = date.split(' ');
    const price = Number(priceText);
    const bar = {
      ts: Date.UTC(Number(year), MONTHS[mon] ?? 0, Number(day)),
      open: price,
      high: price,
      low: price,
      close: price,
      volume: 0,
    };
    let list = out.get(symbol);
    if (!list) {
      list = [];
      out.set(symbol, list);
    }
    list.push(bar);
  }
  for (const list of out.values()) list.sort((a, b) => a.ts - b.ts);
  return out;
}

/** Parses ohlc.json (VIX; `date, open, high, low, close`, no volume). */
export function parseVix(text: string): Candle[] {
  const rows = JSON.parse(text) as Array<{
    date: string;
    open: number;
    high: number;
    low: number;
    close: number;
  }>;
  return rows.map((r) => ({
    ts: isoDay(r.date),
    open: r.open,
    high: r.high,
    low: r.low,
    close: r.close,
    volume: 0,
  }));
}

/** Reads and parses every dataset in `dir`. */
export async function loadReplaySeries(dir: string): Promise<ReplaySeries[]> {
  try {
    const [sp500, stocks, vix] = await Promise.all([
      readFile(join(dir, 'sp500-2000.csv'), 'utf8'),
      readFile(join(dir, 'stocks.csv'), 'utf8'),
      readFile(join(dir, 'ohlc.json'), 'utf8'),
    ]);
    const series: ReplaySeries[] = [
      { symbol: 'SPX', name: 'S&P 500 index', timeframe: '1d', bars: parseSp500(sp500) },
      { symbol: 'VIX', name: 'CBOE Volatility Index', timeframe: '1d', bars: parseVix(vix) },
    ];
    for (const [symbol, bars] of parseStocks(stocks)) {
      series.push({ symbol, name: `${symbol} common stock (monthly closes)`, timeframe: '1M', bars });
    }
    return series;
  } catch (err) {
    throw new UnavailableError(`replay datasets could not be read from ${dir}`, { cause: err });
  }
}
