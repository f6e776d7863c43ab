/** Request schemas of copy trading beyond following: the leaderboard's filters. */
import { Type } from '../json-schema.js';

const MAX_LEADERS_PAGE = 200;

/** GET /leaders: a source's leaders, ranked by `sort` over `window`. */
export const LeadersQuery = Type.Object(
  {
    source: Type.Optional(Type.String({ maxLength: 20, description: 'default simulated' })),
    sort: Type.Optional(Type.Enum(['pnl', 'winRate', 'volume', 'trades'], { description: 'default pnl' })),
    window: Type.Optional(Type.Enum(['7d', '30d'], { description: 'default 30d' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LEADERS_PAGE })),
    cursor: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);
