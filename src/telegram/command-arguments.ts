/**
 * Reading command arguments typed by a user: ids, prices and the "-" / "off"
 * words of /tpsl. Each problem is a ValidationError that names the argument
 * and shows a correct example.
 */
import { type Decimal, dec, tryParseDecimal } from '../domain/decimal.js';
import { ValidationError } from '../domain/errors.js';
import { quoteUserText as quoted } from './views/user-text.js';

export const words = (match: string): string[] => match.trim().split(/\s+/).filter(Boolean);

/** A positive integer id, optionally written `#12`. */
export function parseId(arg: string, what: string, example: string): number {
  const m = /^#?(\d{1,15})$/.exec(arg);
  const id = m ? Number(m[1]) : 0;
  if (id < 1)
    throw new ValidationError(`${quoted(arg)} is not a ${what} id. Use the number, e.g. ${example}`);
  return id;
}

/**
 * A take-profit / stop-loss argument: a price sets the level, `off` clears
 * it (null), `-` keeps it (undefined).
 */
export function parseLevel(arg: string, name: string): Decimal | null | undefined {
  if (arg === '-') return undefined;
  if (/^(off|none)$/i.test(arg)) return null;
  const d = tryParseDecimal(arg.replace(',', '.'));
  if (!d.ok || dec.sign(d.value) <= 0) {
    throw new ValidationError(
      `${name} ${quoted(arg)} is not a price. Use a number such as 0.75, "-" to keep it or "off" to clear it`,
    );
  }
  return d.value;
}
