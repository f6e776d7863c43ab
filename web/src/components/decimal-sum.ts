/**
 * Exact sums and products of the API's decimal strings for display totals
 * (the dashboard never adds money through floating point): values are read
 * as integers scaled by 10^18.
 */
const SCALE = 18;
const ONE = 10n ** BigInt(SCALE);

function scaled(v: string): bigint {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(v.trim());
  if (!m) return 0n;
  const frac = (m[3] ?? '').slice(0, SCALE).padEnd(SCALE, '0');
  const n = BigInt(m[2]!) * ONE + BigInt(frac);
  return m[1] ? -n : n;
}

function text(n: bigint): string {
  const neg = n < 0n;
  const abs = neg ? -n : n;
  const int = abs / ONE;
  const frac = (abs % ONE).toString().padStart(SCALE, '0').replace(/0+$/, '');
  return `${neg ? '-' : ''}${int}${frac ? `.${frac}` : ''}`;
}

export function decSum(values: readonly string[]): string {
  return text(values.reduce((acc, v) => acc + scaled(v), 0n));
}

/** a × b, kept to 18 fraction digits. */
export function decMul(a: string, b: string): string {
  return text((scaled(a) * scaled(b)) / ONE);
}
