/**
 * AI_PRICES read once: USD per million tokens in and out, per model, and the
 * cost of one call as an exact decimal (tokens x price / 1,000,000).
 */
import { type Decimal, dec, decimal } from '../../domain/decimal.js';

export interface ModelPrice {
  inputPerMTok: Decimal;
  outputPerMTok: Decimal;
}

const MILLION = decimal('1000000');

/** `gpt-4o-mini=0.15/0.6,local=0/0` as a table (the setting's parser has checked the form). */
export function parsePriceTable(text: string): ReadonlyMap<string, ModelPrice> {
  const out = new Map<string, ModelPrice>();
  for (const part of text.split(',')) {
    const eq = part.lastIndexOf('=');
    if (eq <= 0) continue;
    const [input = '0', output = '0'] = part.slice(eq + 1).split('/');
    out.set(part.slice(0, eq), { inputPerMTok: decimal(input), outputPerMTok: decimal(output) });
  }
  return out;
}

/** The estimated cost of one call in USD, or null when the model has no price. */
export function callCost(
  prices: ReadonlyMap<string, ModelPrice>,
  model: string,
  tokensIn: number,
  tokensOut: number,
): Decimal | null {
  const p = prices.get(model);
  if (!p) return null;
  const paid = dec.add(
    dec.mul(decimal(String(tokensIn)), p.inputPerMTok),
    dec.mul(decimal(String(tokensOut)), p.outputPerMTok),
  );
  return dec.round(dec.div(paid, MILLION), 8);
}
