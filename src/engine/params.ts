/**
 * Strategy parameters described as data (name, type, default, bounds,
 * description), so one description serves `GET /api/v1/strategies` and the
 * validation of requests. Problems become one ValidationError whose details
 * name each parameter and the limit it broke.
 */
import { ValidationError } from '../domain/errors.js';
import { Problems } from '../domain/validation.js';

export interface ParamSpec {
  name: string;
  type: 'integer' | 'number' | 'boolean';
  default: number | boolean;
  /** Inclusive bounds for numbers. */
  min?: number;
  max?: number;
  description: string;
}

export type ParamValues = Record<string, number | boolean>;

/**
 * Checks `raw` against `specs` and fills defaults. `check` adds rules between
 * parameters (e.g. fast < slow) once each parameter is valid on its own.
 *
 * @example
 * validateParams(smaCross.params, { fast: 10, slow: 50 }); // { fast: 10, slow: 50 }
 */
export function validateParams(
  specs: readonly ParamSpec[],
  raw: unknown,
  opts: { path?: string; check?: (p: ParamValues, problems: Problems, path: string) => void } = {},
): ParamValues {
  const path = opts.path ?? 'params';
  const problems = new Problems();
  const out: ParamValues = {};
  if (raw === undefined || raw === null) raw = {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ValidationError(`${path} must be an object`, {
      details: [{ path, message: 'must be an object' }],
    });
  }
  const given = raw as Record<string, unknown>;
  const known = new Set(specs.map((s) => s.name));
  for (const key of Object.keys(given)) {
    if (!known.has(key))
      problems.add(`${path}.${key}`, `is not a parameter; known: ${[...known].join(', ')}`);
  }
  for (const s of specs) {
    const v = given[s.name];
    const at = `${path}.${s.name}`;
    if (v === undefined) {
      out[s.name] = s.default;
      continue;
    }
    if (s.type === 'boolean') {
      if (typeof v !== 'boolean') problems.add(at, 'must be true or false');
      else out[s.name] = v;
      continue;
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) problems.add(at, 'must be a finite number');
    else if (s.type === 'integer' && !Number.isInteger(v)) problems.add(at, 'must be an integer');
    else if (s.min !== undefined && v < s.min) problems.add(at, `must be at least ${s.min}`);
    else if (s.max !== undefined && v > s.max) problems.add(at, `must be at most ${s.max}`);
    else out[s.name] = v;
  }
  if (problems.list.length === 0) opts.check?.(out, problems, path);
  problems.throwIfAny('invalid strategy parameters');
  return out;
}
