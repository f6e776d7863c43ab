/**
 * Answer schemas of the WebSocket stream (/api/v1/stream): every frame the
 * server sends, the updates by topic. The protocol is described in
 * src/api/routes/stream.ts; /openapi.json documents these frames as the
 * `StreamServerMessage` component (and what a client sends as
 * `StreamClientMessage`, `../requests/stream.ts`).
 */
import { type TSchema, Type } from '../json-schema.js';
import { CopyJson } from './copies.js';
import { PositionJson } from './positions.js';
import { TraderJson } from './traders.js';

/** Topics whose updates belong to one user; `markets:<marketId>` topics are public. */
export const USER_TOPICS = ['positions', 'traders', 'copies'] as const;

/** An update of `topic`: the latest value of (topic, key), published at `ts`. */
const updateOf = <T extends string, D>(topic: TSchema<T>, data: TSchema<D>, description: string) =>
  Type.Object(
    {
      type: Type.Literal('update'),
      topic,
      key: Type.String(),
      data,
      ts: Type.Integer({ description: 'when the server published it, ms since the epoch' }),
    },
    { description },
  );

/** A followed trader deleted (unfollowed). */
export const TraderGoneJson = Type.Object({ id: Type.Integer(), deleted: Type.Literal(true) });

/** A market's price as it arrives from the venue. */
export const MarketTickJson = Type.Object({
  marketId: Type.String(),
  symbol: Type.String(),
  price: Type.String(),
  ts: Type.Integer({ description: "the venue's time of the price, ms since the epoch" }),
});

export const PositionUpdateJson = updateOf(
  Type.Literal('positions'),
  PositionJson,
  'One of your positions opened, repriced, changed or closed (key: its id)',
);
export const TraderUpdateJson = updateOf(
  Type.Literal('traders'),
  Type.Union([TraderJson, TraderGoneJson]),
  'One of your followed traders created, changed or deleted (key: its id)',
);
export const CopyUpdateJson = updateOf(
  Type.Literal('copies'),
  CopyJson,
  'A copy decision of one of your follows (key: its id)',
);
export const MarketUpdateJson = updateOf(
  Type.String({ pattern: '^markets:', description: 'markets:<marketId>' }),
  MarketTickJson,
  "A market's latest price (key: the market id); public",
);

/** The updates of the user topics, as a client subscribed to them gets them. */
export const UserUpdateJson = Type.Union([PositionUpdateJson, TraderUpdateJson, CopyUpdateJson]);

const Topics = Type.Array(Type.String());

export const StreamServerMessageJson = Type.Union(
  [
    Type.Object(
      { type: Type.Literal('ready'), userId: Type.Integer() },
      { description: 'authenticated: subscribe now' },
    ),
    Type.Object({ type: Type.Literal('subscribed'), topics: Topics }),
    Type.Object({ type: Type.Literal('unsubscribed'), topics: Topics }),
    Type.Object({ type: Type.Literal('pong') }),
    Type.Object(
      { type: Type.Literal('error'), code: Type.String(), message: Type.String() },
      { description: 'a message was refused (the message says why); the connection stays open' },
    ),
    PositionUpdateJson,
    TraderUpdateJson,
    CopyUpdateJson,
    MarketUpdateJson,
  ],
  { title: 'StreamServerMessage', description: 'A frame the server sends on /api/v1/stream (JSON text)' },
);
