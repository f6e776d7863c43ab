/** Client times: RFC 3339 with a zone, or a date; impossible days and hours are refused, never rolled over. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoTimeMs, parseIsoTime } from '../../src/domain/iso-time.js';

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

  it('reads any instant of years 0000-9999 as Date writes it, at any offset', () => {
    const first = Date.parse('0000-01-02T00:00:00Z');
    const last = Date.parse('9999-12-30T23:59:59.999Z');
    const zone = (offsetMin: number) => {
      const abs = Math.abs(offsetMin);
      const hh = String(Math.floor(abs / 60)).padStart(2, '0');
      return `${offsetMin < 0 ? '-' : '+'}${hh}:${String(abs % 60).padStart(2, '0')}`;
    };
    fc.assert(
      fc.property(
        fc.integer({ min: first, max: last }),
        fc.integer({ min: -1439, max: 1439 }),
        (ms, offsetMin) => {
          expect(isoTimeMs(new Date(ms).toISOString())).toBe(ms);
          const local = new Date(ms + offsetMin * 60_000).toISOString().slice(0, 23);
          expect(isoTimeMs(`${local}${zone(offsetMin)}`)).toBe(ms);
        },
      ),
      { numRuns: 5000 },
    );
  });
});
