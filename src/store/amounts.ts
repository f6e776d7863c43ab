/**
 * Amounts as they come back from the database, made canonical: PostgreSQL
 * NUMERIC keeps the scale it computed with ("0.50", "-1.20"), SQLite's TEXT
 * amounts are canonical already and skip the parse. Signed: PnL is negative.
 */
import { type Decimal, tryParseDecimal } from '../domain/decimal.js';

export function canonicalAmount(v: unknown): Decimal {
  const s = String(v);
  if (s.charCodeAt(s.length - 1) !== 48 || s.indexOf('.') < 0) return s;
  return tryParseDecimal(s, { allowNegative: true });
}

export const canonicalAmountOrNull = (v: unknown): Decimal | null =>
  v === null || v === undefined ? null : canonicalAmount(v);
