/**
 * Units and words for the observability summaries' field names: a value
 * whose key ends in `Bytes` shows in MiB, `Ms` in ms, `Seconds` in s,
 * `Pct` and rates / ratios (0..1) in %; the label drops the unit suffix and
 * spells abbreviations out ("p99Ms" -> "99th percentile (ms)").
 */
import { fmtNum } from './format';

const WORDS: Record<string, string> = {
  p50: 'median',
  p95: '95th percentile',
  p99: '99th percentile',
  rss: 'resident memory (RSS)',
  cpu: 'CPU',
  db: 'database',
  ws: 'WebSocket',
  ttl: 'time to live',
  id: 'id',
};

const UNIT_SUFFIX = /(Bytes|Ms|Seconds|Pct)$/;

export function unitOf(key: string): 'MiB' | 'ms' | 's' | '%' | 'ratio%' | null {
  const last = key.split('.').pop() ?? key;
  if (/bytes$/i.test(last)) return 'MiB';
  if (/Ms$/.test(last) || /^(p50|p95|p99|max|min|avg)$/.test(last))
    return key.includes('Ms') || /ms/i.test(key) ? 'ms' : null;
  if (/Seconds$/.test(last)) return 's';
  if (/Pct$/.test(last)) return '%';
  if (/(Rate|Ratio)$/.test(last) || last === 'rate' || last === 'ratio') return 'ratio%';
  return null;
}

export function withUnit(key: string, value: number): string {
  switch (unitOf(key)) {
    case 'MiB':
      return `${fmtNum(value / 1_048_576, 1)} MiB`;
    case 'ms':
      return `${fmtNum(value, 1)} ms`;
    case 's':
      return `${fmtNum(value, 1)} s`;
    case '%':
      return `${fmtNum(value, 1)} %`;
    case 'ratio%':
      return value >= 0 && value <= 1 ? `${fmtNum(value * 100, 1)} %` : fmtNum(value, 3);
    default:
      return fmtNum(value, 3);
  }
}

/** "p99Ms" -> "99th percentile", "rssBytes" -> "Resident memory (RSS)", "a.b" -> "A, b". */
export function labelOf(key: string): string {
  const text = key
    .split('.')
    .map((part) => {
      const bare = part.replace(UNIT_SUFFIX, '') || part;
      return (
        WORDS[bare.toLowerCase()] ??
        bare
          .replace(/([a-z])([A-Z])/g, '$1 $2')
          .replace(/\b(p50|p95|p99)\b/gi, (m) => WORDS[m.toLowerCase()]!)
          .toLowerCase()
      );
    })
    .join(', ');
  return text.replace(/^./, (c) => c.toUpperCase());
}
