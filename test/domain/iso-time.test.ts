/** Client times: RFC 3339 with a zone, or a date; impossible days and hours are refused, never rolled over. */
import { describe, expect, it } from 'vitest';
import { parseIsoTime } from '../../src/domain/iso-time.js';

describe('parseIsoTime', () => {
  it('reads date-times with their zone and dates as UTC midnight', () => {
    expect(parseIsoTime('2026-01-15T12:00:00Z')).toEqual({ ms: Date.UTC(2026, 0, 15, 12), dateOnly: false });
    expect(parseIsoTime('2026-01-15T12:00:00.123456+01:30')?.ms).toBe(Date.UTC(2026, 0, 15, 10, 30, 0, 123));
    expect(parseIsoTime('2026-01-15T12:00-05:00')?.ms).toBe(Date.UTC(2026, 0, 15, 17));
    expect(parseIsoTime('2024-02-29')).toEqual({ ms: Date.UTC(2024, 1, 29), dateOnly: true });
    expect(parseIsoTime('2000-02-29T23:59:59Z')?.ms).toBe(Date.UTC(2000, 1, 29, 23, 59, 59));
  });

  it.each([
    '2026-02-30',
    '2026-02-30T00:00:00Z',
    '2026-02-29T00:00:00Z',
    '1900-02-29',
    '2026-04-31T10:00:00+02:00',
    '2026-13-01',
    '2026-00-10',
    '2026-01-00',
    '2026-01-15T24:00:00Z',
    '2026-01-15T12:60:00Z',
    '2026-01-15T12:00:60Z',
    '2026-01-15T12:00:00+24:00',
    '2026-01-15T12:00:00',
    '2026-01-15 12:00:00Z',
    'March 7, 2026',
    '',
  ])('refuses %j', (text) => {
    expect(parseIsoTime(text)).toBeUndefined();
  });

  it('refuses what is not a string', () => {
    expect(parseIsoTime(1_700_000_000_000)).toBeUndefined();
    expect(parseIsoTime(null)).toBeUndefined();
  });
});
