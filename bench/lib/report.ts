/**
 * Writing results: one JSON file per figure under bench/results/, a console
 * table for this run, and bench/results/latest.md (embedded by the README)
 * rebuilt from every recorded figure, so a filtered run updates its own rows.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { RoundedResult as BenchResult } from './rounds.js';
import { formatNumber } from './stats.js';

const COLUMNS = ['name', 'value', 'reference', 'ratio', 'target', 'pass'] as const;

function cells(r: BenchResult): string[] {
  const value = `${formatNumber(r.value)} ${r.unit}`.trim();
  const reference = r.reference
    ? `${formatNumber(r.reference.value)} ${r.reference.unit} (${r.reference.name})`
    : '—';
  const ratio = r.ratio === null ? '—' : formatNumber(r.ratio);
  return [r.name, value, reference, ratio, r.target, r.pass ? 'yes' : 'NO'];
}

export function writeResults(dir: string, results: readonly BenchResult[]): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const r of results)
    fs.writeFileSync(path.join(dir, `${r.name}.json`), `${JSON.stringify(r, null, 2)}\n`);
}

export function readResults(dir: string): BenchResult[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as BenchResult);
}

/** Rows padded to aligned columns, joined the way both the console and Markdown (as biome formats it) want. */
function aligned(rows: string[][], edge: boolean): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => {
    const inner = r.map((c, i) => c.padEnd(widths[i]!)).join(' | ');
    return edge ? `| ${inner} |` : inner.trimEnd();
  };
  const rule = edge
    ? `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`
    : widths.map((w) => '-'.repeat(w)).join('-|-');
  return [line(rows[0]!), rule, ...rows.slice(1).map(line)];
}

export function consoleTable(results: readonly BenchResult[]): string {
  return aligned([Array.from(COLUMNS), ...results.map(cells)], false).join('\n');
}

/** The figure a PostgreSQL result sits beside: `toggle-http-pg` is the PostgreSQL column of `toggle-http`. */
export const PG_SUFFIX = '-pg';
const baseName = (r: BenchResult) =>
  r.dialect === 'postgres' && r.name.endsWith(PG_SUFFIX) ? r.name.slice(0, -PG_SUFFIX.length) : r.name;

function dialectCells(r: BenchResult | undefined): string[] {
  if (!r) return ['—', '—', '—'];
  const c = cells(r);
  const ratio = c[3] === '—' ? '' : ` = ${c[3]}`;
  const spread =
    r.rounds && r.rounds.n > 1 ? ` (${r.rounds.passes.filter(Boolean).length}/${r.rounds.n})` : '';
  return [c[1]!, `${c[2]}${ratio}`, `${c[4]}: ${r.pass ? 'yes' : 'NO'}${spread}`];
}

/**
 * One row per figure, the SQLite (or dialect-free) measurement and the
 * PostgreSQL one side by side; each verdict says how many rounds met it.
 */
export function markdownTable(results: readonly BenchResult[], order: readonly string[]): string {
  const rank = (name: string) => {
    const i = order.findIndex((prefix) => name.startsWith(prefix));
    return i < 0 ? order.length : i;
  };
  const rows = new Map<string, { main?: BenchResult; pg?: BenchResult }>();
  for (const r of results) {
    const key = baseName(r);
    const row = rows.get(key) ?? {};
    if (r.dialect === 'postgres' && key !== r.name) row.pg = r;
    else row.main = r;
    rows.set(key, row);
  }
  const names = [...rows.keys()].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const esc = (c: string) => c.replaceAll('|', '\\|');
  const header = [
    'name',
    'SQLite / value',
    'reference = ratio',
    'target: met (rounds)',
    'PostgreSQL / value',
    'reference = ratio',
    'target: met (rounds)',
  ];
  const body = names.map((n) => {
    const row = rows.get(n)!;
    return [n, ...dialectCells(row.main), ...dialectCells(row.pg)].map(esc);
  });
  const table = aligned([header, ...body], true).join('\n');
  const dates = results.map((r) => r.date).sort();
  const first = results[0];
  const m = first?.machine;
  const where = m ? `${m.cpus} × ${m.model}, ${m.memGiB} GiB, Node ${first!.node}` : 'no results';
  const when = dates.length ? `${dates[0]!.slice(0, 16)}Z – ${dates[dates.length - 1]!.slice(0, 16)}Z` : '';
  const counts = [...new Set(results.map((r) => r.rounds?.n ?? 1))].sort((a, b) => a - b);
  const rounds =
    counts.length === 1
      ? `each figure is the median of ${counts[0]} round(s) of its run`
      : `each figure is the median of its run's rounds (${counts.join(' or ')}; 1 for figures recorded before rounds existed)`;
  return `${table}\n\nMeasured by \`npm run bench\` on ${where}, ${when}; ${rounds}. Details, spread and notes: \`bench/results/<name>.json\`.\n`;
}
