/**
 * Backtest requests end to end on the replay venue's real S&P 500 history,
 * the request parser's error paths, progress and cancellation, and the
 * strategy catalogue.
 */
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/domain/clock.js';
import { ValidationError } from '../../src/domain/errors.js';
import { barsFromCandles } from '../../src/engine/bars.js';
import { createStrategy, STRATEGIES, strategyCatalog } from '../../src/engine/strategies/registry.js';
import { runBacktest } from '../../src/research/backtest.js';
import { runBacktestRequest } from '../../src/research/backtest-job.js';
import { parseBacktestRequest } from '../../src/research/backtest-request.js';
import { ReplayVenue } from '../../src/venues/replay/replay-venue.js';

const example = {
  strategy: 'sma-cross',
  params: { fast: 10, slow: 50 },
  venue: 'replay',
  symbol: 'SPX',
  timeframe: '1d',
  from: '2000-01-01',
  to: '2020-12-31',
  feeRate: 0.001,
  initialCapital: 10000,
};

function detailsOf(fn: () => unknown) {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).details;
  }
  throw new Error('expected a ValidationError');
}

describe('parseBacktestRequest', () => {
  it('accepts the example request and fills defaults', () => {
    const r = parseBacktestRequest(example, { venues: ['replay', 'simulated'] });
    expect(r).toMatchObject({
      strategy: 'sma-cross',
      params: { fast: 10, slow: 50 },
      from: Date.UTC(2000, 0, 1),
      to: Date.UTC(2021, 0, 1), // the whole of 2020-12-31
      slippageBps: 0,
      maxVolumeFraction: 0,
      risk: {},
    });
  });

  it('reads a model replay: the decider, AI_DECIDER_MODEL unless a model is named, mode ai unless both', () => {
    const ask = (modelReplay: object) => parseBacktestRequest({ ...example, modelReplay }).modelReplay;
    expect(ask({ stage: 'decider' })).toEqual({ stage: 'decider', model: null, mode: 'ai' });
    expect(ask({ stage: 'decider', model: ' qwen2.5:7b ', mode: 'both' })).toEqual({
      stage: 'decider',
      model: 'qwen2.5:7b',
      mode: 'both',
    });
    expect(parseBacktestRequest(example).modelReplay).toBeUndefined();
  });

  it.each([
    [{ modelReplay: {} }, 'modelReplay.stage', /must be "decider"/],
    [{ modelReplay: [] }, 'modelReplay', /must be an object/],
    [{ strategy: 'moon' }, 'strategy', /must be one of sma-cross, rsi-reversion, breakout/],
    [{ params: { fast: 60, slow: 50 } }, 'params.fast', /must be less than slow \(50\)/],
    [{ params: { fast: 0 } }, 'params.fast', /must be at least 1/],
    [{ params: { slow: 1e6 } }, 'params.slow', /must be at most 5000/],
    [{ params: { fast: 2.5 } }, 'params.fast', /must be an integer/],
    [{ params: { speed: 3 } }, 'params.speed', /is not a parameter/],
    [{ to: '1999-12-31' }, 'to', /must be after from \(the date range is empty\)/],
    [{ to: '2000-01-01', from: '2000-01-02' }, 'to', /must be after from/],
    [{ from: '2021-02-30' }, 'from', /must be a date/],
    [{ to: '2021-02-30T00:00:00Z' }, 'to', /on a day that exists/],
    [{ to: '2021-04-31T12:00:00+02:00' }, 'to', /on a day that exists/],
    [{ feeRate: 0.5 }, 'feeRate', /must be at most 0.1/],
    [{ feeRate: -0.001 }, 'feeRate', /must be at least 0/],
    [{ initialCapital: 0 }, 'initialCapital', /must be at least 0.01/],
    [{ timeframe: '1 day' }, 'timeframe', /must be a timeframe like/],
    [{ venue: 'nasdaq' }, 'venue', /must be one of replay, simulated/],
    [{ risk: { maxOpenPositions: 0 } }, 'risk.maxOpenPositions', /must be at least 1/],
    [{ risk: { leverage: 3 } }, 'risk.leverage', /is not a risk limit/],
    [{ colour: 'red' }, 'colour', /is not a field/],
  ])('rejects %j at %s', (patch, path, message) => {
    const details = detailsOf(() =>
      parseBacktestRequest({ ...example, ...patch }, { venues: ['replay', 'simulated'] }),
    );
    expect(details).toContainEqual({ path, message: expect.stringMatching(message) });
  });

  it('reports every problem at once', () => {
    const details = detailsOf(() => parseBacktestRequest({ strategy: 'sma-cross' }));
    expect(details.map((d) => d.path)).toEqual([
      'venue',
      'symbol',
      'timeframe',
      'from',
      'to',
      'initialCapital',
    ]);
  });
});

describe('runBacktestRequest on the replay venue', () => {
  const venue = new ReplayVenue(systemClock);

  it('backtests SMA(10/50) on S&P 500 2000-2020 with every metric', async () => {
    const progress: number[] = [];
    const report = await runBacktestRequest(parseBacktestRequest(example), venue, {
      onProgress: (p) => progress.push(p),
    });
    // The data set ends on 2020-04-17: every daily bar from 2000-01-03.
    expect(report.bars).toBe(5105);
    expect(new Date(report.lastBar!).toISOString().slice(0, 10)).toBe('2020-04-17');
    const m = report.metrics;
    expect(m.trades).toBeGreaterThan(50);
    expect(m.trades).toBe(report.trades.length);
    for (const k of ['cagr', 'sharpe', 'sortino', 'winRate', 'profitFactor'] as const) {
      expect(Number.isFinite(m[k])).toBe(true);
    }
    expect(m.maxDrawdown).toBeGreaterThan(0);
    expect(m.maxDrawdown).toBeLessThan(1);
    expect(m.exposure).toBeGreaterThan(0.3);
    expect(m.fees).toBeGreaterThan(0);
    expect(report.equityCurve.length).toBeLessThanOrEqual(2000);
    expect(report.equityCurve.at(-1)!.equity).toBeCloseTo(m.finalEquity, 9);
    expect(progress.at(-1)).toBe(100);
    // Each trade's fees are 0.1% of its entry and exit notional.
    for (const t of report.trades) {
      expect(t.fees).toBeCloseTo(0.001 * t.qty * (t.entryPrice + t.exitPrice), 6);
      expect(t.exitBar).toBeGreaterThan(t.entryBar);
    }
    expect(JSON.parse(JSON.stringify(report.metrics))).toEqual(report.metrics);
  });

  it('downsamples a long curve keeping the first, last, lowest and highest points', async () => {
    const report = await runBacktestRequest(parseBacktestRequest(example), venue, { curvePoints: 100 });
    const eq = report.equityCurve.map((p) => p.equity);
    expect(eq.length).toBeLessThanOrEqual(100);
    const full = await runBacktestRequest(parseBacktestRequest(example), venue, { curvePoints: 10_000 });
    const all = full.equityCurve.map((p) => p.equity);
    expect(eq[0]).toBe(all[0]);
    expect(eq.at(-1)).toBe(all.at(-1));
    expect(Math.min(...eq)).toBe(Math.min(...all));
    expect(Math.max(...eq)).toBe(Math.max(...all));
    const ts = report.equityCurve.map((p) => p.ts);
    expect([...ts].sort((a, b) => a - b)).toEqual(ts);
  });

  it('rejects a range with no bars and a timeframe the venue lacks, naming the field', async () => {
    const none = runBacktestRequest(
      parseBacktestRequest({ ...example, from: '2021-01-01', to: '2021-06-30' }),
      venue,
    );
    await expect(none).rejects.toMatchObject({ details: [{ path: 'from' }] });
    const tf = runBacktestRequest(parseBacktestRequest({ ...example, timeframe: '1h' }), venue);
    await expect(tf).rejects.toMatchObject({ details: [{ path: 'timeframe' }] });
  });

  it('stops when its AbortSignal is aborted', async () => {
    const req = parseBacktestRequest(example);
    const ac = new AbortController();
    ac.abort();
    await expect(runBacktestRequest(req, venue, { signal: ac.signal })).rejects.toThrow(/abort/i);
    const bars = barsFromCandles(await venue.fetchOHLCV('SPX', '1d', { since: 0, limit: 10_000 }));
    const live = new AbortController();
    const seen: number[] = [];
    expect(() =>
      runBacktest({
        strategy: createStrategy('sma-cross', {}).strategy,
        symbol: 'SPX',
        bars,
        initialCapital: 1000,
        checkEvery: 1000,
        signal: live.signal,
        onProgress: (p) => {
          seen.push(p);
          if (seen.length === 2) live.abort();
        },
      }),
    ).toThrow(/abort/i);
    expect(seen).toEqual([19, 39]);
  });
});

describe('strategy catalogue', () => {
  it('lists every built-in strategy with described, bounded parameters whose defaults validate', () => {
    const cat = strategyCatalog();
    expect(cat.map((s) => s.id)).toEqual(['sma-cross', 'rsi-reversion', 'breakout']);
    for (const s of cat) {
      for (const p of s.params) {
        expect(p.description.length).toBeGreaterThan(5);
        if (p.type !== 'boolean')
          expect(p.min! <= (p.default as number) && (p.default as number) <= p.max!).toBe(true);
      }
    }
    for (const def of STRATEGIES)
      expect(def.parse({})).toEqual(Object.fromEntries(def.params.map((p) => [p.name, p.default])));
    expect(JSON.parse(JSON.stringify(cat))).toEqual(cat);
  });

  it('rejects bad parameters of each strategy, naming the parameter and the limit', () => {
    expect(detailsOf(() => createStrategy('rsi-reversion', { oversold: 60, overbought: 55 }))).toEqual([
      { path: 'params.oversold', message: 'must be at most 50' },
    ]);
    expect(detailsOf(() => createStrategy('breakout', { lookback: 1, atrStop: -1 }))).toEqual([
      { path: 'params.lookback', message: 'must be at least 2' },
      { path: 'params.atrStop', message: 'must be at least 0' },
    ]);
    expect(detailsOf(() => createStrategy('nope', {}))).toEqual([
      { path: 'strategy', message: 'must be one of sma-cross, rsi-reversion, breakout' },
    ]);
  });
});
