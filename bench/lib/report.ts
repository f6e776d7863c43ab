/**
 * Writing results: one JSON file per figure under bench/results/, a console
 * table for this run, and bench/results/latest.md (embedded by the README)
 * rebuilt from every recorded figure, so a filtered run updates its own rows.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BenchResult } from './result.js';
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
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
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

export function markdownTable(results: readonly BenchResult[], order: readonly string[]): string {
  const rank = (r: BenchResult) => {
    const i = order.findIndex((prefix) => r.name.startsWith(prefix));
    return i < 0 ? order.length : i;
  };
  const sorted = [...results].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
  const esc = (c: string) => c.replaceAll('|', '\\|');
  const table = aligned([Array.from(COLUMNS), ...sorted.map((r) => cells(r).map(esc))], true).join('\n');
  const dates = sorted.map((r) => r.date).sort();
  const m = sorted[0]?.machine;
  const where = m ? `${m.cpus} × ${m.model}, ${m.memGiB} GiB, Node ${sorted[0]!.node}` : 'no results';
  const when = dates.length ? `${dates[0]!.slice(0, 16)}Z – ${dates[dates.length - 1]!.slice(0, 16)}Z` : '';
  return `${table}\n\nMeasured by \`npm run bench\` on ${where}, ${when}. Details and notes: \`bench/results/<name>.json\`.\n`;
}
