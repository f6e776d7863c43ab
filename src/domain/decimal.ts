/**
 * Exact decimal amounts. Prices, quantities, fees and PnL are kept as canonical
 * decimal strings ("123.45", never "1.2345e+2") and combined with big.js, so a
 * million small fills sum to exactly what they should. Floats are for
 * indicator and simulation maths only.
 */
import BigLib from 'big.js';
import { type ErrorDetail, ValidationError } from './errors.js';

/** A canonical decimal string: optional '-', digits, optional fraction, no exponent, no trailing zeros. */
export type Decimal = string;

/** The largest number of digits we store before and after the point. */
export const MAX_INTEGER_DIGITS = 20;
export const MAX_FRACTION_DIGITS = 18;

// A private big.js constructor, so our settings cannot leak into or from other users of the library.
const Big = BigLib();
Big.DP = MAX_FRACTION_DIGITS;
Big.RM = Big.roundHalfEven;
Big.NE = -(MAX_FRACTION_DIGITS + 10);
Big.PE = MAX_INTEGER_DIGITS + 10;

const DECIMAL_TEXT = /^-?\d+(\.\d+)?$/;

function canonical(b: BigLib.Big): Decimal {
  const s = b.toString();
  return s === '-0' ? '0' : s;
}

/**
 * Parses user input (a decimal string or a finite JSON number) into a canonical
 * decimal, or returns a message saying what is wrong with it.
 */
export function tryParseDecimal(input: unknown, opts: { allowNegative?: boolean } = {}): Decimal | string {
  let b: BigLib.Big;
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return 'must be a finite number';
    b = new Big(input);
  } else if (typeof input === 'string') {
    if (!DECIMAL_TEXT.test(input)) return `must be a decimal number like "12.5", got ${JSON.stringify(input.slice(0, 40))}`;
    b = new Big(input);
  } else {
    return `must be a decimal string or number, got ${input === null ? 'null' : typeof input}`;
  }
  if (!opts.allowNegative && b.lt(0)) return 'must not be negative';
  const [int = '', frac = ''] = b.abs().toFixed().split('.');
  if (int.length > MAX_INTEGER_DIGITS) return `must be below 10^${MAX_INTEGER_DIGITS}`;
  if (frac.length > MAX_FRACTION_DIGITS) return `must have at most ${MAX_FRACTION_DIGITS} decimal places`;
  return canonical(b);
}

/** Parses or throws a ValidationError naming `path`. */
export function parseDecimal(input: unknown, path: string, opts: { allowNegative?: boolean } = {}): Decimal {
  const r = tryParseDecimal(input, opts);
  if (isDecimal(r)) return r;
  const detail: ErrorDetail = { path, message: r };
  throw new ValidationError(`${path} ${r}`, { details: [detail] });
}

function isDecimal(r: string): r is Decimal {
  return DECIMAL_TEXT.test(r);
}

export const dec = {
  add: (a: Decimal, b: Decimal): Decimal => canonical(new Big(a).plus(b)),
  sub: (a: Decimal, b: Decimal): Decimal => canonical(new Big(a).minus(b)),
  mul: (a: Decimal, b: Decimal): Decimal => canonical(new Big(a).times(b)),
  /** Division rounded half-even to MAX_FRACTION_DIGITS places. */
  div: (a: Decimal, b: Decimal): Decimal => canonical(new Big(a).div(b)),
  neg: (a: Decimal): Decimal => canonical(new Big(a).neg()),
  cmp: (a: Decimal, b: Decimal): -1 | 0 | 1 => new Big(a).cmp(b) as -1 | 0 | 1,
  isZero: (a: Decimal): boolean => new Big(a).eq(0),
  sign: (a: Decimal): -1 | 0 | 1 => new Big(a).cmp(0) as -1 | 0 | 1,
  /** Rounds to `dp` places (half-even); for display and fees, not for storage of exact values. */
  round: (a: Decimal, dp: number): Decimal => canonical(new Big(a).round(dp, Big.roundHalfEven)),
  min: (a: Decimal, b: Decimal): Decimal => (new Big(a).lte(b) ? a : b),
  abs: (a: Decimal): Decimal => canonical(new Big(a).abs()),
  sum: (xs: Iterable<Decimal>): Decimal => {
    let acc = new Big(0);
    for (const x of xs) acc = acc.plus(x);
    return canonical(acc);
  },
  toNumber: (a: Decimal): number => Number(a),
};
