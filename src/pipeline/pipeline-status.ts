/**
 * The pipeline's status as the API returns it: whether the loop runs, paper
 * or live and why, the last run with its stage timings, the current
 * candidates, the account (equity, cash, open positions, daily-loss halt)
 * and the last error. Built from the live objects plus the last run row, so
 * it also tells what happened before a restart.
 */
import type { PaperBroker } from '../engine/paper-broker.js';
import type { ParamValues } from '../engine/params.js';
import type { RiskManager } from '../engine/risk.js';
import type { PipelineMode, RunRecord, StageName } from '../store/pipeline-repository.js';
import type { LiveBroker } from './live-broker.js';
import type { Candidate } from './scout.js';

/** The last failure: the stage (or `run` when the run could not even be recorded), when and why. */
export interface LastError {
  stage: StageName | 'run';
  message: string;
  at: number;
  runId: number | null;
}

export interface PositionStatus {
  symbol: string;
  qty: number;
  entryPrice: number | null;
  mark: number;
  unrealizedPnl: number | null;
  stopLoss: number | null;
  takeProfit: number | null;
  /** An order is working for this symbol. */
  pending: boolean;
}

export interface PipelineStatus {
  running: boolean;
  runInProgress: boolean;
  mode: PipelineMode;
  /** Why this mode, e.g. "no exchange keys (...)" in simulation mode. */
  modeReason: string;
  simulation: boolean;
  strategy: { id: string; params: Record<string, number | boolean> };
  timeframe: string;
  intervalMs: number;
  startedAt: number | null;
  lastRun: RunRecord | null;
  candidates: Candidate[];
  account: { equity: number; cash: number; openPositions: number; haltedByDailyLoss: boolean };
  /** The model stages' settings and spend (only when PIPELINE_ANALYST or PIPELINE_DECIDER asks a model). */
  models?: {
    analyst: 'rules' | 'ai';
    decider: 'rules' | 'ai' | 'both';
    analystModel: string | null;
    deciderModel: string | null;
    callsLastHour: number;
    tokensToday: number;
  };
  positions: PositionStatus[];
  lastError: LastError | null;
}

const nanToNull = (x: number): number | null => (Number.isNaN(x) ? null : x);

export function statusOf(s: {
  broker: PaperBroker | LiveBroker;
  risk: RiskManager;
  mode: PipelineMode;
  modeReason: string;
  strategy: { id: string; params: ParamValues };
  timeframe: string;
  intervalMs: number;
  running: boolean;
  startedAt: number | null;
  runInProgress: boolean;
  lastRun: RunRecord | null;
  lastError: LastError | null;
  candidates: Candidate[];
}): PipelineStatus {
  const { broker, risk } = s;
  const positions: PositionStatus[] = [];
  for (const p of broker.slots) {
    if (!(p.qty > 0) && !p.pending) continue;
    positions.push({
      symbol: p.symbol,
      qty: p.qty,
      entryPrice: nanToNull(p.entryPrice),
      mark: p.mark,
      unrealizedPnl: p.qty > 0 ? nanToNull(p.qty * (p.mark - p.entryPrice)) : null,
      stopLoss: nanToNull(p.stopLoss),
      takeProfit: nanToNull(p.takeProfit),
      pending: p.pending,
    });
  }
  return {
    running: s.running,
    runInProgress: s.runInProgress,
    mode: s.mode,
    modeReason: s.modeReason,
    simulation: s.mode === 'paper',
    strategy: { id: s.strategy.id, params: { ...s.strategy.params } },
    timeframe: s.timeframe,
    intervalMs: s.intervalMs,
    startedAt: s.startedAt,
    lastRun: s.lastRun,
    candidates: s.candidates,
    account: {
      equity: broker.equity(),
      cash: broker.cash,
      openPositions: broker.openPositionCount(),
      haltedByDailyLoss: risk.halted(),
    },
    positions,
    lastError: s.lastError,
  };
}
