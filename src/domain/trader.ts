/**
 * A followed trader (a wallet the user copies) and its follow options, with
 * the rules their values must satisfy. Pure: no I/O.
 */
import { DECIMAL_ONE, DECIMAL_ZERO, type Decimal, decimal } from './decimal.js';
import { Problems } from './validation.js';

export interface FollowOptions {
  /** Close a copied position at this gain, in percent; null = no take-profit. */
  takeProfitPct: Decimal | null;
  /** Close a copied position at this loss, in percent (0-100); null = none. */
  stopLossPct: Decimal | null;
  /** Trailing stop distance in percent (0-100); null = none. */
  trailingStopPct: Decimal | null;
  /** Largest position copied, in quote currency; null = no cap. */
  maxPositionSize: Decimal | null;
  /** Size of a copied trade relative to the trader's, e.g. 0.5 = half. */
  copyRatio: Decimal;
}

export interface Trader {
  id: number;
  userId: number;
  name: string;
  address: string;
  enabled: boolean;
  /** Capital set aside for copying this trader, in quote currency. */
  allocation: Decimal;
  followOptions: FollowOptions;
  version: number;
  createdAt: number;
  updatedAt: number;
}

export interface NewTrader {
  name: string;
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

export const DEFAULT_FOLLOW_OPTIONS: FollowOptions = {
  takeProfitPct: null,
  stopLossPct: null,
  trailingStopPct: null,
  maxPositionSize: null,
  copyRatio: DECIMAL_ONE,
};

const PCT_100 = decimal('100');
const TAKE_PROFIT_MAX = decimal('100000');

const ADDRESS = /^[A-Za-z0-9_:.-]{1,128}$/;
const ADDRESS_DOC = '1-128 letters, digits or _:.- (a wallet address)';

function checkFollowOptions(
  input: Record<string, unknown>,
  p: Problems,
  base: string,
): Partial<FollowOptions> {
  const out: Partial<FollowOptions> = {};
  const nullable = (key: keyof FollowOptions, range: Parameters<Problems['amount']>[2]) => {
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
  return out;
}

/** Validates a patch (from any entry point: API, Telegram, CLI). Throws ValidationError listing every problem. */
export function parseTraderPatch(input: Record<string, unknown>, base = 'body'): TraderPatch {
  const p = new Problems();
  const patch: TraderPatch = {};
  if ('name' in input) {
    const name = p.text(input['name'], `${base}.name`, { max: 100 });
    if (name !== undefined) patch.name = name;
  }
  if ('enabled' in input) {
    if (typeof input['enabled'] === 'boolean') patch.enabled = input['enabled'];
    else p.add(`${base}.enabled`, 'must be true or false');
  }
  if ('allocation' in input) {
    const a = p.amount(input['allocation'], `${base}.allocation`, { min: DECIMAL_ZERO });
    if (a !== undefined) patch.allocation = a;
  }
  if ('followOptions' in input) {
    const fo = input['followOptions'];
    if (fo === null || typeof fo !== 'object' || Array.isArray(fo))
      p.add(`${base}.followOptions`, 'must be an object');
    else patch.followOptions = checkFollowOptions(fo as Record<string, unknown>, p, `${base}.followOptions`);
  }
  p.throwIfAny('Invalid trader change');
  return patch;
}

export function parseNewTrader(input: Record<string, unknown>, base = 'body'): NewTrader {
  const p = new Problems();
  const name = p.text(input['name'], `${base}.name`, { max: 100 });
  const address = p.text(input['address'], `${base}.address`, {
    max: 128,
    pattern: ADDRESS,
    patternDoc: ADDRESS_DOC,
  });
  let enabled = true;
  if ('enabled' in input) {
    if (typeof input['enabled'] === 'boolean') enabled = input['enabled'];
    else p.add(`${base}.enabled`, 'must be true or false');
  }
  const allocation =
    'allocation' in input
      ? p.amount(input['allocation'], `${base}.allocation`, { min: DECIMAL_ZERO })
      : DECIMAL_ZERO;
  let followOptions: Partial<FollowOptions> = {};
  const fo = input['followOptions'];
  if (fo !== undefined) {
    if (fo === null || typeof fo !== 'object' || Array.isArray(fo))
      p.add(`${base}.followOptions`, 'must be an object');
    else followOptions = checkFollowOptions(fo as Record<string, unknown>, p, `${base}.followOptions`);
  }
  p.throwIfAny('Invalid trader');
  return {
    name: name!,
    address: address!,
    enabled,
    allocation: allocation!,
    followOptions: { ...DEFAULT_FOLLOW_OPTIONS, ...followOptions },
  };
}
