/**
 * Parses and validates a backtest request, e.g.
 * `{"strategy":"sma-cross","params":{"fast":10,"slow":50},"venue":"replay",
 * "symbol":"SPX","timeframe":"1d","from":"2000-01-01","to":"2020-12-31",
 * "feeRate":0.001,"initialCapital":10000}`. Every problem is reported with the
 * path of its field in one ValidationError; nothing runs on bad input.
 */
import { ValidationError } from '../domain/errors.js';
import { ISO_TIME_FORMS, parseIsoTime } from '../domain/iso-time.js';
import { Problems } from '../domain/validation.js';
import type { ParamValues } from '../engine/params.js';
import type { RiskLimits } from '../engine/risk.js';
import { getStrategy } from '../engine/strategies/registry.js';
import { type ModelReplay, type ModelReplayAsk, parseModelReplay } from './model-replay-request.js';

/**
 * A backtest as it runs. `modelReplay` is the client's ask once parsed
 * (`ModelReplayAsk`) and, once the submission has read the recorded answers,
 * the replay itself (`ModelReplay`): a job stores and runs the latter.
 */
export interface BacktestRequest<Replay extends ModelReplayAsk | ModelReplay = ModelReplayAsk | ModelReplay> {
  strategy: string;
  params: ParamValues;
  venue: string;
  symbol: string;
  timeframe: string;
  /** First bar open time included, ms since the epoch. */
  from: number;
  /** End, exclusive: a date-only `to` includes that whole UTC day. */
  to: number;
  feeRate: number;
  slippageBps: number;
  initialCapital: number;
  /** Fraction of a bar's volume one fill may take; 0 = no cap. */
  maxVolumeFraction: number;
  risk: Partial<RiskLimits>;
  /** Replay the pipeline's recorded decider answers for these bars (model-replay-request.ts). */
  modelReplay?: Replay;
}

const DAY_MS = 86_400_000;
const TIMEFRAME = /^[1-9]\d*[mhdwM]$/;
const KNOWN = new Set([
  'strategy',
  'params',
  'venue',
  'symbol',
  'timeframe',
  'from',
  'to',
  'feeRate',
  'slippageBps',
  'initialCapital',
  'maxVolumeFraction',
  'risk',
  'modelReplay',
]);

/** Limits of every numeric field: [min, max], inclusive unless noted. */
export const BACKTEST_LIMITS = {
  feeRate: [0, 0.1],
  slippageBps: [0, 1000],
  initialCapital: [0.01, 1e12],
  maxVolumeFraction: [0, 1],
} as const;

const RISK_FIELDS: Record<string, { min: number; max: number; integer?: boolean; minExclusive?: boolean }> = {
  positionFraction: { min: 0, max: 1, minExclusive: true },
  riskPerTrade: { min: 0, max: 0.5 },
  atrPeriod: { min: 1, max: 500, integer: true },
  atrMultiple: { min: 0, max: 50, minExclusive: true },
  maxOpenPositions: { min: 1, max: 10_000, integer: true },
  maxSymbolExposure: { min: 0, max: 1, minExclusive: true },
  dailyLossLimit: { min: 0, max: 1, minExclusive: false },
};

function number(
  p: Problems,
  v: unknown,
  path: string,
  min: number,
  max: number,
  opts: { integer?: boolean; minExclusive?: boolean } = {},
): number | undefined {
  if (typeof v !== 'number' || !Number.isFinite(v)) p.add(path, 'must be a finite number');
  else if (opts.integer && !Number.isInteger(v)) p.add(path, 'must be an integer');
  else if (opts.minExclusive ? v <= min : v < min)
    p.add(path, `must be ${opts.minExclusive ? 'greater than' : 'at least'} ${min}`);
  else if (v > max) p.add(path, `must be at most ${max}`);
  else return v;
  return undefined;
}

/** A date (`YYYY-MM-DD`, UTC) or date-time with zone; `end` turns a date into the end of that day (exclusive). */
function date(p: Problems, v: unknown, path: string, end: boolean): number | undefined {
  const t = parseIsoTime(v);
  if (t) return t.dateOnly && end ? t.ms + DAY_MS : t.ms;
  p.add(path, `must be ${ISO_TIME_FORMS}, on a day that exists`);
  return undefined;
}

/**
 * Validates `raw`; `venues`, when given, lists the venue names the caller can serve.
 *
 * @example
 * parseBacktestRequest({ strategy: 'sma-cross', venue: 'replay', symbol: 'SPX', timeframe: '1d',
 *   from: '2000-01-01', to: '2020-12-31', feeRate: 0.001, initialCapital: 10_000 });
 */
export function parseBacktestRequest(
  raw: unknown,
  opts: { venues?: readonly string[] } = {},
): BacktestRequest<ModelReplayAsk> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ValidationError('a backtest request must be a JSON object', {
      details: [{ path: 'body', message: 'must be an object' }],
    });
  }
  const r = raw as Record<string, unknown>;
  const p = new Problems();
  for (const k of Object.keys(r)) if (!KNOWN.has(k)) p.add(k, 'is not a field of a backtest request');

  let strategy: string | undefined;
  let params: ParamValues | undefined;
  try {
    const def = getStrategy(r.strategy, 'strategy');
    strategy = def.id;
    params = def.parse(r.params, 'params');
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    for (const d of err.details) p.add(d.path, d.message);
  }
  const venue = p.text(r.venue, 'venue', { max: 64 });
  if (venue !== undefined && opts.venues && !opts.venues.includes(venue)) {
    p.add('venue', `must be one of ${opts.venues.join(', ')}`);
  }
  const symbol = p.text(r.symbol, 'symbol', { max: 64 });
  const timeframe = p.text(r.timeframe, 'timeframe', {
    max: 8,
    pattern: TIMEFRAME,
    patternDoc: 'a timeframe like 1m, 1h, 1d, 1w or 1M',
  });
  const from = date(p, r.from, 'from', false);
  const to = date(p, r.to, 'to', true);
  if (from !== undefined && to !== undefined && to <= from)
    p.add('to', 'must be after from (the date range is empty)');
  const L = BACKTEST_LIMITS;
  const feeRate = number(p, r.feeRate ?? 0, 'feeRate', L.feeRate[0], L.feeRate[1]);
  const slippageBps = number(p, r.slippageBps ?? 0, 'slippageBps', L.slippageBps[0], L.slippageBps[1]);
  const initialCapital = number(
    p,
    r.initialCapital,
    'initialCapital',
    L.initialCapital[0],
    L.initialCapital[1],
  );
  const maxVolumeFraction = number(p, r.maxVolumeFraction ?? 0, 'maxVolumeFraction', 0, 1);
  const risk: Partial<RiskLimits> = {};
  if (r.risk !== undefined) {
    if (typeof r.risk !== 'object' || r.risk === null || Array.isArray(r.risk))
      p.add('risk', 'must be an object');
    else {
      for (const [k, v] of Object.entries(r.risk)) {
        const spec = RISK_FIELDS[k];
        if (!spec) {
          p.add(`risk.${k}`, `is not a risk limit; known: ${Object.keys(RISK_FIELDS).join(', ')}`);
          continue;
        }
        const n = number(p, v, `risk.${k}`, spec.min, spec.max, spec);
        if (n !== undefined) risk[k as keyof RiskLimits] = n;
      }
    }
  }
  const modelReplay = r.modelReplay === undefined ? undefined : parseModelReplay(p, r.modelReplay);
  p.throwIfAny('invalid backtest request');
  return {
    strategy: strategy!,
    params: params!,
    venue: venue!,
    symbol: symbol!,
    timeframe: timeframe!,
    from: from!,
    to: to!,
    feeRate: feeRate!,
    slippageBps: slippageBps!,
    initialCapital: initialCapital!,
    maxVolumeFraction: maxVolumeFraction!,
    risk,
    ...(modelReplay ? { modelReplay } : {}),
  };
}
