/**
 * A latency figure held to a ceiling on one percentile, optionally beside a
 * reference sampled in the same interleaved loop.
 */
import { type BenchResult, result } from './result.js';
import { describe, type Summary, summarize } from './stats.js';

export interface LatencyFigure {
  name: string;
  stat: 'p50' | 'p99';
  /** Ceiling on `stat`, in microseconds (Infinity: none). */
  limitUs: number;
  /** Ceiling on `stat` as a multiple of the reference's `stat`. */
  maxRatio?: number;
  dialect?: 'sqlite' | 'postgres';
  /** Target in words, e.g. "p50 <= 20 µs". */
  target: string;
  samples: number[];
  reference?: { name: string; samples: number[] };
  /** Extra conditions the run must meet (correctness checks), with their notes. */
  checks?: { ok: boolean; note: string }[];
  notes?: string[];
  /** Report in milliseconds instead of microseconds. */
  millis?: boolean;
}

export function latencyResult(f: LatencyFigure): BenchResult {
  const unit = f.millis ? 'ms' : 'µs';
  const scale = f.millis ? 1 / 1000 : 1;
  const sv: Summary = summarize(f.samples);
  const rf = f.reference ? summarize(f.reference.samples) : undefined;
  const checks = f.checks ?? [];
  const ratioOk = f.maxRatio === undefined || (rf !== undefined && sv[f.stat] <= f.maxRatio * rf[f.stat]);
  return result({
    name: f.name,
    ...(f.dialect ? { dialect: f.dialect } : {}),
    ...(f.maxRatio === undefined ? { judgedBy: 'value' as const } : {}),
    value: sv[f.stat] * scale,
    unit,
    target: f.target,
    reference:
      f.reference && rf ? { name: `${f.reference.name} ${f.stat}`, value: rf[f.stat] * scale, unit } : null,
    pass: sv.n > 0 && sv[f.stat] <= f.limitUs && ratioOk && checks.every((c) => c.ok),
    notes: [
      `subject: ${describe(sv, unit, scale)}`,
      ...(f.reference && rf ? [`${f.reference.name}: ${describe(rf, unit, scale)}`] : []),
      ...(f.notes ?? []),
      ...checks.map((c) => (c.ok ? c.note : `CHECK FAILED: ${c.note}`)),
    ],
  });
}
