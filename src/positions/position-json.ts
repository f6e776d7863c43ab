/** A position's JSON shape, the same in REST answers and stream pushes (times as ISO-8601). */
import { netRealizedPnl, type Position } from '../domain/position.js';

const iso = (ms: number): string => new Date(ms).toISOString();

export const positionJson = (p: Position) => ({
  id: p.id,
  venue: p.venue,
  marketId: p.marketId,
  symbol: p.symbol,
  side: p.side,
  outcome: p.outcome,
  size: p.size,
  entryPrice: p.entryPrice,
  currentPrice: p.currentPrice,
  unrealizedPnl: p.unrealizedPnl,
  realizedPnl: netRealizedPnl(p),
  fees: p.fees,
  takeProfit: p.takeProfit,
  stopLoss: p.stopLoss,
  trailingStopPct: p.trailingStopPct,
  highWater: p.highWater,
  traderId: p.traderId,
  status: p.status,
  closeReason: p.closeReason,
  closePrice: p.closePrice,
  version: p.version,
  openedAt: iso(p.openedAt),
  updatedAt: iso(p.updatedAt),
  closedAt: p.closedAt === null ? null : iso(p.closedAt),
});
