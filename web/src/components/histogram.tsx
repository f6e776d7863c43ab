/**
 * A bar chart in SVG: bins with their counts (a distribution), or labelled
 * values, on a y-axis of round steps with grid lines. Bars carry <title>s
 * and the figure a text alternative.
 */
export interface Bar {
  label: string;
  value: number;
}

/** Round tick steps from 0 to at least `max`: about four of 1, 2 or 5 times a power of ten. */
export function axisTicks(max: number): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / 4;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const ticks: number[] = [];
  for (let v = 0; v < max + step; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

const W = 640;
const H = 240;
const LEFT = 64;
const RIGHT = 8;
const TOP = 10;
const BOTTOM = 52;

export function Histogram({
  bars,
  label,
  format,
  xTitle,
  yTitle,
}: {
  bars: Bar[];
  label: string;
  format(v: number): string;
  /** What the bins are of, under the x labels. */
  xTitle?: string;
  /** What the bar heights count, beside the y-axis. */
  yTitle?: string;
}) {
  const ticks = axisTicks(Math.max(0, ...bars.map((b) => b.value)));
  const top = ticks[ticks.length - 1]!;
  const plotH = H - TOP - BOTTOM;
  const y = (v: number) => TOP + plotH - (plotH * v) / top;
  const bw = (W - LEFT - RIGHT) / Math.max(1, bars.length);
  const every = bars.length <= 12 ? 1 : Math.ceil(bars.length / 6);
  return (
    <figure class="histogram-figure">
      <svg class="histogram" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} width="100%">
        <g class="y-axis">
          {ticks.map((t) => (
            <g key={t}>
              <line class="grid" x1={LEFT} x2={W - RIGHT} y1={y(t)} y2={y(t)} />
              <text x={LEFT - 6} y={y(t) + 4} text-anchor="end">
                {format(t)}
              </text>
            </g>
          ))}
          <line class="axis" x1={LEFT} x2={LEFT} y1={TOP} y2={TOP + plotH} />
          {yTitle && (
            <text
              class="axis-title"
              transform={`translate(12 ${TOP + plotH / 2}) rotate(-90)`}
              text-anchor="middle"
            >
              {yTitle}
            </text>
          )}
        </g>
        {bars.map((b, i) => (
          <g key={b.label}>
            <rect
              x={LEFT + i * bw + 1}
              y={y(b.value)}
              width={Math.max(1, bw - 2)}
              height={TOP + plotH - y(b.value)}
            >
              <title>
                {b.label}: {format(b.value)}
              </title>
            </rect>
            {i % every === 0 && (
              <text
                x={LEFT + i * bw + bw / 2}
                y={TOP + plotH + 6}
                text-anchor="middle"
                dominant-baseline="hanging"
              >
                {b.label}
              </text>
            )}
          </g>
        ))}
        {xTitle && (
          <text class="axis-title" x={LEFT + (W - LEFT - RIGHT) / 2} y={H - 2} text-anchor="middle">
            {xTitle}
          </text>
        )}
      </svg>
      <figcaption class="hint">{label}</figcaption>
    </figure>
  );
}
