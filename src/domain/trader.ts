/**
 * A followed trader (a wallet the user copies) and its follow options, with
 * the rules their values must satisfy. Pure: no I/O.
 */
import { COPY_MODES, type CopyMode, type EnabledWindow } from './copy.js';
import { type AmountInput, DECIMAL_ONE, DECIMAL_ZERO, type Decimal, dec, decimal } from './decimal.js';
import { Problems } from './validation.js';

/** Where a followed trader's trades come from; `manual`: no watcher, orders are posted through the API. */
export type TraderSource = 'manual' | 'simulated' | 'polymarket' | 'solana' | 'hyperliquid';
export const TRADER_SOURCES: readonly TraderSource[] = [
  'simulated',
  'polymarket',
  'solana',
  'hyperliquid',
  'manual',
];

/** The sources with leaders to discover, watch and replay: every one but `manual`. */
export const LEADER_SOURCES = TRADER_SOURCES.filter(
  (s): s is Exclude<TraderSource, 'manual'> => s !== 'manual',
);

/** Most follows one batch update changes (`POST /traders/batch`), all or none. */
export const MAX_BATCH_UPDATES = 1000;

/** Says what is wrong with `address` for `source` (naming the expected form), or null when it is fine. */
export type AddressCheck = (source: TraderSource, address: string) => string | null;

export interface FollowOptions {
  /** Close a copied position at this gain, in percent; null = no take-profit. */
  takeProfitPct: Decimal | null;
  /** Close a copied position at this loss, in percent (0-100); null = none. */
  stopLossPct: Decimal | null;
  /** Trailing stop distance in percent (0-100); null = none. */
  trailingStopPct: Decimal | null;
  /** Largest position copied, in quote currency; null = no cap. */
  maxPositionSize: Decimal | null;
  /** Size of a copied trade relative to the trader's, e.g. 0.5 = half (`ratio` mode). */
  copyRatio: Decimal;
  /** How a copy is sized: `ratio` (leader size x copyRatio), `fixed` (fixedAmount of quote), `proportional`. */
  copyMode: CopyMode;
  /** Quote amount per copied trade in `fixed` mode. */
  fixedAmount: Decimal | null;
  /** Smallest copy worth making, in quote currency; null = any size. */
  minTradeSize: Decimal | null;
  /** Only these markets are copied; null = all. */
  allowMarkets: string[] | null;
  /** These markets are never copied. */
  denyMarkets: string[] | null;
  /** `paper` (simulated fills) or `live` (orders on `liveVenue` with the user's own keys). */
  execution: Execution;
  /** The venue live copies trade on (a ccxt exchange id such as `bingx`); required for `live`. */
  liveVenue: string | null;
}

export type Execution = 'paper' | 'live';
export const EXECUTIONS: readonly Execution[] = ['paper', 'live'];
const VENUE_ID = /^[a-z0-9]{2,32}$/;

export interface Trader {
  id: number;
  userId: number;
  name: string;
  source: TraderSource;
  address: string;
  enabled: boolean;
  /** Capital set aside for copying this trader, in quote currency; '0' = no cap. */
  allocation: Decimal;
  followOptions: FollowOptions;
  /** Since when copying is on (null while off): leader trades before it get no decision. */
  enabledSince: number | null;
  /** When copying was last switched off (null while on). */
  disabledAt: number | null;
  /** Every window copying was on, oldest first (bounded to the most recent ones). */
  enabledWindows: EnabledWindow[];
  version: number;
  createdAt: number;
  updatedAt: number;
}

export interface NewTrader {
  name: string;
  source: TraderSource;
  address: string;
  enabled: boolean;
  allocation: Decimal;
  followOptions: FollowOptions;
}

/** A partial change; only present fields change. */
export interface TraderPatch {
  name?: string;
  enabled?: boolean;
  allocation?: Decimal;
  followOptions?: Partial<FollowOptions>;
}

/**
 * Follow options as a client sends them: the shape (types, lengths, list
 * sizes) is the API schema's to check (`api/requests/`, whose type must fit
 * this one); the rules (amount ranges, market ids, rules between fields) are
 * checked here, for every entry point.
 */
export interface FollowOptionsInput {
  takeProfitPct?: AmountInput | null;
  stopLossPct?: AmountInput | null;
  trailingStopPct?: AmountInput | null;
  maxPositionSize?: AmountInput | null;
  copyRatio?: AmountInput;
  copyMode?: string;
  fixedAmount?: AmountInput | null;
  minTradeSize?: AmountInput | null;
  allowMarkets?: string[] | null;
  denyMarkets?: string[] | null;
  execution?: string;
  liveVenue?: string | null;
}

/** A change to a follow as a client sends it; only present fields change. */
export interface TraderPatchInput {
  name?: string;
  enabled?: boolean;
  allocation?: AmountInput;
  followOptions?: FollowOptionsInput;
}

/** A new follow as a client sends it. */
export interface NewTraderInput extends TraderPatchInput {
  name: string;
  /** One of TRADER_SOURCES; default `simulated`. */
  source?: string;
  address: string;
}

/** One change of a batch: which trader, at which version (optional), and the change. */
export interface TraderBatchItem extends TraderPatchInput {
  id: number;
  version?: number;
}

export const DEFAULT_FOLLOW_OPTIONS: FollowOptions = {
  takeProfitPct: null,
  stopLossPct: null,
  trailingStopPct: null,
  maxPositionSize: null,
  copyRatio: DECIMAL_ONE,
  copyMode: 'ratio',
  fixedAmount: null,
  minTradeSize: null,
  allowMarkets: null,
  denyMarkets: null,
  execution: 'paper',
  liveVenue: null,
};

const MARKET_ID = /^[A-Za-z0-9._:/-]{1,128}$/;

function marketList(v: string[] | null, path: string, p: Problems): string[] | null | undefined {
  if (v === null) return null;
  const bad = v.findIndex((m) => !MARKET_ID.test(m));
  if (bad >= 0) {
    p.add(`${path}[${bad}]`, 'must be a market id (letters, digits and ._:/-)');
    return undefined;
  }
  return [...new Set(v)];
}

const PCT_100 = decimal('100');
const TAKE_PROFIT_MAX = decimal('100000');

const ADDRESS = /^[A-Za-z0-9_:.-]{1,128}$/;
const ADDRESS_DOC = '1-128 letters, digits or _:.- (a wallet address)';

function checkFollowOptions(input: FollowOptionsInput, p: Problems, base: string): Partial<FollowOptions> {
  const out: Partial<FollowOptions> = {};
  const nullable = (
    key:
      | 'takeProfitPct'
      | 'stopLossPct'
      | 'trailingStopPct'
      | 'maxPositionSize'
      | 'copyRatio'
      | 'fixedAmount'
      | 'minTradeSize',
    range: Parameters<Problems['amount']>[2],
  ) => {
    if (!(key in input)) return;
    const v = input[key];
    if (v === null) {
      if (key === 'copyRatio') p.add(`${base}.${key}`, 'must not be null');
      else (out as Record<string, unknown>)[key] = null;
      return;
    }
    const d = p.amount(v, `${base}.${key}`, range);
    if (d !== undefined) (out as Record<string, unknown>)[key] = d;
  };
  const positive = { min: DECIMAL_ZERO, minExclusive: true };
  nullable('takeProfitPct', { ...positive, max: TAKE_PROFIT_MAX });
  nullable('stopLossPct', { ...positive, max: PCT_100 });
  nullable('trailingStopPct', { ...positive, max: PCT_100 });
  nullable('maxPositionSize', positive);
  nullable('copyRatio', { ...positive, max: PCT_100 });
  nullable('fixedAmount', positive);
  nullable('minTradeSize', { min: DECIMAL_ZERO });
  if ('copyMode' in input) {
    const m = input['copyMode'];
    if (typeof m === 'string' && (COPY_MODES as readonly string[]).includes(m)) out.copyMode = m as CopyMode;
    else p.add(`${base}.copyMode`, `must be one of ${COPY_MODES.join(', ')}`);
  }
  if ('execution' in input) {
    const e = input['execution'];
    if (typeof e === 'string' && (EXECUTIONS as readonly string[]).includes(e))
      out.execution = e as Execution;
    else p.add(`${base}.execution`, `must be one of ${EXECUTIONS.join(', ')}`);
  }
  if ('liveVenue' in input) {
    const v = input['liveVenue'];
    if (v === null || (typeof v === 'string' && VENUE_ID.test(v))) out.liveVenue = v;
    else
      p.add(`${base}.liveVenue`, 'must be null or a venue id (2-32 lowercase letters or digits, e.g. bingx)');
  }
  for (const key of ['allowMarkets', 'denyMarkets'] as const) {
    const value = input[key];
    if (value === undefined) continue;
    const list = marketList(value, `${base}.${key}`, p);
    if (list !== undefined) out[key] = list;
  }
  return out;
}

/**
 * Rules between fields, checked on the options a follow ends up with (after
 * a patch is applied): `fixed` needs a fixed amount, `proportional` an allocation.
 */
export function followProblems(allocation: Decimal, fo: FollowOptions, base = 'body'): Problems {
  const p = new Problems();
  if (fo.copyMode === 'fixed' && fo.fixedAmount === null) {
    p.add(`${base}.followOptions.fixedAmount`, 'is required when copyMode is "fixed"');
  }
  if (fo.execution === 'live' && fo.liveVenue === null) {
    p.add(
      `${base}.followOptions.liveVenue`,
      'is required when execution is "live" (the venue to trade on, e.g. bingx)',
    );
  }
  if (fo.copyMode === 'proportional' && dec.sign(allocation) <= 0) {
    p.add(
      `${base}.allocation`,
      'must be above 0 when copyMode is "proportional" (it is the capital the leader\'s share applies to)',
    );
  }
  return p;
}

/** Validates a patch (from any entry point: API, Telegram, CLI). Throws ValidationError listing every problem. */
export function parseTraderPatch(input: TraderPatchInput, base = 'body'): TraderPatch {
  const p = new Problems();
  const patch: TraderPatch = {};
  if ('name' in input) {
    const name = p.text(input['name'], `${base}.name`, { max: 100 });
    if (name !== undefined) patch.name = name;
  }
  if (input.enabled !== undefined) patch.enabled = input.enabled;
  if ('allocation' in input) {
    const a = p.amount(input['allocation'], `${base}.allocation`, { min: DECIMAL_ZERO });
    if (a !== undefined) patch.allocation = a;
  }
  if (input.followOptions !== undefined)
    patch.followOptions = checkFollowOptions(input.followOptions, p, `${base}.followOptions`);
  p.throwIfAny('Invalid trader change');
  return patch;
}

export function parseNewTrader(
  input: NewTraderInput,
  base = 'body',
  checkAddress: AddressCheck = () => null,
): NewTrader {
  const p = new Problems();
  const name = p.text(input['name'], `${base}.name`, { max: 100 });
  let source: TraderSource = 'simulated';
  if ('source' in input) {
    const s = input['source'];
    if (typeof s === 'string' && (TRADER_SOURCES as readonly string[]).includes(s))
      source = s as TraderSource;
    else p.add(`${base}.source`, `must be one of ${TRADER_SOURCES.join(', ')}`);
  }
  let address = p.text(input['address'], `${base}.address`, {
    max: 128,
    pattern: ADDRESS,
    patternDoc: ADDRESS_DOC,
  });
  if (address !== undefined && p.list.every((d) => d.path !== `${base}.source`)) {
    const problem = checkAddress(source, address);
    if (problem) {
      p.add(`${base}.address`, problem);
      address = undefined;
    }
  }
  const enabled = input.enabled ?? true;
  const allocation =
    'allocation' in input
      ? p.amount(input['allocation'], `${base}.allocation`, { min: DECIMAL_ZERO })
      : DECIMAL_ZERO;
  const followOptions =
    input.followOptions === undefined
      ? {}
      : checkFollowOptions(input.followOptions, p, `${base}.followOptions`);
  const options = { ...DEFAULT_FOLLOW_OPTIONS, ...followOptions };
  if (p.list.length === 0) p.list.push(...followProblems(allocation!, options, base).list);
  p.throwIfAny('Invalid trader');
  return {
    name: name!,
    source,
    address: address!,
    enabled,
    allocation: allocation!,
    followOptions: options,
  };
}
