/**
 * Timeframe arithmetic in exchange notation (`1m`, `4h`, `1d`, `1w`, `1M`):
 * bar lengths and UTC bar boundaries. Weeks start on Monday and months are
 * calendar months, as on exchanges.
 */
import { ValidationError } from './errors.js';
import type { Timeframe } from './market.js';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
export const WEEK_MS = 7 * DAY_MS;
/** 1970-01-01 was a Thursday; the first Monday is four days later. */
const FIRST_MONDAY_MS = 4 * DAY_MS;

const UNIT_MS: Record<string, number> = { m: MINUTE_MS, h: HOUR_MS, d: DAY_MS, w: WEEK_MS };
const PATTERN = /^([1-9]\d*)([mhdwM])$/;

/** A parsed timeframe: `count` units of `unit`. */
export interface ParsedTimeframe {
  count: number;
  unit: 'm' | 'h' | 'd' | 'w' | 'M';
}

/** Parses `5m`, `1h`, `1M`...; throws `ValidationError` for anything else. */
export function parseTimeframe(tf: Timeframe): ParsedTimeframe {
  const m = PATTERN.exec(tf);
  if (!m)
    throw new ValidationError(`unknown timeframe ${JSON.stringify(tf)}`, {
      details: [{ path: 'timeframe', message: 'must look like 1m, 5m, 1h, 1d, 1w or 1M' }],
    });
  return { count: Number(m[1]), unit: m[2] as ParsedTimeframe['unit'] };
}

/** Fixed bar length in ms, or `undefined` for calendar months. */
export function timeframeMs(tf: Timeframe): number | undefined {
  const { count, unit } = parseTimeframe(tf);
  return unit === 'M' ? undefined : count * (UNIT_MS[unit] ?? 0);
}

/** Open time of the bar containing `ts`. */
export function barOpen(ts: number, tf: Timeframe): number {
  const { count, unit } = parseTimeframe(tf);
  if (unit === 'M') {
    const d = new Date(ts);
    const months = d.getUTCFullYear() * 12 + d.getUTCMonth();
    const start = months - (((months % count) + count) % count);
    return Date.UTC(Math.floor(start / 12), start % 12, 1);
  }
  const len = count * (UNIT_MS[unit] ?? 0);
  const origin = unit === 'w' ? FIRST_MONDAY_MS : 0;
  return Math.floor((ts - origin) / len) * len + origin;
}

/** Open time of the bar after the one opening at `open`. */
export function nextBarOpen(open: number, tf: Timeframe): number {
  const { count, unit } = parseTimeframe(tf);
  if (unit !== 'M') return open + count * (UNIT_MS[unit] ?? 0);
  const d = new Date(open);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + count, 1);
}
