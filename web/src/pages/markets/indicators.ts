/** Moving averages over closes, computed in the browser for the chart overlays. */

/** Simple moving average; undefined until `period` values are in. */
export function sma(values: number[], period: number): (number | undefined)[] {
  const out: (number | undefined)[] = [];
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i]!;
    if (i >= period) sum -= values[i - period]!;
    out.push(i >= period - 1 ? sum / period : undefined);
  }
  return out;
}

/** Exponential moving average seeded with the SMA of the first `period` values. */
export function ema(values: number[], period: number): (number | undefined)[] {
  const k = 2 / (period + 1);
  const out: (number | undefined)[] = [];
  let prev: number | undefined;
  const seed = sma(values, period);
  for (let i = 0; i < values.length; i++) {
    if (prev === undefined) prev = seed[i];
    else prev = values[i]! * k + prev * (1 - k);
    out.push(prev);
  }
  return out;
}
