/**
 * Answer schemas of prices, candles and markets. A market is an open object:
 * a venue may report more about a market than every venue has; the fields
 * listed are the ones a client can rely on.
 */
import { Type } from '../json-schema.js';
import { ItemErrorJson, NullableString } from './common.js';

export const PriceJson = Type.Object({
  symbol: Type.String(),
  price: Type.Number({ description: "The venue's last (or mid) price; a binary market's first outcome" }),
  ts: Type.Number({ description: 'When the venue observed it, ms since the epoch' }),
  change24h: Type.Optional(
    Type.String({
      description:
        "Change of the price over the venue's rolling 24 h window, in per cent, as an exact decimal " +
        '(rounded half-even to 4 places); absent when the venue does not report the window open',
    }),
  ),
  volume24h: Type.Optional(
    Type.String({
      description:
        'Base-asset volume of the rolling 24 h window, as a decimal; absent when the venue does not report it',
    }),
  ),
  stale: Type.Boolean(),
  ageMs: Type.Number(),
});

export const PricesJson = Type.Object({ items: Type.Array(PriceJson), errors: Type.Array(ItemErrorJson) });

export const MarketJson = Type.Object(
  {
    id: Type.String(),
    symbol: Type.String(),
    kind: Type.String(),
    base: Type.Optional(Type.String()),
    quote: Type.Optional(Type.String()),
    question: Type.Optional(Type.String()),
    outcomes: Type.Optional(
      Type.Array(Type.Object({ name: Type.String(), price: Type.Number() }, { additionalProperties: true })),
    ),
    endsAt: Type.Optional(Type.Number({ description: 'ms since the epoch' })),
    active: Type.Boolean(),
    tickSize: Type.Optional(Type.String()),
    minSize: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);

export const MarketPageJson = Type.Object({
  items: Type.Array(MarketJson),
  nextCursor: NullableString,
  stale: Type.Boolean(),
  ageMs: Type.Number(),
});

export const MarketBatchJson = Type.Object({
  items: Type.Array(MarketJson),
  errors: Type.Array(ItemErrorJson),
});

export const CandleJson = Type.Object({
  ts: Type.Number(),
  open: Type.Number(),
  high: Type.Number(),
  low: Type.Number(),
  close: Type.Number(),
  volume: Type.Number(),
});

export const CandlesJson = Type.Object({
  symbol: Type.String(),
  timeframe: Type.String(),
  candles: Type.Array(CandleJson),
  stale: Type.Boolean(),
  ageMs: Type.Number(),
});
