/** Number formatting for tables: decimal strings from the API shown as they are, or compacted. */
export function fmtNum(v: number | string | null | undefined, digits = 2): string {
  if (v === null || v === undefined || v === '') return '—';
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(n)) return String(v);
  return n.toLocaleString('en-US', { maximumFractionDigits: digits });
}

export function fmtPct(ratio: number | null | undefined): string {
  return ratio === null || ratio === undefined ? '—' : `${(ratio * 100).toFixed(1)} %`;
}

export function signClass(v: string | number | null | undefined): string {
  const n = Number(v);
  return n > 0 ? 'up' : n < 0 ? 'down' : '';
}
