/**
 * A position on a prediction market (holding one outcome) or an exchange
 * market (long or short), its take-profit / stop-loss rules and its PnL.
 * Pure: no I/O. Prices and sizes are exact decimals.
 */
import {
  type AmountInput,
  DECIMAL_ZERO,
  type Decimal,
  dec,
  decimal,
  type Exact,
  exact,
  formatExact,
  formatScaled,
  MAX_FRACTION_DIGITS,
  parseExact,
  tryParseDecimal,
} from './decimal.js';
import { Problems } from './validation.js';

export type PositionSide = 'long' | 'short';
export type PositionStatus = 'open' | 'closed';
/** Why a position was closed. */
export type CloseReason = 'manual' | 'take_profit' | 'stop_loss' | 'trailing_stop' | 'leader_exit';

export interface Position {
  id: number;
  userId: number;
  venue: string;
  /** The venue's market id. */
  marketId: string;
  symbol: string;
  side: PositionSide;
  /** Binary markets: the outcome held ("Yes", "No", ...) and its index; null on spot markets. */
  outcome: string | null;
  outcomeIndex: number | null;
  size: Decimal;
  entryPrice: Decimal;
  /** Last price applied by the stream (or the entry price until the first tick). */
  currentPrice: Decimal;
  unrealizedPnl: Decimal;
  /** The price move of the part closed so far, before fees (see `netRealizedPnl`). */
  realizedPnl: Decimal;
  takeProfit: Decimal | null;
  stopLoss: Decimal | null;
  status: PositionStatus;
  closeReason: CloseReason | null;
  closePrice: Decimal | null;
  version: number;
  openedAt: number;
  updatedAt: number;
  closedAt: number | null;
  /** The followed trader this position copies; null when opened by hand. */
  traderId: number | null;
  /** Trailing stop distance in percent below the best price since entry; null = none. */
  trailingStopPct: Decimal | null;
  /** Best price since entry (the trailing stop's reference); null without a trailing stop. */
  highWater: Decimal | null;
  /**
   * Fees the paper account paid on this position's fills (a copy's entry,
   * additions, reductions and exit); 0 for a position opened by hand.
   */
  fees: Decimal;
}

/**
 * Realised PnL net of fees: the price move of the part closed less every fee
 * the position paid. What the API, close messages and the overview report:
 * a copied round trip that moved +0.04 and paid 0.20 in fees made -0.16, as
 * the paper balance and the trader's performance say.
 */
export function netRealizedPnl(p: Pick<Position, 'realizedPnl' | 'fees'>): Decimal {
  // A position cached (Redis) by a release before migration 022 has no `fees`: it paid none we kept.
  return p.fees === undefined || dec.isZero(p.fees) ? p.realizedPnl : dec.sub(p.realizedPnl, p.fees);
}

/** What a user asks for when opening a position (validated by `parseOpenPosition`). */
export interface OpenPositionRequest {
  marketId: string;
  side: PositionSide;
  /** Binary markets: the outcome's name; resolved against the market's outcomes by the service. */
  outcome: string | null;
  size: Decimal;
  takeProfit: Decimal | null;
  stopLoss: Decimal | null;
}

/** TP/SL levels as a client sends them; `null` clears a level, an absent field keeps it. */
export interface TpSlInput {
  takeProfit?: AmountInput | null;
  stopLoss?: AmountInput | null;
}

/**
 * `POST /positions` as a client sends it. The API schema (`api/requests/`,
 * whose type must fit this one) checks the shape; `parseOpenPosition` the rules.
 */
export interface OpenPositionInput extends TpSlInput {
  marketId: string;
  /** `long` (default) or `short`. */
  side?: string;
  outcome?: string | null;
  size: AmountInput;
}

export interface TpSlPatch {
  takeProfit?: Decimal | null;
  stopLoss?: Decimal | null;
}

const MARKET_ID = /^[A-Za-z0-9._:/-]{1,128}$/;
const MAX_SIZE = decimal('1000000000000');

/** Parses the body of `POST /positions`; every problem is reported at once. */
export function parseOpenPosition(input: OpenPositionInput): OpenPositionRequest {
  const p = new Problems();
  const marketId = p.text(input.marketId, 'body.marketId', {
    max: 128,
    pattern: MARKET_ID,
    patternDoc: 'a market id (letters, digits and ._:/-)',
  });
  const side = input.side ?? 'long';
  if (side !== 'long' && side !== 'short') p.add('body.side', 'must be "long" or "short"');
  let outcome: string | null = null;
  if (input.outcome !== undefined && input.outcome !== null) {
    outcome = p.text(input.outcome, 'body.outcome', { max: 100 }) ?? null;
    if (side === 'short') p.add('body.side', 'an outcome is held long; buy the other outcome instead');
  }
  const size = p.amount(input.size, 'body.size', { min: DECIMAL_ZERO, minExclusive: true, max: MAX_SIZE });
  const tpsl = parseTpSlFields(input, p, 'body');
  p.throwIfAny('Invalid position');
  return {
    marketId: marketId!,
    side: side as PositionSide,
    outcome,
    size: size!,
    takeProfit: tpsl.takeProfit ?? null,
    stopLoss: tpsl.stopLoss ?? null,
  };
}

/** Parses a TP/SL change; `null` clears a level, an absent field keeps it. */
export function parseTpSlPatch(input: TpSlInput, path = 'body'): TpSlPatch {
  const p = new Problems();
  const patch = parseTpSlFields(input, p, path);
  if (input.takeProfit === undefined && input.stopLoss === undefined) {
    p.add(path, 'must set takeProfit and/or stopLoss (null clears one)');
  }
  p.throwIfAny('Invalid take-profit / stop-loss');
  return patch;
}

function parseTpSlFields(input: TpSlInput, p: Problems, path: string): TpSlPatch {
  const out: TpSlPatch = {};
  for (const field of ['takeProfit', 'stopLoss'] as const) {
    const v = input[field];
    if (v === undefined) continue;
    if (v === null) out[field] = null;
    else {
      const d = p.amount(v, `${path}.${field}`, { min: DECIMAL_ZERO, minExclusive: true, max: MAX_SIZE });
      if (d !== undefined) out[field] = d;
    }
  }
  return out;
}

/**
 * Checks that TP and SL sit on the right sides of each other for the side
 * held (a long takes profit above its stop, a short below); returns the
 * problem or null.
 */
export function tpSlProblem(side: PositionSide, tp: Decimal | null, sl: Decimal | null): string | null {
  if (tp === null || sl === null) return null;
  const c = dec.cmp(tp, sl);
  if (side === 'long' && c <= 0) return `takeProfit ${tp} must be above stopLoss ${sl} for a long position`;
  if (side === 'short' && c >= 0) return `takeProfit ${tp} must be below stopLoss ${sl} for a short position`;
  return null;
}

/** Which level, if any, `price` has reached: TP first when both are (a gap through both). */
export function tpSlTriggered(
  side: PositionSide,
  tp: Decimal | null,
  sl: Decimal | null,
  price: Decimal,
): 'take_profit' | 'stop_loss' | null {
  const px = parseExact(price);
  const dir = side === 'long' ? 1 : -1;
  if (tp !== null && exact.cmp(px, parseExact(tp)) * dir >= 0) return 'take_profit';
  if (sl !== null && exact.cmp(px, parseExact(sl)) * dir <= 0) return 'stop_loss';
  return null;
}

/**
 * PnL of `size` held on `side` from `entry`, marked at `price`. Exact: with
 * ordinary magnitudes the digits fit a double's 53-bit integers and the sum
 * is done there (every price flush runs this once per position); otherwise
 * in BigInt.
 */
export function positionPnl(side: PositionSide, size: Decimal, entry: Decimal, price: Decimal): Decimal {
  return smallPnl(side, size, entry, price) ?? bigPnl(side, size, entry, price);
}

/** Digits of a canonical decimal as an integer and its scale, or undefined past 15 digits. */
function smallMantissa(d: Decimal): [number, number] | undefined {
  const dot = d.indexOf('.');
  const digits = dot < 0 ? d : d.slice(0, dot) + d.slice(dot + 1);
  if (digits.length > 15) return undefined;
  return [Number(digits), dot < 0 ? 0 : d.length - dot - 1];
}

const POW10_NUM = Array.from({ length: 19 }, (_, i) => 10 ** i);

function smallPnl(side: PositionSide, size: Decimal, entry: Decimal, price: Decimal): Decimal | undefined {
  const p = smallMantissa(price);
  const e = smallMantissa(entry);
  const q = smallMantissa(size);
  if (p === undefined || e === undefined || q === undefined) return undefined;
  const scale = Math.max(p[1], e[1]);
  const a = p[0] * POW10_NUM[scale - p[1]]!;
  const b = e[0] * POW10_NUM[scale - e[1]]!;
  const diff = a - b;
  const m = (side === 'long' ? diff : -diff) * q[0];
  // Every step must stay an exact integer; past 2^53 the BigInt path takes over.
  if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b) || !Number.isSafeInteger(diff)) return undefined;
  if (!Number.isSafeInteger(m) || scale + q[1] > 18) return undefined;
  return formatScaled(m, scale + q[1]);
}

function bigPnl(side: PositionSide, size: Decimal, entry: Decimal, price: Decimal): Decimal {
  const diff: Exact = exact.sub(parseExact(price), parseExact(entry));
  const pnl = exact.mul(side === 'long' ? diff : exact.neg(diff), parseExact(size));
  return formatExact(pnl);
}

/**
 * What a copy fan-out knows of an open copy: the fields its plans read and
 * change, not the price feed's (current price, unrealised PnL, timestamps).
 * Read for every follow of every page, so it is read narrow: 15 columns,
 * not 26 (reading 1,000 full rows took 8.8 ms, 14 of them 3-4).
 */
export type OpenCopy = Pick<
  Position,
  | 'id'
  | 'userId'
  | 'traderId'
  | 'marketId'
  | 'outcomeIndex'
  | 'side'
  | 'size'
  | 'entryPrice'
  | 'realizedPnl'
  | 'takeProfit'
  | 'stopLoss'
  | 'trailingStopPct'
  | 'highWater'
  | 'status'
  | 'fees'
>;

/**
 * A market price (float) as the decimal the ledger stores: 12 significant
 * digits, which keeps every venue's quoted precision and drops float noise
 * such as 0.30000000000000004.
 */
export function priceDecimal(price: number): Decimal {
  if (!Number.isFinite(price) || price < 0) throw new RangeError(`not a price: ${price}`);
  const r = tryParseDecimal(Number(price.toPrecision(12)));
  if (r.ok) return r.value;
  // Below 10^-18 the 12 significant digits have too many places: round to what is stored.
  const fixed = tryParseDecimal(price.toFixed(MAX_FRACTION_DIGITS));
  if (fixed.ok) return fixed.value;
  throw new RangeError(`price ${price} has no decimal form: ${fixed.error}`);
}
