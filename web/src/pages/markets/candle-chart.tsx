/** Candles of one market from /ohlcv, with a timeframe choice and an SMA / EMA overlay. */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, describeError } from '../../api/client';
import type { Candle, Market } from '../../api/types';
import { fmtNum } from '../../components/format';
import { type SeriesSpec, TimeChart } from '../../components/time-chart';
import { ema, sma } from './indicators';

const TIMEFRAMES = ['1m', '5m', '15m', '1h', '4h', '1d'];
type Overlay = 'sma' | 'ema' | 'both' | 'none';

export function CandleChart({ market }: { market: Market }) {
  const [tf, setTf] = useState('1h');
  const [overlay, setOverlay] = useState<Overlay>('sma');
  const [period, setPeriod] = useState(20);
  const [candles, setCandles] = useState<Candle[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setError(null);
    api<{ candles: Candle[] }>(`/ohlcv/${encodeURIComponent(market.symbol)}?tf=${tf}&limit=300`)
      .then((r) => setCandles(r.candles))
      .catch((err: unknown) => {
        setCandles(null);
        setError(describeError(err));
      });
  }, [market.symbol, tf]);

  const series = useMemo((): SeriesSpec[] => {
    if (!candles) return [];
    const out: SeriesSpec[] = [{ kind: 'candles', points: candles }];
    const closes = candles.map((c) => c.close);
    const p = Math.max(2, Math.min(200, period || 20));
    const add = (values: (number | undefined)[], title: string, color: string) =>
      out.push({
        kind: 'line',
        title,
        color,
        points: candles.flatMap((c, i) => (values[i] === undefined ? [] : [{ ts: c.ts, value: values[i] }])),
      });
    if (overlay === 'sma' || overlay === 'both') add(sma(closes, p), `SMA ${p}`, '#2563eb');
    if (overlay === 'ema' || overlay === 'both') add(ema(closes, p), `EMA ${p}`, '#c2410c');
    return out;
  }, [candles, overlay, period]);

  const last = candles?.[candles.length - 1];
  return (
    <>
      <h2 id="chart-title">{market.question ?? market.symbol}</h2>
      {market.question && <p class="hint">{market.symbol}</p>}
      <div class="form-grid">
        <div class="field">
          <label for="tf">Timeframe</label>
          <select id="tf" value={tf} onChange={(e) => setTf(e.currentTarget.value)}>
            {TIMEFRAMES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="overlay">Indicator</label>
          <select id="overlay" value={overlay} onChange={(e) => setOverlay(e.currentTarget.value as Overlay)}>
            <option value="sma">SMA</option>
            <option value="ema">EMA</option>
            <option value="both">SMA and EMA</option>
            <option value="none">None</option>
          </select>
        </div>
        <div class="field">
          <label for="period">Period</label>
          <input
            id="period"
            type="number"
            min={2}
            max={200}
            value={period}
            onChange={(e) => setPeriod(Number(e.currentTarget.value))}
          />
        </div>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {last && (
        <p class="hint">
          Last {tf} candle: open {fmtNum(last.open, 6)}, high {fmtNum(last.high, 6)}, low{' '}
          {fmtNum(last.low, 6)}, close {fmtNum(last.close, 6)}; {candles?.length} candles.
        </p>
      )}
      {candles && <TimeChart series={series} label={`${market.symbol} ${tf} candlestick chart`} />}
    </>
  );
}
