/**
 * Copy decisions as rows: their shape, the column list in insert order, and
 * the tuple mapping every decision read uses.
 */
import type { Decimal } from '../domain/decimal.js';
import { canonicalAmount as canon, canonicalAmountOrNull as canonOrNull } from './amounts.js';

export type CopyStatus = 'copied' | 'skipped';

export interface NewDecision {
  userId: number;
  traderId: number;
  source: string;
  sourceTradeId: string;
  sourceTs: number;
  detectedAt: number;
  decidedAt: number;
  status: CopyStatus;
  reason: string | null;
  reducedBy: string | null;
  side: 'buy' | 'sell';
  market: string;
  outcomeIndex: number | null;
  leaderSize: Decimal;
  leaderPrice: Decimal;
  size: Decimal | null;
  price: Decimal | null;
  orderId: number | null;
  positionId: number | null;
  latencyMs: number;
}

export interface CopyDecision extends NewDecision {
  id: number;
}

export const DECISION_COLUMNS = [
  'user_id',
  'trader_id',
  'source',
  'source_trade_id',
  'source_ts',
  'detected_at',
  'decided_at',
  'status',
  'reason',
  'reduced_by',
  'side',
  'market',
  'outcome_index',
  'leader_size',
  'leader_price',
  'size',
  'price',
  'order_id',
  'position_id',
  'latency_ms',
] as const;

export const decisionValues = (d: NewDecision): unknown[] => [
  d.userId,
  d.traderId,
  d.source,
  d.sourceTradeId,
  d.sourceTs,
  d.detectedAt,
  d.decidedAt,
  d.status,
  d.reason,
  d.reducedBy,
  d.side,
  d.market,
  d.outcomeIndex,
  d.leaderSize,
  d.leaderPrice,
  d.size,
  d.price,
  d.orderId,
  d.positionId,
  d.latencyMs,
];

export function decisionFromTuple(r: unknown[]): CopyDecision {
  const n = (v: unknown): number | null => (v === null ? null : Number(v));
  return {
    id: Number(r[0]),
    userId: Number(r[1]),
    traderId: Number(r[2]),
    source: r[3] as string,
    sourceTradeId: r[4] as string,
    sourceTs: Number(r[5]),
    detectedAt: Number(r[6]),
    decidedAt: Number(r[7]),
    status: r[8] as CopyStatus,
    reason: r[9] as string | null,
    reducedBy: r[10] as string | null,
    side: r[11] as 'buy' | 'sell',
    market: r[12] as string,
    outcomeIndex: n(r[13]),
    leaderSize: canon(r[14]),
    leaderPrice: canon(r[15]),
    size: canonOrNull(r[16]),
    price: canonOrNull(r[17]),
    orderId: n(r[18]),
    positionId: n(r[19]),
    latencyMs: Number(r[20]),
  };
}
