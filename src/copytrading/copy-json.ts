/** A copy decision's JSON shape, the same in REST answers, stream pushes and the bot (times as ISO-8601). */
import type { CopyDecision } from '../store/copy-repository.js';

const iso = (ms: number): string => new Date(ms).toISOString();

export const copyJson = (d: CopyDecision) => ({
  id: d.id,
  traderId: d.traderId,
  source: d.source,
  sourceTradeId: d.sourceTradeId,
  sourceTs: iso(d.sourceTs),
  detectedAt: iso(d.detectedAt),
  decidedAt: iso(d.decidedAt),
  status: d.status,
  reason: d.reason,
  reducedBy: d.reducedBy,
  side: d.side,
  market: d.market,
  outcomeIndex: d.outcomeIndex,
  leaderSize: d.leaderSize,
  leaderPrice: d.leaderPrice,
  size: d.size,
  price: d.price,
  orderId: d.orderId,
  positionId: d.positionId,
  latencyMs: d.latencyMs,
});
