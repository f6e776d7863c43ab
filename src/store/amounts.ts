/**
 * Amounts as they come back from the database, made canonical: PostgreSQL
 * NUMERIC keeps the scale it computed with ("0.50", "-1.20"), SQLite's TEXT
 * amounts are canonical already and skip the parse. Signed: PnL is negative.
 */
import {
  canonicalDecimal,
  type Decimal,
  formatExact,
  parseExact,
  tryParseDecimal,
} from '../domain/decimal.js';

/** Plain decimal text as PostgreSQL NUMERIC prints it: digits, a point, digits, any scale. */
const PLAIN_NUMERIC = /^-?\d+(?:\.\d+)?$/;

/**
 * An amount column read back as a Decimal. Canonical text (what this service
 * wrote from a Decimal) is taken after a pattern check, without a parse, on
 * list reads; anything else is parsed, and a value that is not a decimal
 * (an error message stored as an amount, say) throws rather than being
 * returned as one.
 */
export function canonicalAmount(v: unknown): Decimal {
  const s = String(v);
  const canonical = canonicalDecimal(s);
  if (canonical !== undefined) return canonical;
  // NUMERIC keeps the scale it computed with: a sum of PnL with 19 and 20 places prints 20
  // ("-2.35556638425954051820"). What the service computed and stored is taken at any scale;
  // the 18-place limit is for what users send.
  if (PLAIN_NUMERIC.test(s)) return formatExact(parseExact(s as Decimal));
  const r = tryParseDecimal(typeof v === 'number' ? v : s, { allowNegative: true });
  if (r.ok) return r.value;
  throw new RangeError(`stored amount ${JSON.stringify(s)} is not a decimal: ${r.error}`);
}

export const canonicalAmountOrNull = (v: unknown): Decimal | null =>
  v === null || v === undefined ? null : canonicalAmount(v);
