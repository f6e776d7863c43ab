/**
 * The overview's PnL windows and daily profit bars from realised PnL per UTC
 * day (pure). A window counts the positions closed in it (today, the last 7
 * and 30 UTC days including today); the open positions' unrealised PnL is
 * today's bar's second part, reported once beside the windows, never summed
 * into a past day.
 */
import { DECIMAL_ZERO, type Decimal, dec } from '../domain/decimal.js';
import { DAY_MS, type RealizedDay, type RealizedTotal } from '../store/overview-repository.js';

export interface WindowFigure {
  realizedPnl: Decimal;
  closedPositions: number;
  wins: number;
}

export interface DailyBar {
  /** YYYY-MM-DD (UTC). */
  day: string;
  realizedPnl: Decimal;
  unrealizedPnl: Decimal;
  total: Decimal;
  closedPositions: number;
}

/** Days fetched at least: the 30-day window needs them whatever the chart shows. */
export const WINDOW_DAYS = 30;

export function firstDayShown(now: number, days: number): number {
  return Math.floor(now / DAY_MS) - Math.max(days, WINDOW_DAYS) + 1;
}

function windowOf(rows: readonly RealizedDay[], fromDay: number): WindowFigure {
  const inside = rows.filter((r) => r.day >= fromDay);
  return {
    realizedPnl: dec.sum(inside.map((r) => r.realizedPnl)),
    closedPositions: inside.reduce((n, r) => n + r.closed, 0),
    wins: inside.reduce((n, r) => n + r.wins, 0),
  };
}

export function pnlWindows(rows: readonly RealizedDay[], all: RealizedTotal, now: number) {
  const today = Math.floor(now / DAY_MS);
  return {
    today: windowOf(rows, today),
    last7Days: windowOf(rows, today - 6),
    last30Days: windowOf(rows, today - 29),
    allTime: { realizedPnl: all.realizedPnl, closedPositions: all.closed, wins: all.wins },
  };
}

/** One bar per UTC day of the last `days` (empty days are zero), today's carrying the unrealised PnL. */
export function dailyBars(
  rows: readonly RealizedDay[],
  days: number,
  now: number,
  unrealized: Decimal,
): DailyBar[] {
  const today = Math.floor(now / DAY_MS);
  const byDay = new Map(rows.map((r) => [r.day, r]));
  const out: DailyBar[] = [];
  for (let d = today - days + 1; d <= today; d++) {
    const r = byDay.get(d);
    const realized = r?.realizedPnl ?? DECIMAL_ZERO;
    const open = d === today ? unrealized : DECIMAL_ZERO;
    out.push({
      day: new Date(d * DAY_MS).toISOString().slice(0, 10),
      realizedPnl: realized,
      unrealizedPnl: open,
      total: dec.add(realized, open),
      closedPositions: r?.closed ?? 0,
    });
  }
  return out;
}
