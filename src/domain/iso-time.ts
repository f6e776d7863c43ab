/**
 * The one parser for times a client sends (an order's `createdAt`, a
 * backtest's `from`/`to`, `?since=`): an RFC 3339 date-time with its zone, or
 * a plain date (UTC midnight). `Date.parse` is not used on input: it rolls an
 * impossible date over (`2026-02-30` became 2 March), reads a zone-less time
 * in the server's local zone, and accepts free text ("March 7").
 */

/** How the accepted forms are described in error messages. */
export const ISO_TIME_FORMS = 'a date-time with a zone like 2026-01-15T12:00:00Z, or a date like 2026-01-15';

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2}))?$/;

const daysIn = (year: number, month: number): number =>
  month === 2
    ? year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
      ? 29
      : 28
    : [4, 6, 9, 11].includes(month)
      ? 30
      : 31;

/** A parsed client time: epoch ms, and whether it was a date alone (no time of day). */
export interface IsoTime {
  ms: number;
  dateOnly: boolean;
}

/**
 * Parses `text`, or returns undefined when it is not one of the accepted
 * forms or names a day, hour, minute or zone that does not exist.
 *
 * @example
 * parseIsoTime('2026-01-15T12:00:00+01:00'); // { ms: Date.UTC(2026, 0, 15, 11), dateOnly: false }
 * parseIsoTime('2026-02-30'); // undefined
 */
export function parseIsoTime(text: unknown): IsoTime | undefined {
  if (typeof text !== 'string') return undefined;
  const m = DATE_TIME.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  const at = new Date(0);
  at.setUTCFullYear(year, month - 1, day);
  if (m[4] === undefined) return { ms: at.getTime(), dateOnly: true };
  const [hour, minute, second] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const millis = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  let offsetMin = 0;
  const zone = m[8]!;
  if (zone !== 'Z') {
    const [zh, zm] = [Number(zone.slice(1, 3)), Number(zone.slice(4, 6))];
    if (zh > 23 || zm > 59) return undefined;
    offsetMin = (zone[0] === '-' ? -1 : 1) * (zh * 60 + zm);
  }
  at.setUTCHours(hour, minute, second, millis);
  return { ms: at.getTime() - offsetMin * 60_000, dateOnly: false };
}
