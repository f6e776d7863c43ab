/**
 * Parses and validates a Monte Carlo request: the trade returns to resample,
 * the method, the number of paths and the seed. Bounds keep one job to a
 * few seconds of CPU: at most MAX_PATHS paths, MAX_TRADES trades per path and
 * MAX_STEPS path-trades in all; a request over a bound gets a ValidationError
 * naming the field and the limit.
 */
import { ValidationError } from '../../domain/errors.js';
import { Problems } from '../../domain/validation.js';

export type MonteCarloMethod = 'reshuffle' | 'bootstrap';

export interface MonteCarloRequest {
  /** Net return of each trade, as a fraction (0.02 = +2%); each > -1. */
  tradeReturns: Float64Array;
  /**
   * `reshuffle`: every path is a random permutation of all the trades (final
   * equity is the same on every path; drawdowns differ). `bootstrap`: each
   * path draws `tradesPerPath` trades, with or without replacement.
   */
  method: MonteCarloMethod;
  /** Bootstrap only: draw with replacement. */
  replacement: boolean;
  tradesPerPath: number;
  paths: number;
  /** 32-bit unsigned seed; the same seed gives the same result. */
  seed: number;
  initialCapital: number;
  /** A path whose drawdown reaches this fraction (0.5 = 50%) counts as ruined. */
  ruinDrawdown: number;
}

export const MAX_PATHS = 1_000_000;
export const MAX_TRADES = 100_000;
/** paths x tradesPerPath: about 10 s on one core. */
export const MAX_STEPS = 1_000_000_000;

const KNOWN = new Set([
  'tradeReturns',
  'method',
  'replacement',
  'tradesPerPath',
  'paths',
  'seed',
  'initialCapital',
  'ruinDrawdown',
]);

function int(p: Problems, v: unknown, path: string, min: number, max: number): number | undefined {
  if (typeof v !== 'number' || !Number.isInteger(v)) p.add(path, 'must be an integer');
  else if (v < min) p.add(path, `must be at least ${min}`);
  else if (v > max) p.add(path, `must be at most ${max.toLocaleString('en-US')}`);
  else return v;
  return undefined;
}

/**
 * @example
 * parseMonteCarloRequest({ tradeReturns: [0.02, -0.01, 0.03], method: 'bootstrap', paths: 10_000, seed: 7 });
 */
export function parseMonteCarloRequest(raw: unknown): MonteCarloRequest {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ValidationError('a Monte Carlo request must be a JSON object', {
      details: [{ path: 'body', message: 'must be an object' }],
    });
  }
  const r = raw as Record<string, unknown>;
  const p = new Problems();
  for (const k of Object.keys(r)) if (!KNOWN.has(k)) p.add(k, 'is not a field of a Monte Carlo request');

  let returns: Float64Array | undefined;
  const tr = r.tradeReturns;
  if (!Array.isArray(tr) && !(tr instanceof Float64Array))
    p.add('tradeReturns', 'must be an array of numbers');
  else if (tr.length === 0) p.add('tradeReturns', 'must hold at least one trade');
  else if (tr.length > MAX_TRADES)
    p.add('tradeReturns', `must hold at most ${MAX_TRADES.toLocaleString('en-US')} trades`);
  else {
    returns = new Float64Array(tr.length);
    for (let i = 0; i < tr.length; i++) {
      const v: unknown = tr[i];
      if (typeof v !== 'number' || !Number.isFinite(v) || v <= -1) {
        p.add(`tradeReturns[${i}]`, 'must be a finite number greater than -1 (a fraction: 0.02 = +2%)');
        returns = undefined;
        break;
      }
      returns[i] = v;
    }
  }
  const method = r.method ?? 'reshuffle';
  if (method !== 'reshuffle' && method !== 'bootstrap') p.add('method', 'must be reshuffle or bootstrap');
  const replacement = r.replacement ?? true;
  if (typeof replacement !== 'boolean') p.add('replacement', 'must be true or false');
  const paths = int(p, r.paths ?? 10_000, 'paths', 1, MAX_PATHS);
  const n = returns?.length ?? (Array.isArray(tr) ? tr.length : 0);
  let tradesPerPath: number | undefined = n;
  if (r.tradesPerPath !== undefined) {
    if (method === 'reshuffle')
      p.add('tradesPerPath', 'applies to bootstrap only (a reshuffle uses every trade)');
    else {
      const withoutReplacement = replacement === false;
      tradesPerPath = int(p, r.tradesPerPath, 'tradesPerPath', 1, withoutReplacement ? n : MAX_TRADES);
    }
  }
  if (paths !== undefined && tradesPerPath !== undefined && paths * tradesPerPath > MAX_STEPS) {
    p.add(
      'paths',
      `x tradesPerPath must be at most ${MAX_STEPS.toLocaleString('en-US')} (here ${(paths * tradesPerPath).toLocaleString('en-US')})`,
    );
  }
  const seed = int(p, r.seed ?? 1, 'seed', 0, 0xffff_ffff);
  let initialCapital: number | undefined = 10_000;
  if (r.initialCapital !== undefined) {
    const v = r.initialCapital;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > 1e12) {
      p.add('initialCapital', 'must be a number greater than 0 and at most 1e12');
      initialCapital = undefined;
    } else initialCapital = v;
  }
  let ruinDrawdown: number | undefined = 0.5;
  if (r.ruinDrawdown !== undefined) {
    const v = r.ruinDrawdown;
    if (typeof v !== 'number' || !(v > 0 && v <= 1)) {
      p.add('ruinDrawdown', 'must be a fraction greater than 0 and at most 1 (0.5 = 50%)');
      ruinDrawdown = undefined;
    } else ruinDrawdown = v;
  }
  p.throwIfAny('invalid Monte Carlo request');
  return {
    tradeReturns: returns!,
    method: method as MonteCarloMethod,
    replacement: replacement as boolean,
    tradesPerPath: tradesPerPath!,
    paths: paths!,
    seed: seed!,
    initialCapital: initialCapital!,
    ruinDrawdown: ruinDrawdown!,
  };
}
