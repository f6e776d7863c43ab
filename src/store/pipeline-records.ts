/**
 * The signal pipeline's records as the rest of the code sees them (runs,
 * signals, decisions, orders), and how stored rows become them: amounts
 * canonical, times as epoch ms.
 */
import type { Selectable } from 'kysely';
import { DECIMAL_ZERO, type Decimal, tryParseDecimal } from '../domain/decimal.js';
import { canonicalAmount as canon, canonicalAmountOrNull as canonOrNull } from './amounts.js';
import type { PipelineDecisionsTable, PipelineOrdersTable, PipelineRunsTable } from './pipeline-schema.js';

export type PipelineMode = 'paper' | 'live';

/** A keyset position: the (created_at, id) of the last row of the previous page. */
export interface PageAfter {
  createdAt: number;
  id: number;
}
export type StageName = 'scout' | 'analysis' | 'decision' | 'execution';

export interface RunRecord {
  id: number;
  mode: PipelineMode;
  status: 'running' | 'ok' | 'failed';
  startedAt: number;
  finishedAt: number | null;
  /** Duration of each stage that ran, in ms (wall time). */
  stages: Partial<Record<StageName, number>>;
  candidates: number;
  decisions: number;
  orders: number;
  errorStage: StageName | null;
  error: string | null;
}

export interface RunOutcome {
  status: 'ok' | 'failed';
  finishedAt: number;
  stages: Partial<Record<StageName, number>>;
  candidates: number;
  decisions: number;
  orders: number;
  errorStage?: StageName;
  error?: string;
}

export interface SignalRecord {
  runId: number;
  symbol: string;
  rank: number;
  score: number;
  price: number;
  volume: number;
  volatility: number;
  momentum: number;
  indicators: Record<string, number | null>;
  createdAt: number;
  /** The analyst model's validated answer; absent when the rules analysed alone. */
  modelAnalysis?: object | null;
  /** Why the analyst model's answer is missing (its fallback reason). */
  modelNote?: string | null;
}

/** Who took a decision: the strategy, the decider model, or the strategy under the model's veto. */
export type DecidedBy = 'rules' | 'ai' | 'both';

export type DecisionAction = 'enter' | 'skip' | 'exit';

export interface DecisionRecord {
  id: number;
  runId: number;
  mode: PipelineMode;
  symbol: string;
  action: DecisionAction;
  /** The strategy's reason. */
  reason: string;
  /** Why risk (or the position) refused an entry; null when entered. */
  blockedBy: string | null;
  qty: Decimal;
  price: Decimal;
  /** Open time of the bar the decision was taken on. */
  barTs: number;
  createdAt: number;
  decidedBy: DecidedBy;
  /** A model fallback, veto, shrink or rejection, in words; null otherwise. */
  modelNote: string | null;
}

export type OrderStatus = 'open' | 'partially-filled' | 'filled' | 'cancelled' | 'rejected';

export interface PipelineOrderRecord {
  id: number;
  runId: number;
  decisionId: number | null;
  mode: PipelineMode;
  symbol: string;
  side: 'buy' | 'sell';
  /** market, limit, stop-loss or take-profit (the last two: broker-triggered market sells). */
  type: string;
  reason: string;
  quantity: Decimal;
  limitPrice: Decimal | null;
  filledQuantity: Decimal;
  averagePrice: Decimal | null;
  fee: Decimal;
  status: OrderStatus;
  exchangeOrderId: string | null;
  createdAt: number;
  updatedAt: number;
}

export type NewDecision = Omit<DecisionRecord, 'id'>;
export type NewOrder = Omit<PipelineOrderRecord, 'id'>;
export type OrderUpdate = Pick<
  PipelineOrderRecord,
  'filledQuantity' | 'averagePrice' | 'fee' | 'status' | 'exchangeOrderId' | 'updatedAt'
>;

/**
 * A float from indicator or fill maths as a canonical decimal, 12 places at
 * most: what is persisted is exact from then on.
 */
export function toDecimal(x: number): Decimal {
  if (!Number.isFinite(x)) return DECIMAL_ZERO;
  const r = tryParseDecimal(x.toFixed(12), { allowNegative: true });
  return r.ok ? r.value : DECIMAL_ZERO;
}

export function toRun(r: Selectable<PipelineRunsTable>): RunRecord {
  const stages: Partial<Record<StageName, number>> = {};
  if (r.scout_ms !== null) stages.scout = Number(r.scout_ms);
  if (r.analysis_ms !== null) stages.analysis = Number(r.analysis_ms);
  if (r.decision_ms !== null) stages.decision = Number(r.decision_ms);
  if (r.execution_ms !== null) stages.execution = Number(r.execution_ms);
  return {
    id: Number(r.id),
    mode: r.mode as PipelineMode,
    status: r.status as RunRecord['status'],
    startedAt: Number(r.started_at),
    finishedAt: r.finished_at === null ? null : Number(r.finished_at),
    stages,
    candidates: Number(r.candidates),
    decisions: Number(r.decisions),
    orders: Number(r.orders),
    errorStage: r.error_stage as StageName | null,
    error: r.error,
  };
}

export function toDecision(r: Selectable<PipelineDecisionsTable>): DecisionRecord {
  return {
    id: Number(r.id),
    runId: Number(r.run_id),
    mode: r.mode as PipelineMode,
    symbol: r.symbol,
    action: r.action as DecisionAction,
    reason: r.reason,
    blockedBy: r.blocked_by,
    qty: canon(r.qty),
    price: canon(r.price),
    barTs: Number(r.bar_ts),
    createdAt: Number(r.created_at),
    decidedBy: r.decided_by as DecidedBy,
    modelNote: r.model_note,
  };
}

export function toOrder(r: Selectable<PipelineOrdersTable>): PipelineOrderRecord {
  return {
    id: Number(r.id),
    runId: Number(r.run_id),
    decisionId: r.decision_id === null ? null : Number(r.decision_id),
    mode: r.mode as PipelineMode,
    symbol: r.symbol,
    side: r.side as 'buy' | 'sell',
    type: r.type,
    reason: r.reason,
    quantity: canon(r.quantity),
    limitPrice: canonOrNull(r.limit_price),
    filledQuantity: canon(r.filled_quantity),
    averagePrice: canonOrNull(r.average_price),
    fee: canon(r.fee),
    status: r.status as OrderStatus,
    exchangeOrderId: r.exchange_order_id,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}
