/**
 * GET /api/v1/overview: everything the dashboard's Home page shows, in one
 * request — paper equity, realised PnL today / 7 d / 30 d / all time and
 * unrealised PnL now, a profit bar per UTC day, the open positions' totals
 * and the newest of them, the last copy decisions, the signal bot's state,
 * and the alerts firing, in words. Cheap on a big account: the money
 * figures are three aggregate statements (src/store/overview-repository.ts),
 * the lists are bounded (10 items each).
 */
import type { FastifyInstance } from 'fastify';
import { copyJson } from '../../copytrading/copy-json.js';
import type { CopyService } from '../../copytrading/copy-service.js';
import type { Clock } from '../../domain/clock.js';
import { dec } from '../../domain/decimal.js';
import type { Alert } from '../../observability/alerts.js';
import type { Pipeline } from '../../pipeline/pipeline.js';
import { positionJson } from '../../positions/position-json.js';
import type { PositionService } from '../../positions/position-service.js';
import type { OverviewRepository } from '../../store/overview-repository.js';
import { MarketProfitJson, OverviewJson } from '../answers/overview.js';
import { currentUser } from '../auth.js';
import { Type } from '../json-schema.js';
import { dailyBars, firstDayShown, pnlWindows } from '../overview-figures.js';

export interface OverviewRouteDeps {
  figures: Pick<OverviewRepository, 'openTotals' | 'realizedByDay' | 'realizedTotal' | 'byMarket'>;
  positions: Pick<PositionService, 'list'>;
  copies: Pick<CopyService, 'decisions' | 'account'>;
  pipeline: Pick<Pipeline, 'status'>;
  alerts: () => readonly Alert[];
  clock: Clock;
}

/** Newest open positions and copy decisions listed. */
const LISTED = 10;
export const MAX_OVERVIEW_DAYS = 366;

const OverviewQuery = Type.Object(
  { days: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_OVERVIEW_DAYS })) },
  { additionalProperties: false },
);

const iso = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? null : new Date(ms).toISOString();

async function botState(pipeline: OverviewRouteDeps['pipeline']) {
  const s = await pipeline.status();
  return {
    running: s.running,
    mode: s.mode,
    modeReason: s.modeReason,
    strategy: s.strategy.id,
    startedAt: iso(s.startedAt),
    lastRun: s.lastRun && {
      id: s.lastRun.id,
      status: s.lastRun.status,
      startedAt: new Date(s.lastRun.startedAt).toISOString(),
      finishedAt: iso(s.lastRun.finishedAt),
      candidates: s.lastRun.candidates,
      decisions: s.lastRun.decisions,
      orders: s.lastRun.orders,
    },
    equity: s.account.equity,
    openPositions: s.account.openPositions,
    lastError: s.lastError && {
      stage: s.lastError.stage,
      message: s.lastError.message,
      at: iso(s.lastError.at),
    },
  };
}

export function overviewRoutes(api: FastifyInstance, deps: OverviewRouteDeps): void {
  api.get<{ Querystring: { days?: number } }>(
    '/overview',
    { schema: { querystring: OverviewQuery, response: { 200: OverviewJson } } },
    async (req) => {
      const userId = currentUser(req).id;
      const days = req.query.days ?? 30;
      const now = deps.clock.now();
      const [open, byDay, allTime, account, newest, copies, bot] = await Promise.all([
        deps.figures.openTotals(userId),
        deps.figures.realizedByDay(userId, firstDayShown(now, days) * 86_400_000),
        deps.figures.realizedTotal(userId),
        deps.copies.account(userId),
        deps.positions.list(userId, { status: 'open', limit: LISTED, cursor: null }),
        deps.copies.decisions(userId, { limit: LISTED, beforeId: null }),
        botState(deps.pipeline),
      ]);
      return {
        asOf: new Date(now).toISOString(),
        equity: {
          balance: account.balance,
          initialBalance: account.initialBalance,
          openValue: open.equityValue,
          total: dec.add(account.balance, open.equityValue),
        },
        pnl: { ...pnlWindows(byDay, allTime, now), unrealizedPnl: open.unrealizedPnl },
        dailyProfit: dailyBars(byDay, days, now, open.unrealizedPnl),
        openPositions: {
          count: open.count,
          notional: open.notional,
          unrealizedPnl: open.unrealizedPnl,
          realizedPnl: open.realizedPnl,
          items: newest.items.map((p) => ({
            ...positionJson(p),
            title: p.market?.question ?? p.symbol,
          })),
        },
        copies: { items: copies.map(copyJson) },
        bot,
        alerts: deps
          .alerts()
          .map((a) => ({ id: a.id, message: a.message, since: new Date(a.since).toISOString() })),
      };
    },
  );

  api.get('/overview/markets', { schema: { response: { 200: MarketProfitJson } } }, async (req) => {
    const rows = await deps.figures.byMarket(currentUser(req).id);
    return {
      items: rows.map((r) => ({
        market: r.market,
        closedPositions: r.closed,
        wins: r.wins,
        winRate: r.closed === 0 ? null : r.wins / r.closed,
        realizedPnl: r.realizedPnl,
        orders: r.orders,
        fees: r.fees,
      })),
    };
  });
}
