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

/** A money amount with its sign and two decimals (display only: the API's decimals stay exact). */
export function fmtMoney(v: number | string | null | undefined): string {
  if (v === null || v === undefined || v === '') return '—';
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(n)) return String(v);
  const text = Math.abs(n).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return n < 0 ? `−${text}` : n > 0 ? `+${text}` : text;
}

/** `part` as a percentage of `whole` (display only), or — when the whole is zero. */
export function fmtShare(part: string | number, whole: string | number): string {
  const w = Number(whole);
  if (!w) return '—';
  const pct = (Number(part) / Math.abs(w)) * 100;
  return `${pct > 0 ? '+' : pct < 0 ? '−' : ''}${Math.abs(pct).toFixed(2)} %`;
}

const PRICE = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 6 });

/** A market price in a list, to six significant digits: "97,000.5", "2,297.38", "0.154146". */
export function fmtPrice(v: string | number | null | undefined): string {
  if (v === null || v === undefined || v === '') return '—';
  const n = Number(v);
  return Number.isFinite(n) ? PRICE.format(n) : String(v);
}

/** A change already in per cent (a decimal string from the API) with its sign and two decimals: "+1.25 %". */
export function fmtChangePct(pct: string | number | null | undefined): string {
  if (pct === null || pct === undefined || pct === '') return '—';
  const n = Number(pct);
  if (!Number.isFinite(n)) return String(pct);
  const text = Math.abs(n).toFixed(2);
  return `${n > 0 && text !== '0.00' ? '+' : n < 0 && text !== '0.00' ? '−' : ''}${text} %`;
}

const COMPACT = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

/** A large quantity in few characters: "1.2M", "35.4K", "870". */
export function fmtCompact(v: string | number | null | undefined): string {
  if (v === null || v === undefined || v === '') return '—';
  const n = Number(v);
  return Number.isFinite(n) ? COMPACT.format(n) : String(v);
}

/** "3 min ago", "2 h ago", "5 d ago" for an ISO time. */
export function fmtAgo(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

/** "2024-03-05 14:00": a bar's time in UTC, as candles are stamped. */
export function fmtUtc(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}
