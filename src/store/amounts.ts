/**
 * Amounts as they come back from the database, made canonical: PostgreSQL
 * NUMERIC keeps the scale it computed with ("0.50", "-1.20"), SQLite's TEXT
 * amounts are canonical already and skip the parse. Signed: PnL is negative.
 */
import { type Decimal, tryParseDecimal } from '../domain/decimal.js';

/**
 * An amount column read back as a Decimal. Text without a trailing fraction
 * zero is what this service wrote from a Decimal and is taken as is (no parse
 * on list reads); anything else is parsed, and a value that is not a decimal
 * throws rather than being returned as an amount.
 */
export function canonicalAmount(v: unknown): Decimal {
  const s = String(v);
  if (s.charCodeAt(s.length - 1) !== 48 || s.indexOf('.') < 0) return s as Decimal;
  const r = tryParseDecimal(s, { allowNegative: true });
  if (r.ok) return r.value;
  throw new RangeError(`stored amount ${JSON.stringify(s)} is not a decimal: ${r.error}`);
}

export const canonicalAmountOrNull = (v: unknown): Decimal | null =>
  v === null || v === undefined ? null : canonicalAmount(v);
