/** GET /api/v1/pipeline/status, /pipeline/decisions and /pipeline/model-calls, as the Bot page reads them. */
export interface BotRun {
  id: number;
  status: string;
  startedAt: string;
  finishedAt: string | null;
  stages: Record<string, number>;
  candidates: number;
  decisions: number;
  orders: number;
  error: string | null;
}

export interface BotStatus {
  running: boolean;
  runInProgress: boolean;
  mode: string;
  modeReason: string;
  strategy: { id: string; params: Record<string, number | boolean> };
  timeframe: string;
  intervalMs: number;
  startedAt: string | null;
  wanted: { running: boolean; changedAt: string | null };
  lastRun: BotRun | null;
  candidates: { symbol: string; rank: number; score: number }[];
  account: { equity: number; cash: number; openPositions: number; haltedByDailyLoss: boolean };
  positions: {
    symbol: string;
    qty: number;
    entryPrice: number | null;
    mark: number;
    unrealizedPnl: number | null;
    pending: boolean;
  }[];
  lastError: { stage: string; message: string; at: string | null } | null;
  /** Present when PIPELINE_ANALYST or PIPELINE_DECIDER asks a model. */
  models?: BotModels;
}

export interface BotModels {
  analyst: 'rules' | 'ai';
  decider: 'rules' | 'ai' | 'both';
  analystModel: string | null;
  deciderModel: string | null;
  callsLastHour: number;
  tokensToday: number;
}

/** One call (or skipped call) of a model stage. */
export interface BotModelCall {
  id: number;
  stage: string;
  symbol: string;
  model: string;
  tokensIn: number;
  tokensOut: number;
  latencyMs: number;
  /** USD estimate, a decimal string; null when AI_PRICES has no price for the model. */
  cost: string | null;
  outcome: string;
  detail: string | null;
  createdAt: string;
}

export interface BotDecision {
  id: number;
  runId: number;
  symbol: string;
  action: string;
  reason: string;
  blockedBy: string | null;
  qty: string | null;
  price: string | null;
  barTime: string;
  createdAt: string;
  /** `rules`, `ai` (the decider model) or `both` (the rules under the model's veto). */
  decidedBy: 'rules' | 'ai' | 'both';
  /** A model fallback, veto, shrink or rejection, in words. */
  modelNote: string | null;
}
