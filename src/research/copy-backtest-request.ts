/**
 * Parses a copy backtest request ("what if I had copied"), e.g.
 * `{"kind":"copy","source":"simulated","address":"sim-momentum-3",
 * "from":"2025-01-01","to":"2025-12-31","initialCapital":10000,
 * "followOptions":{"copyMode":"fixed","fixedAmount":"100","stopLossPct":"10"}}`.
 * The follow options are checked by the very rules a follow is
 * (`domain/trader.ts`); `address` by the source's own form when the caller
 * knows it. Every problem is reported with its field; nothing runs on bad input.
 */
import { type AmountInput, type Decimal, decimal } from '../domain/decimal.js';
import { ValidationError } from '../domain/errors.js';
import { ISO_TIME_FORMS, parseIsoTime } from '../domain/iso-time.js';
import {
  type AddressCheck,
  type FollowOptions,
  type FollowOptionsInput,
  LEADER_SOURCES,
  type NewTraderInput,
  parseNewTrader,
} from '../domain/trader.js';
import { Problems } from '../domain/validation.js';

export interface CopyBacktestRequest {
  kind: 'copy';
  source: string;
  address: string;
  /** First leader trade included, ms since the epoch. */
  from: number;
  /** End, exclusive (a date-only `to` includes that whole UTC day). */
  to: number;
  /** The paper balance the copies start from, in the quote currency. */
  initialCapital: Decimal;
  /** The follow's allocation (cap of its open exposure); '0' = none. */
  allocation: Decimal;
  followOptions: FollowOptions;
  /** Venue whose candles price the copies (sources priced at the leader's fill need none). */
  venue: string;
  timeframe: string;
  /** Paper fee as a share of notional (COPY_FEE_RATE's default). */
  feeRate: Decimal;
  /** Paper slippage as a share of price (COPY_SLIPPAGE's default). */
  slippage: Decimal;
}

const DAY_MS = 86_400_000;
/** The longest range one copy backtest replays. */
const MAX_RANGE_MS = 3 * 366 * DAY_MS;
const KNOWN = new Set([
  'kind',
  'source',
  'address',
  'from',
  'to',
  'initialCapital',
  'allocation',
  'followOptions',
  'venue',
  'timeframe',
  'feeRate',
  'slippage',
]);
const TIMEFRAMES = ['1m', '5m', '15m', '1h', '4h', '1d'];

export interface CopyBacktestContext {
  /** Venue names the caller can serve; the first is the default. */
  venues?: readonly string[];
  defaultVenue?: string;
  /** The sources' address rules (the API has them; a worker re-parsing does not need them). */
  checkAddress?: AddressCheck;
}

function date(p: Problems, v: unknown, path: string, end: boolean): number | undefined {
  const t = parseIsoTime(v);
  if (t) return t.dateOnly && end ? t.ms + DAY_MS : t.ms;
  p.add(path, `must be ${ISO_TIME_FORMS}, on a day that exists`);
  return undefined;
}

const AMOUNT_OPTIONS = [
  'takeProfitPct',
  'stopLossPct',
  'trailingStopPct',
  'maxPositionSize',
  'copyRatio',
  'fixedAmount',
  'minTradeSize',
] as const;
const isAmount = (v: unknown): v is AmountInput => typeof v === 'string' || typeof v === 'number';
const isNames = (v: unknown): v is string[] | null =>
  v === null || (Array.isArray(v) && v.every((x) => typeof x === 'string'));

/**
 * The follow part of a copy backtest request in the form the follow rules
 * read (the API's schemas check that form for a follow; here nothing did):
 * null, with the problems added, when a field has the wrong JSON type.
 */
function followShape(r: Record<string, unknown>, p: Problems): NewTraderInput | null {
  const before = p.list.length;
  if (r.allocation !== undefined && !isAmount(r.allocation)) p.add('allocation', 'must be a decimal string');
  const fo = r.followOptions;
  if (fo !== undefined && (typeof fo !== 'object' || fo === null || Array.isArray(fo)))
    p.add('followOptions', 'must be an object');
  else if (fo !== undefined) {
    const o = fo as Record<string, unknown>;
    for (const k of AMOUNT_OPTIONS)
      if (o[k] !== undefined && o[k] !== null && !isAmount(o[k]))
        p.add(`followOptions.${k}`, 'must be a decimal string');
    if (o.copyMode !== undefined && typeof o.copyMode !== 'string')
      p.add('followOptions.copyMode', 'must be a string');
    for (const k of ['allowMarkets', 'denyMarkets'] as const)
      if (o[k] !== undefined && !isNames(o[k]))
        p.add(`followOptions.${k}`, 'must be a list of market ids or null');
  }
  if (typeof r.source !== 'string' || typeof r.address !== 'string') return null;
  if (p.list.length > before) return null;
  return {
    name: 'copy backtest',
    source: r.source,
    address: r.address,
    ...(r.allocation !== undefined ? { allocation: r.allocation as AmountInput } : {}),
    ...(fo !== undefined ? { followOptions: fo as FollowOptionsInput } : {}),
  };
}

/** True for a request that asks for a copy backtest (`kind: "copy"`). */
export const isCopyBacktest = (raw: unknown): boolean =>
  typeof raw === 'object' && raw !== null && (raw as { kind?: unknown }).kind === 'copy';

export function parseCopyBacktestRequest(raw: unknown, ctx: CopyBacktestContext = {}): CopyBacktestRequest {
  if (!isCopyBacktest(raw))
    throw new ValidationError('a copy backtest request must be a JSON object with kind "copy"', {
      details: [{ path: 'kind', message: 'must be "copy"' }],
    });
  const r = raw as Record<string, unknown>;
  const p = new Problems();
  for (const k of Object.keys(r)) if (!KNOWN.has(k)) p.add(k, 'is not a field of a copy backtest request');
  if (typeof r.source !== 'string' || !(LEADER_SOURCES as readonly string[]).includes(r.source))
    p.add('source', `must be one of ${LEADER_SOURCES.join(', ')}`);
  // The follow rules, with the paths of this request (no `body.` prefix), once its shape is right.
  const followInput = followShape(r, p);
  try {
    if (followInput) parseNewTrader(followInput, 'follow', ctx.checkAddress);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    for (const d of err.details)
      if (d.path !== 'follow.source') p.add(d.path.replace(/^follow\./, ''), d.message);
  }
  const from = date(p, r.from, 'from', false);
  const to = date(p, r.to, 'to', true);
  if (from !== undefined && to !== undefined) {
    if (to <= from) p.add('to', 'must be after from (the date range is empty)');
    else if (to - from > MAX_RANGE_MS) p.add('to', 'must be at most 3 years after from');
  }
  const initialCapital = p.amount(r.initialCapital, 'initialCapital', {
    min: decimal('0.01'),
    max: decimal('1000000000000'),
  });
  const venue =
    r.venue === undefined ? (ctx.defaultVenue ?? ctx.venues?.[0]) : p.text(r.venue, 'venue', { max: 64 });
  if (venue !== undefined && ctx.venues && !ctx.venues.includes(venue))
    p.add('venue', `must be one of ${ctx.venues.join(', ')}`);
  const timeframe = r.timeframe ?? '1h';
  if (typeof timeframe !== 'string' || !TIMEFRAMES.includes(timeframe))
    p.add('timeframe', `must be one of ${TIMEFRAMES.join(', ')}`);
  const feeRate =
    r.feeRate === undefined
      ? decimal('0.001')
      : p.amount(r.feeRate, 'feeRate', { min: decimal('0'), max: decimal('0.1') });
  const slippage =
    r.slippage === undefined
      ? decimal('0.0005')
      : p.amount(r.slippage, 'slippage', { min: decimal('0'), max: decimal('0.5') });
  p.throwIfAny('invalid copy backtest request');
  const follow = parseNewTrader(followInput!);
  return {
    kind: 'copy',
    source: follow.source,
    address: follow.address,
    from: from!,
    to: to!,
    initialCapital: initialCapital!,
    allocation: follow.allocation,
    followOptions: follow.followOptions,
    venue: venue ?? 'simulated',
    timeframe: timeframe as string,
    feeRate: feeRate!,
    slippage: slippage!,
  };
}
