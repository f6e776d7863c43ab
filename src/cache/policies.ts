/**
 * How long each data kind stays fresh, how long it may be served stale, and
 * how long a load may take: the defaults, the parser for operator overrides
 * (`CACHE_TTL_OVERRIDES`), and the merge of the two into frozen policies.
 *
 * Default grace is max(ttl, 60 s), except where a stale answer is risky
 * (`orderBook` 10 s, `positions` and `traderPerformance` 30 s) or harmless for
 * long (`marketList`, `marketDetail` 30 min, `macro` 1 h). Soft timeouts are
 * what a user-facing read can wait before a stale answer beats a fresh one;
 * hard timeouts bound a load that has nothing stale to fall back on.
 */
import { type ErrorDetail, ValidationError } from '../domain/errors.js';
import { CACHE_KINDS, type CacheKind, type KindPolicy } from './cache.js';

export type CachePolicies = Readonly<Record<CacheKind, Readonly<KindPolicy>>>;
export type PolicyOverrides = Partial<Record<CacheKind, Partial<KindPolicy>>>;

const S = 1_000;
const MIN = 60 * S;
const H = 60 * MIN;

function policy(ttlMs: number, graceMs: number, softTimeoutMs: number, hardTimeoutMs: number): KindPolicy {
  return Object.freeze({ ttlMs, graceMs, softTimeoutMs, hardTimeoutMs });
}

/** The built-in policy of every kind (ttl, grace, soft timeout, hard timeout, all in ms). */
export const DEFAULT_POLICIES: CachePolicies = Object.freeze({
  price: policy(20 * S, 60 * S, 250, 2 * S),
  ticker: policy(30 * S, 60 * S, 250, 2 * S),
  orderBook: policy(2 * S, 10 * S, 250, 2 * S),
  ohlcv: policy(5 * MIN, 5 * MIN, 500, 5 * S),
  marketList: policy(5 * MIN, 30 * MIN, 500, 5 * S),
  marketDetail: policy(5 * MIN, 30 * MIN, 500, 5 * S),
  marketData: policy(2 * MIN, 2 * MIN, 500, 5 * S),
  technical: policy(10 * MIN, 10 * MIN, 1 * S, 10 * S),
  macro: policy(15 * MIN, 1 * H, 1 * S, 10 * S),
  positions: policy(30 * S, 30 * S, 500, 3 * S),
  userProfile: policy(1 * H, 1 * H, 500, 3 * S),
  leaderboard: policy(1 * H, 1 * H, 1 * S, 10 * S),
  traderPerformance: policy(2 * S, 30 * S, 250, 3 * S),
  // A model's answer to exact inputs (a closed candle) never changes, so it is kept a day; the
  // hard timeout bounds a load queued behind AI_CONCURRENCY (each call has its own AI_TIMEOUT_MS).
  aiAnalysis: policy(24 * H, 24 * H, 1 * MIN, 10 * MIN),
  aiDecision: policy(24 * H, 24 * H, 1 * MIN, 10 * MIN),
});

const FIELDS = {
  ttl: 'ttlMs',
  grace: 'graceMs',
  soft: 'softTimeoutMs',
  hard: 'hardTimeoutMs',
} as const satisfies Record<string, keyof KindPolicy>;
type FieldName = keyof typeof FIELDS;

const UNITS: Record<string, number> = { '': 1, ms: 1, s: S, m: MIN, h: H };
const KINDS: ReadonlySet<string> = new Set(CACHE_KINDS);

function isKind(s: string): s is CacheKind {
  return KINDS.has(s);
}

function isField(s: string): s is FieldName {
  return Object.hasOwn(FIELDS, s);
}

/**
 * Parses operator overrides: comma-separated `kind=duration` (sets the TTL)
 * or `kind.field=duration` with field `ttl`, `grace`, `soft` or `hard`.
 * A duration is a whole number with an optional unit `ms` (default), `s`,
 * `m` or `h`. Every bad part is reported in one ValidationError, each detail
 * naming the part and `source` (the variable it came from).
 *
 * @example
 * parseKindOverrides('price=5000, ticker=10s, orderBook.grace=0');
 * // { price: { ttlMs: 5000 }, ticker: { ttlMs: 10000 }, orderBook: { graceMs: 0 } }
 */
export function parseKindOverrides(text: string, source = 'CACHE_TTL_OVERRIDES'): PolicyOverrides {
  const out: PolicyOverrides = {};
  const problems: ErrorDetail[] = [];
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  parts.forEach((part, i) => {
    const path = `${source}[${i}]`;
    const m = /^([A-Za-z]+)(?:\.([A-Za-z]+))?\s*=\s*(\d+)\s*(ms|s|m|h)?$/.exec(part);
    if (!m) {
      problems.push({
        path,
        message: `"${part}" is not kind=duration or kind.field=duration (e.g. price=5000)`,
      });
      return;
    }
    const [, kind = '', field = 'ttl', digits = '', unit = ''] = m;
    if (!isKind(kind)) {
      problems.push({
        path,
        message: `"${part}": unknown cache kind "${kind}" (known: ${CACHE_KINDS.join(', ')})`,
      });
      return;
    }
    if (!isField(field)) {
      problems.push({ path, message: `"${part}": unknown field "${field}" (known: ttl, grace, soft, hard)` });
      return;
    }
    const ms = Number(digits) * (UNITS[unit] ?? 1);
    if (!Number.isSafeInteger(ms)) {
      problems.push({ path, message: `"${part}": duration too large` });
      return;
    }
    out[kind] = { ...out[kind], [FIELDS[field]]: ms };
  });
  if (problems.length > 0) {
    throw new ValidationError(`${source}: ${problems.map((p) => p.message).join('; ')}`, {
      details: problems,
    });
  }
  return out;
}

/** Problems with one merged policy, as messages; empty when it is usable. */
function policyProblems(p: KindPolicy): string[] {
  const out: string[] = [];
  const whole = (v: number) => Number.isSafeInteger(v) && v >= 0;
  if (!whole(p.ttlMs) || p.ttlMs < 1) out.push(`ttl must be a whole number of ms >= 1 (got ${p.ttlMs})`);
  if (!whole(p.graceMs)) out.push(`grace must be a whole number of ms >= 0 (got ${p.graceMs})`);
  if (!whole(p.softTimeoutMs))
    out.push(`soft timeout must be a whole number of ms >= 0 (got ${p.softTimeoutMs})`);
  if (!whole(p.hardTimeoutMs) || p.hardTimeoutMs < 1)
    out.push(`hard timeout must be a whole number of ms >= 1 (got ${p.hardTimeoutMs})`);
  if (p.softTimeoutMs > p.hardTimeoutMs)
    out.push(`soft timeout (${p.softTimeoutMs}) must not exceed hard timeout (${p.hardTimeoutMs})`);
  return out;
}

/**
 * The defaults with `overrides` applied field by field, validated and frozen.
 * Throws ValidationError naming each bad kind and field.
 *
 * @example
 * const policies = buildPolicies(parseKindOverrides(process.env.CACHE_TTL_OVERRIDES ?? ''));
 */
export function buildPolicies(overrides: PolicyOverrides = {}): CachePolicies {
  const merged = {} as Record<CacheKind, Readonly<KindPolicy>>;
  const problems: ErrorDetail[] = [];
  for (const kind of CACHE_KINDS) {
    const p = { ...DEFAULT_POLICIES[kind], ...overrides[kind] };
    for (const message of policyProblems(p)) problems.push({ path: kind, message: `${kind}: ${message}` });
    merged[kind] = Object.freeze(p);
  }
  for (const kind of Object.keys(overrides)) {
    if (!isKind(kind)) problems.push({ path: kind, message: `unknown cache kind "${kind}"` });
  }
  if (problems.length > 0) {
    throw new ValidationError(`cache policies: ${problems.map((p) => p.message).join('; ')}`, {
      details: problems,
    });
  }
  return Object.freeze(merged);
}
