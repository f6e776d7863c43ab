import { describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from '../../../src/domain/clock.js';
import { isAppError } from '../../../src/domain/errors.js';
import { ReplayVenue } from '../../../src/venues/replay/replay-venue.js';
import { registerVenueConformance } from '../../conformance/venue-conformance.js';

const day = (ts: number) => new Date(ts).toISOString().slice(0, 10);

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return isAppError(err) ? err.code : 'other';
  }
}

registerVenueConformance('replay', {
  create: async () => ({ venue: new ReplayVenue(systemClock) }),
  symbols: ['SPX', 'AAPL', 'MSFT'],
  ohlcv: { symbol: 'SPX', timeframe: '1d', since: Date.UTC(2010, 0, 1) },
});

describe('ReplayVenue datasets', () => {
  const venue = new ReplayVenue(systemClock);

  it('replays every S&P 500 daily bar of sp500-2000.csv: 5,105 from 2000-01-03 to 2020-04-17', async () => {
    const bars = await venue.fetchOHLCV('SPX', '1d', { since: 0, limit: 10_000 });
    expect(bars).toHaveLength(5105);
    expect(day(bars[0]!.ts)).toBe('2000-01-03');
    expect(bars[0]).toMatchObject({ open: 1469.25, high: 1478, close: 1455.219971, volume: 931_800_000 });
    expect(day(bars.at(-1)!.ts)).toBe('2020-04-17');
    expect(bars.at(-1)!.close).toBe(2874.560059);
    const ticker = (await venue.fetchTickers(['SPX'])).get('SPX')!;
    expect(ticker).toMatchObject({ last: 2874.560059, ts: Date.UTC(2020, 3, 17) });
  });

  it('serves the five stocks as monthly flat bars', async () => {
    const markets = await venue.fetchMarkets();
    expect(markets.map((m) => m.symbol).sort()).toEqual([
      'AAPL',
      'AMZN',
      'GOOG',
      'IBM',
      'MSFT',
      'SPX',
      'VIX',
    ]);
    const msft = await venue.fetchOHLCV('MSFT', '1M', { since: 0, limit: 1000 });
    expect(msft).toHaveLength(123);
    expect(msft[0]).toEqual({
      ts: Date.UTC(2000, 0, 1),
      open: 39.81,
      high: 39.81,
      low: 39.81,
      close: 39.81,
      volume: 0,
    });
    expect(await venue.fetchOHLCV('GOOG', '1M', { since: 0, limit: 1000 })).toHaveLength(68);
    expect(await codeOf(venue.fetchOHLCV('MSFT', '1d'))).toBe('VALIDATION_FAILED');
  });

  it('serves the 2009 VIX daily bars from ohlc.json', async () => {
    const vix = await venue.fetchOHLCV('VIX', '1d', { since: 0 });
    expect(vix).toHaveLength(44);
    expect(day(vix[0]!.ts)).toBe('2009-06-01');
  });

  it('resamples daily history to weeks and months', async () => {
    const months = await venue.fetchOHLCV('SPX', '1M', { since: Date.UTC(2008, 0, 1), limit: 12 });
    expect(months.map((m) => day(m.ts))[8]).toBe('2008-09-01');
    const daily = await venue.fetchOHLCV('SPX', '1d', { since: Date.UTC(2008, 8, 1), limit: 30 });
    const sept = daily.filter((d) => d.ts < Date.UTC(2008, 9, 1));
    expect(months[8]).toMatchObject({
      open: sept[0]!.open,
      close: sept.at(-1)!.close,
      high: Math.max(...sept.map((d) => d.high)),
      low: Math.min(...sept.map((d) => d.low)),
    });
    const weeks = await venue.fetchOHLCV('SPX', '1w', { limit: 10 });
    for (const w of weeks) expect(new Date(w.ts).getUTCDay()).toBe(1);
  });
});

describe('ReplayVenue clock mode', () => {
  it('shows only bars already closed at the clock time', async () => {
    const clock = new ManualClock(Date.UTC(2008, 8, 15, 14));
    const venue = new ReplayVenue(clock, { mode: 'clock' });
    const t = (await venue.fetchTickers(['SPX'])).get('SPX')!;
    expect(day(t.ts)).toBe('2008-09-12');
    const bars = await venue.fetchOHLCV('SPX', '1d', { limit: 3 });
    expect(day(bars.at(-1)!.ts)).toBe('2008-09-12');
    clock.advance(24 * 3_600_000);
    expect(day((await venue.fetchTickers(['SPX'])).get('SPX')!.ts)).toBe('2008-09-15');
    const early = new ReplayVenue(new ManualClock(Date.UTC(1999, 0, 1)), { mode: 'clock' });
    expect((await early.fetchTickers(['SPX', 'MSFT'])).size).toBe(0);
  });

  it('reports unreadable data as DEPENDENCY_UNAVAILABLE and retries on the next call', async () => {
    const venue = new ReplayVenue(systemClock, { dataDir: '/nonexistent/vega' });
    expect(await codeOf(venue.fetchMarkets())).toBe('DEPENDENCY_UNAVAILABLE');
    expect(await codeOf(venue.fetchMarkets())).toBe('DEPENDENCY_UNAVAILABLE');
  });
});
