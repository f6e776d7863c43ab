/**
 * One benchmark figure as recorded in `bench/results/<name>.json`: the value,
 * the reference measured in the same run, the target it is held to, and where
 * it was measured. `pass` is computed from the measured numbers, never set.
 */
import os from 'node:os';

export interface Reference {
  name: string;
  value: number;
  unit: string;
}

export interface Machine {
  cpus: number;
  model: string;
  memGiB: number;
}

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  /** The figure the value is held to, in words ("p99 <= 1 ms"). */
  target: string;
  reference: Reference | null;
  /** value / reference.value, or null without a reference. */
  ratio: number | null;
  pass: boolean;
  node: string;
  date: string;
  machine: Machine;
  notes: string;
  /** The database the figure was measured on, for store-bound figures. */
  dialect?: 'sqlite' | 'postgres';
  /** What the median of several rounds is taken over (default: the ratio when there is a reference). */
  judgedBy?: 'value' | 'ratio';
}

export interface Figure {
  name: string;
  value: number;
  unit: string;
  target: string;
  reference?: Reference | null;
  /** Whether the measured figures meet the target. */
  pass: boolean;
  notes?: string | string[];
  dialect?: 'sqlite' | 'postgres';
  judgedBy?: 'value' | 'ratio';
}

export function machine(): Machine {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    model: cpus[0]?.model.trim() ?? 'unknown',
    memGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
  };
}

/** Other work on the machine skews every figure: say how busy it was. */
function loadNote(): string {
  const [one = 0, five = 0] = os.loadavg();
  return `load average ${one.toFixed(2)} (1 min), ${five.toFixed(2)} (5 min) on ${os.cpus().length} CPUs`;
}

export function result(f: Figure): BenchResult {
  const reference = f.reference ?? null;
  const ratio =
    reference && reference.value !== 0 && Number.isFinite(f.value) ? f.value / reference.value : null;
  return {
    name: f.name,
    value: f.value,
    unit: f.unit,
    target: f.target,
    reference,
    ratio,
    pass: f.pass && Number.isFinite(f.value),
    node: process.version,
    date: new Date().toISOString(),
    machine: machine(),
    notes: [...(Array.isArray(f.notes) ? f.notes : f.notes ? [f.notes] : []), loadNote()].join('; '),
    ...(f.dialect ? { dialect: f.dialect } : {}),
    ...(f.judgedBy ? { judgedBy: f.judgedBy } : {}),
  };
}

/** A failed figure for a benchmark that threw: recorded, never silently dropped. */
export function failure(name: string, err: unknown): BenchResult {
  const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
  return result({
    name,
    value: Number.NaN,
    unit: '',
    target: 'benchmark completes',
    pass: false,
    notes: `failed: ${message}`,
  });
}
