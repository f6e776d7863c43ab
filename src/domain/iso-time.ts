/**
 * The one parser for times a client sends (an order's `createdAt`, a
 * backtest's `from`/`to`, `?since=`): an RFC 3339 date-time with its zone, or
 * a plain date (UTC midnight). `Date.parse` is not used on input: it rolls an
 * impossible date over (`2026-02-30` became 2 March), reads a zone-less time
 * in the server's local zone, and accepts free text ("March 7").
 */

/** How the accepted forms are described in error messages. */
export const ISO_TIME_FORMS = 'a date-time with a zone like 2026-01-15T12:00:00Z, or a date like 2026-01-15';

const daysIn = (year: number, month: number): number =>
  month === 2
    ? year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
      ? 29
      : 28
    : month === 4 || month === 6 || month === 9 || month === 11
      ? 30
      : 31;

/** The two ASCII digits at `at` as a number, or -1 when either is not a digit (or past the end). */
function twoDigits(text: string, at: number): number {
  const a = text.charCodeAt(at) - 48;
  const b = text.charCodeAt(at + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1; // NaN past the end fails both
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/**
 * Epoch ms of a UTC date and time in the proleptic Gregorian calendar, as
 * `Date` counts (years below 100 included, which `Date.UTC` would read as
 * 19xx): days by H. Hinnant's days_from_civil, without a Date object.
 */
function utcMs(
  year: number,
  month: number,
  day: number,
  h: number,
  min: number,
  s: number,
  ms: number,
): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  const days = era * 146_097 + dayOfEra - 719_468;
  return days * 86_400_000 + h * 3_600_000 + min * 60_000 + s * 1000 + ms;
}

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
  const ms = isoTimeMs(text);
  return ms === undefined ? undefined : { ms, dateOnly: (text as string).length === 10 };
}

/** `parseIsoTime(text)?.ms` without the object: the epoch ms, or undefined. */
export function isoTimeMs(text: unknown): number | undefined {
  // A scan by character codes: imports parse one time per order, and a
  // regular expression's captures cost several strings each.
  if (typeof text !== 'string' || text.length < 10) return undefined;
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return undefined; // '-'
  const century = twoDigits(text, 0);
  const yy = twoDigits(text, 2);
  const year = century < 0 || yy < 0 ? -1 : century * 100 + yy;
  const month = twoDigits(text, 5);
  const day = twoDigits(text, 8);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  if (text.length === 10) return utcMs(year, month, day, 0, 0, 0, 0);
  // 'T' hh ':' mm, then optionally ':' ss and '.' 1-9 digits, then the zone.
  if (text.charCodeAt(10) !== 84 || text.charCodeAt(13) !== 58) return undefined;
  const hour = twoDigits(text, 11);
  const minute = twoDigits(text, 14);
  if (hour < 0 || minute < 0) return undefined;
  let at = 16;
  let second = 0;
  let millis = 0;
  if (text.charCodeAt(at) === 58) {
    second = twoDigits(text, at + 1);
    if (second < 0) return undefined;
    at += 3;
    if (text.charCodeAt(at) === 46) {
      // 1-9 digits; the first three are the milliseconds.
      let end = at + 1;
      while (end - at <= 9 && isDigit(text.charCodeAt(end))) {
        if (end - at <= 3)
          millis += (text.charCodeAt(end) - 48) * (end - at === 1 ? 100 : end - at === 2 ? 10 : 1);
        end++;
      }
      if (end === at + 1) return undefined;
      at = end;
    }
  }
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMin = 0;
  const zone = text.charCodeAt(at);
  if (zone === 90 && text.length === at + 1) {
    // 'Z'
  } else if ((zone === 43 || zone === 45) && text.length === at + 6 && text.charCodeAt(at + 3) === 58) {
    const zh = twoDigits(text, at + 1);
    const zm = twoDigits(text, at + 4);
    if (zh < 0 || zm < 0 || zh > 23 || zm > 59) return undefined;
    offsetMin = (zone === 45 ? -1 : 1) * (zh * 60 + zm);
  } else return undefined;
  return utcMs(year, month, day, hour, minute, second, millis) - offsetMin * 60_000;
}
