/**
 * Daily profit as SVG bars around a zero line: realised PnL per UTC day,
 * today's bar topped with the open positions' unrealised PnL (lighter).
 * A y-axis with the extremes, a <title> per bar, a text alternative.
 */
import type { DailyBar } from '../api/types';
import { fmtMoney } from './format';

export function ProfitBars({ bars }: { bars: DailyBar[] }) {
  const w = 640;
  const h = 200;
  const left = 56;
  const bottom = 20;
  const values = bars.flatMap((b) => [Number(b.total), Number(b.realizedPnl)]);
  const top = Math.max(0, ...values);
  const low = Math.min(0, ...values);
  const span = top - low || 1;
  const y = (v: number) => 8 + ((top - v) * (h - bottom - 8)) / span;
  const bw = (w - left) / Math.max(1, bars.length);
  const best = bars.reduce((m, b) => (Number(b.total) > Number(m?.total ?? -Infinity) ? b : m), bars[0]);
  const summary = `Profit per UTC day over the last ${bars.length} days, from ${fmtMoney(low)} to ${fmtMoney(top)}${best ? `; best day ${best.day}` : ''}`;
  return (
    <figure class="profit-bars">
      <svg viewBox={`0 0 ${w} ${h}`} role="img" aria-label={summary} width="100%">
        <line class="axis" x1={left} x2={w} y1={y(0)} y2={y(0)} />
        {top > 0 && (
          <text class="tick" x={left - 4} y={y(top) + 4} text-anchor="end">
            {fmtMoney(top)}
          </text>
        )}
        {low < 0 && (
          <text class="tick" x={left - 4} y={y(low)} text-anchor="end">
            {fmtMoney(low)}
          </text>
        )}
        <text class="tick" x={left - 4} y={y(0) + 4} text-anchor="end">
          0
        </text>
        {bars.map((b, i) => {
          const realized = Number(b.realizedPnl);
          const open = Number(b.unrealizedPnl);
          const x = left + i * bw + 1;
          const width = Math.max(1, bw - 2);
          const r0 = Math.min(y(0), y(realized));
          const o0 = Math.min(y(realized), y(realized + open));
          return (
            <g key={b.day}>
              <title>
                {b.day}: realised {fmtMoney(realized)}
                {open !== 0 ? `, open ${fmtMoney(open)}` : ''} ({b.closedPositions} closed)
              </title>
              <rect
                class={realized < 0 ? 'bar down' : 'bar up'}
                x={x}
                y={r0}
                width={width}
                height={Math.abs(y(realized) - y(0))}
              />
              {open !== 0 && (
                <rect
                  class={open < 0 ? 'bar open down' : 'bar open up'}
                  x={x}
                  y={o0}
                  width={width}
                  height={Math.abs(y(realized + open) - y(realized))}
                />
              )}
              {(i === 0 || i === bars.length - 1 || i % Math.ceil(bars.length / 6) === 0) && (
                <text
                  class="tick"
                  x={i === bars.length - 1 ? x + width : x + width / 2}
                  y={h - 4}
                  text-anchor={i === bars.length - 1 ? 'end' : 'middle'}
                >
                  {b.day.slice(5)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption class="hint">
        Daily profit (UTC days): realised, and open PnL on today's bar (lighter).
      </figcaption>
    </figure>
  );
}
