/**
 * Verdicts that hold from run to run: every benchmark runs N rounds inside one
 * `npm run bench` (BENCH_ROUNDS, default 3), and each figure is recorded as its
 * median round, with the spread of all rounds beside it. The median round is
 * the one with the median ratio to its reference (the median value when the
 * figure has no reference, or when it is judged on its value), and its verdict
 * is the figure's verdict: one unlucky round cannot flip it.
 */
import type { BenchResult } from './result.js';
import { formatNumber } from './stats.js';

export const DEFAULT_ROUNDS = 3;

export interface RoundSpread {
  n: number;
  values: number[];
  ratios: (number | null)[];
  passes: boolean[];
  /** Index (0-based) of the round recorded as the figure. */
  median: number;
}

export interface RoundedResult extends BenchResult {
  rounds?: RoundSpread;
}

export function roundsFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env['BENCH_ROUNDS'];
  if (raw === undefined || raw === '') return DEFAULT_ROUNDS;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 20) {
    throw new Error(`BENCH_ROUNDS must be an integer from 1 to 20, got "${raw}"`);
  }
  return n;
}

/** The quantity the median is taken over: the ratio when every round has one, else the value. */
function medianKey(rs: readonly BenchResult[]): (r: BenchResult) => number {
  const byRatio = rs.every((r) => r.ratio !== null && Number.isFinite(r.ratio) && r.judgedBy !== 'value');
  return byRatio ? (r) => r.ratio! : (r) => r.value;
}

/** One figure from its rounds (in run order); a round that failed to run fails the figure. */
export function medianRound(rs: readonly BenchResult[]): RoundedResult {
  if (rs.length === 0) throw new Error('no rounds to summarise');
  const failed = rs.find((r) => !Number.isFinite(r.value));
  const key = medianKey(rs);
  const order = rs.map((_, i) => i).sort((a, b) => key(rs[a]!) - key(rs[b]!));
  const median = failed ? rs.indexOf(failed) : order[Math.floor((order.length - 1) / 2)]!;
  const chosen = rs[median]!;
  const spread: RoundSpread = {
    n: rs.length,
    values: rs.map((r) => r.value),
    ratios: rs.map((r) => r.ratio),
    passes: rs.map((r) => r.pass),
    median,
  };
  if (rs.length === 1) return { ...chosen, rounds: spread };
  return {
    ...chosen,
    rounds: spread,
    notes: `median of ${rs.length} rounds (${describeSpread(spread, chosen.unit)}); ${chosen.notes}`,
  };
}

export function describeSpread(s: RoundSpread, unit: string): string {
  const range = (xs: number[]) => `${formatNumber(Math.min(...xs))}-${formatNumber(Math.max(...xs))}`;
  const ratios = s.ratios.filter((r): r is number => r !== null);
  const passed = s.passes.filter(Boolean).length;
  return [
    `values ${range(s.values)} ${unit}`.trim(),
    ...(ratios.length === s.n ? [`ratios ${range(ratios)}`] : []),
    `${passed} of ${s.n} rounds met the target`,
  ].join(', ');
}

/** Groups the results of every round by figure name, keeping first-seen order. */
export function byFigure(rounds: readonly (readonly BenchResult[])[]): BenchResult[][] {
  const groups = new Map<string, BenchResult[]>();
  for (const round of rounds)
    for (const r of round) {
      const g = groups.get(r.name);
      if (g) g.push(r);
      else groups.set(r.name, [r]);
    }
  return [...groups.values()];
}
