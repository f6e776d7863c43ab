/**
 * The built-in strategies: listed (for `GET /api/v1/strategies`), looked up
 * by id and instantiated from validated parameters.
 */
import { ValidationError } from '../../domain/errors.js';
import type { ParamSpec, ParamValues } from '../params.js';
import type { Strategy, StrategyDefinition } from '../strategy.js';
import { breakout } from './breakout.js';
import { rsiReversion } from './rsi-reversion.js';
import { smaCross } from './sma-cross.js';

export const STRATEGIES: readonly StrategyDefinition[] = [smaCross, rsiReversion, breakout];

/** The JSON-ready catalogue: id, description and each parameter. */
export function strategyCatalog(): { id: string; description: string; params: ParamSpec[] }[] {
  return STRATEGIES.map((s) => ({
    id: s.id,
    description: s.description,
    params: s.params.map((p) => ({ ...p })),
  }));
}

/** The definition of `id`; ValidationError at `path` naming the known ids otherwise. */
export function getStrategy(id: unknown, path = 'strategy'): StrategyDefinition {
  const def = STRATEGIES.find((s) => s.id === id);
  if (def) return def;
  const known = STRATEGIES.map((s) => s.id).join(', ');
  throw new ValidationError(`unknown strategy ${JSON.stringify(id)}; known: ${known}`, {
    details: [{ path, message: `must be one of ${known}` }],
  });
}

/**
 * A fresh instance of strategy `id` with `raw` params validated.
 *
 * @example
 * const s = createStrategy('sma-cross', { fast: 10, slow: 50 });
 */
export function createStrategy(id: unknown, raw: unknown): { strategy: Strategy; params: ParamValues } {
  const def = getStrategy(id);
  const params = def.parse(raw, 'params');
  return { strategy: def.create(params), params };
}
