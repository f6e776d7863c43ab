/** GET /api/v1/pipeline/status and /pipeline/decisions, as the Bot page reads them. */
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
}
