/** Answer schemas of GET /overview (what the Home page shows) and GET /overview/markets. */
import { Type } from '../json-schema.js';
import { NullableString } from './common.js';
import { CopyJson } from './copies.js';
import { positionFields } from './positions.js';

const Amount = Type.String({ description: 'exact decimal' });

const WindowJson = Type.Object({
  realizedPnl: Amount,
  closedPositions: Type.Integer(),
  wins: Type.Integer(),
});

const BarJson = Type.Object({
  day: Type.String({ description: 'UTC day, YYYY-MM-DD' }),
  realizedPnl: Amount,
  unrealizedPnl: Amount,
  total: Amount,
  closedPositions: Type.Integer(),
});

const BotJson = Type.Object({
  running: Type.Boolean(),
  mode: Type.String(),
  modeReason: Type.String(),
  strategy: Type.String(),
  startedAt: NullableString,
  lastRun: Type.Nullable(
    Type.Object({
      id: Type.Integer(),
      status: Type.String(),
      startedAt: Type.String(),
      finishedAt: NullableString,
      candidates: Type.Integer(),
      decisions: Type.Integer(),
      orders: Type.Integer(),
    }),
  ),
  equity: Type.Number(),
  openPositions: Type.Integer(),
  lastError: Type.Nullable(Type.Object({ stage: Type.String(), message: Type.String(), at: NullableString })),
});

export const OverviewJson = Type.Object({
  asOf: Type.String(),
  equity: Type.Object({
    balance: Amount,
    initialBalance: Amount,
    openValue: Amount,
    total: Amount,
  }),
  pnl: Type.Object({
    today: WindowJson,
    last7Days: WindowJson,
    last30Days: WindowJson,
    allTime: WindowJson,
    unrealizedPnl: Amount,
  }),
  dailyProfit: Type.Array(BarJson),
  openPositions: Type.Object({
    count: Type.Integer(),
    notional: Amount,
    unrealizedPnl: Amount,
    realizedPnl: Amount,
    items: Type.Array(Type.Object({ ...positionFields, title: Type.String() })),
  }),
  copies: Type.Object({ items: Type.Array(CopyJson) }),
  bot: BotJson,
  alerts: Type.Array(Type.Object({ id: Type.String(), message: Type.String(), since: Type.String() })),
});

/** GET /overview/markets: the profit summary per market. */
export const MarketProfitJson = Type.Object({
  items: Type.Array(
    Type.Object({
      market: Type.String(),
      closedPositions: Type.Integer(),
      wins: Type.Integer(),
      winRate: Type.Nullable(Type.Number()),
      realizedPnl: Amount,
      orders: Type.Integer(),
      fees: Amount,
    }),
  ),
});
