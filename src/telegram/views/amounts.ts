/** How amounts read in chat: decimals as stored, PnL with its sign, market prices to 12 digits. */
import type { Decimal } from '../../domain/decimal.js';
import { priceDecimal } from '../../domain/position.js';

const ZERO = /^-?0(\.0*)?$/;

/** `500` -> `+500`, `-2.5` stays, `0` stays. */
export const signed = (d: Decimal): string => (d.startsWith('-') || ZERO.test(d) ? d : `+${d}`);

/** A market price (float) as a decimal without float noise. */
export const marketPrice = (price: number): string => priceDecimal(price);

export const orNone = (d: Decimal | null): string => d ?? 'none';
