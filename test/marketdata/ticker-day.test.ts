/** A ticker's 24 h change and volume as exact decimals. */
import { describe, expect, it } from 'vitest';
import { tickerDay } from '../../src/marketdata/ticker-day.js';

const at = { symbol: 'X/USDT', ts: 0 };

describe('tickerDay', () => {
  it('gives the change in per cent of the quoted prices, exactly, rounded half-even to 4 places', () => {
    expect(tickerDay({ ...at, last: 0.3, open24h: 0.1 })).toEqual({ change24h: '200' });
    // 0.1 + 0.2 as a float is 0.30000000000000004: read at the venue's precision, it is 0.3.
    expect(tickerDay({ ...at, last: 0.1 + 0.2, open24h: 0.3 }).change24h).toBe('0');
    expect(tickerDay({ ...at, last: 95, open24h: 100 }).change24h).toBe('-5');
    expect(tickerDay({ ...at, last: 2, open24h: 3 }).change24h).toBe('-33.3333');
    // Ties go to the even last place: 0.00015 % up, 0.00025 % down.
    expect(tickerDay({ ...at, last: 1.0000015, open24h: 1 }).change24h).toBe('0.0002');
    expect(tickerDay({ ...at, last: 1.0000025, open24h: 1 }).change24h).toBe('0.0002');
    expect(tickerDay({ ...at, last: 1.0000026, open24h: 1 }).change24h).toBe('0.0003');
  });

  it('reads the volume as a decimal, without float noise', () => {
    expect(tickerDay({ ...at, last: 1, volume: 0.1 + 0.2 })).toEqual({ volume24h: '0.3' });
    expect(tickerDay({ ...at, last: 1, volume: 0 })).toEqual({ volume24h: '0' });
  });

  it('leaves out what the venue does not report, or reports as no price', () => {
    expect(tickerDay({ ...at, last: 1 })).toEqual({});
    expect(tickerDay({ ...at, last: 1, open24h: 0 })).toEqual({});
    expect(tickerDay({ ...at, last: 1, open24h: Number.NaN, volume: Number.POSITIVE_INFINITY })).toEqual({});
    expect(tickerDay({ ...at, last: 1, open24h: -1, volume: -2 })).toEqual({});
  });
});
