/** GET /api/v1/overview (src/api/overview-schema.ts): what the Home page shows. */
import type { CopyDecision, Position } from './types';

export interface WindowFigure {
  realizedPnl: string;
  closedPositions: number;
  wins: number;
}

export interface DailyBar {
  day: string;
  realizedPnl: string;
  unrealizedPnl: string;
  total: string;
  closedPositions: number;
}

export interface BotState {
  running: boolean;
  mode: string;
  modeReason: string;
  strategy: string;
  startedAt: string | null;
  lastRun: {
    id: number;
    status: string;
    startedAt: string;
    finishedAt: string | null;
    candidates: number;
    decisions: number;
    orders: number;
  } | null;
  equity: number;
  openPositions: number;
  lastError: { stage: string; message: string; at: string | null } | null;
}

export interface Overview {
  asOf: string;
  equity: { balance: string; initialBalance: string; openValue: string; total: string };
  pnl: {
    today: WindowFigure;
    last7Days: WindowFigure;
    last30Days: WindowFigure;
    allTime: WindowFigure;
    unrealizedPnl: string;
  };
  dailyProfit: DailyBar[];
  openPositions: {
    count: number;
    notional: string;
    unrealizedPnl: string;
    realizedPnl: string;
    items: (Position & { title: string })[];
  };
  copies: { items: CopyDecision[] };
  bot: BotState;
  alerts: { id: string; message: string; since: string }[];
}
