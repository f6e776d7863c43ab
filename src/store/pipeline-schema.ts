/**
 * The signal pipeline's tables as Kysely sees them (migrations 005 and 013),
 * merged into `DB` in schema.ts: runs, the scout's signals, decisions, orders
 * and the model stages' call log.
 */
import type { Generated } from 'kysely';

/** One pipeline run (src/pipeline): its mode, outcome and per-stage durations. */
export interface PipelineRunsTable {
  id: Generated<number>;
  mode: string;
  status: string;
  started_at: number;
  finished_at: number | null;
  scout_ms: number | null;
  analysis_ms: number | null;
  decision_ms: number | null;
  execution_ms: number | null;
  candidates: Generated<number>;
  decisions: Generated<number>;
  orders: Generated<number>;
  error_stage: string | null;
  error: string | null;
}

/** A candidate the scout ranked in a run, with its scores and indicator snapshot (JSON). */
export interface PipelineSignalsTable {
  id: Generated<number>;
  run_id: number;
  symbol: string;
  rank: number;
  score: number;
  price: string;
  volume: number;
  volatility: number;
  momentum: number;
  indicators: string;
  created_at: number;
  /** The analyst model's validated answer (JSON), null when the rules analysed alone. */
  model_analysis: string | null;
  /** Why the analyst model's answer is missing (fallback reason), or null. */
  model_note: string | null;
}

/** A strategy decision after risk: enter, skip (with `blocked_by`) or exit, with its reason. */
export interface PipelineDecisionsTable {
  id: Generated<number>;
  run_id: number;
  mode: string;
  symbol: string;
  action: string;
  reason: string;
  blocked_by: string | null;
  qty: string;
  price: string;
  bar_ts: number;
  created_at: number;
  /** `rules`, `ai` (the decider model) or `both` (rules, vetoed or shrunk by the model). */
  decided_by: Generated<string>;
  /** A model fallback, veto, shrink or rejection, in words; null otherwise. */
  model_note: string | null;
}

/** An order the pipeline placed (paper or live) and its fills so far. */
export interface PipelineOrdersTable {
  id: Generated<number>;
  run_id: number;
  decision_id: number | null;
  mode: string;
  symbol: string;
  side: string;
  type: string;
  reason: string;
  quantity: string;
  limit_price: string | null;
  filled_quantity: string;
  average_price: string | null;
  fee: string;
  status: string;
  exchange_order_id: string | null;
  created_at: number;
  updated_at: number;
}

/** One model call (or a call skipped for budget or Retry-After) of the pipeline's model stages. */
export interface PipelineModelCallsTable {
  id: Generated<number>;
  run_id: number | null;
  stage: string;
  symbol: string;
  bar_ts: number;
  model: string;
  template_version: string;
  prompt_hash: string;
  tokens_in: number;
  tokens_out: number;
  latency_ms: number;
  cost: string | null;
  outcome: string;
  detail: string | null;
  answer: string | null;
  created_at: number;
}
