/**
 * A time-series chart drawn by lightweight-charts (loaded on first use, so
 * pages without charts do not download it): candlesticks, lines and areas on
 * one time axis, sized to its container. `label` names it for screen
 * readers; the canvas itself is not readable, so pages give the key figures
 * as text too.
 */
import type { IChartApi, UTCTimestamp } from 'lightweight-charts';
import { useEffect, useRef } from 'preact/hooks';

export interface SeriesSpec {
  kind: 'candles' | 'line' | 'area';
  title?: string;
  color?: string;
  /** ms since the epoch, and a value (line, area) or OHLC (candles). */
  points: { ts: number; value?: number; open?: number; high?: number; low?: number; close?: number }[];
}

const seconds = (ms: number) => Math.floor(ms / 1000) as UTCTimestamp;

/** One point per second at most (the chart's time resolution), in ascending time. */
function byTime<T extends { ts: number }>(points: T[]): T[] {
  const out: T[] = [];
  for (const p of [...points].sort((a, b) => a.ts - b.ts)) {
    if (out.length > 0 && seconds(out[out.length - 1]!.ts) === seconds(p.ts)) out[out.length - 1] = p;
    else out.push(p);
  }
  return out;
}

export function TimeChart({
  series,
  label,
  small,
}: {
  series: SeriesSpec[];
  label: string;
  small?: boolean;
}) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<IChartApi | null>(null);

  useEffect(() => {
    let cancelled = false;
    void import('lightweight-charts').then((lc) => {
      const el = box.current;
      if (cancelled || !el) return;
      chart.current?.remove();
      const css = getComputedStyle(el);
      const c = lc.createChart(el, {
        autoSize: true,
        layout: { background: { color: 'transparent' }, textColor: css.color, attributionLogo: false },
        grid: {
          vertLines: { color: 'rgba(128,128,128,0.15)' },
          horzLines: { color: 'rgba(128,128,128,0.15)' },
        },
        timeScale: { timeVisible: true },
      });
      chart.current = c;
      for (const s of series) {
        const pts = byTime(s.points);
        if (s.kind === 'candles') {
          c.addSeries(lc.CandlestickSeries, { title: s.title ?? '' }).setData(
            pts.map((p) => ({
              time: seconds(p.ts),
              open: p.open!,
              high: p.high!,
              low: p.low!,
              close: p.close!,
            })),
          );
        } else {
          const def = s.kind === 'line' ? lc.LineSeries : lc.AreaSeries;
          const opts =
            s.kind === 'line'
              ? { color: s.color ?? '#2563eb', lineWidth: 2 as const, title: s.title ?? '' }
              : {
                  lineColor: s.color ?? '#b42318',
                  topColor: 'rgba(180,35,24,0.05)',
                  bottomColor: 'rgba(180,35,24,0.4)',
                  title: s.title ?? '',
                };
          c.addSeries(def, opts).setData(pts.map((p) => ({ time: seconds(p.ts), value: p.value! })));
        }
      }
      c.timeScale().fitContent();
      el.dataset['rendered'] = 'true';
    });
    return () => {
      cancelled = true;
    };
  }, [series]);

  useEffect(
    () => () => {
      chart.current?.remove();
      chart.current = null;
    },
    [],
  );

  return <div ref={box} class={small ? 'chart small' : 'chart'} role="img" aria-label={label} />;
}
