/**
 * A bar chart in SVG: bins with their counts (a distribution), or labelled
 * values. Bars carry <title>s and the figure a text alternative.
 */
export interface Bar {
  label: string;
  value: number;
}

export function Histogram({
  bars,
  label,
  format,
}: {
  bars: Bar[];
  label: string;
  format(v: number): string;
}) {
  const w = 600;
  const h = 220;
  const pad = 24;
  const max = Math.max(...bars.map((b) => b.value), 1e-12);
  const bw = (w - pad * 2) / Math.max(1, bars.length);
  return (
    <figure class="histogram-figure">
      <svg class="histogram" viewBox={`0 0 ${w} ${h}`} role="img" aria-label={label} width="100%">
        {bars.map((b, i) => {
          const bh = ((h - pad * 2) * b.value) / max;
          return (
            <g key={b.label}>
              <rect x={pad + i * bw + 1} y={h - pad - bh} width={Math.max(1, bw - 2)} height={bh}>
                <title>
                  {b.label}: {format(b.value)}
                </title>
              </rect>
              {(bars.length <= 12 || i % Math.ceil(bars.length / 8) === 0) && (
                <text x={pad + i * bw + bw / 2} y={h - 6} text-anchor="middle">
                  {b.label}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption class="hint">{label}</figcaption>
    </figure>
  );
}
