import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { ConfigError } from '../../src/domain/errors.js';

describe('loadConfig', () => {
  it('uses documented defaults and derives the SQLite URL from DATA_DIR', () => {
    const c = loadConfig({ DATA_DIR: '/tmp/x' });
    expect(c.port).toBe(8080);
    expect(c.host).toBe('127.0.0.1');
    expect(c.databaseUrl).toBe('sqlite:/tmp/x/tradeloop.db');
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('names every bad variable and its expected form', () => {
    try {
      loadConfig({ PORT: 'eighty', SQLITE_SYNCHRONOUS: 'off', DATABASE_URL: 'mysql://x' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect(e).toMatchObject({ code: 'CONFIG_INVALID', retryable: false });
      const msg = (e as Error).message;
      expect(msg).toContain('PORT must be an integer from 0 to 65535, got "eighty"');
      expect(msg).toContain('SQLITE_SYNCHRONOUS must be normal or full');
      expect(msg).toContain('DATABASE_URL must be sqlite:<path> or postgres://');
    }
  });
});

describe('decimal settings', () => {
  it('compares bounds exactly and keeps the canonical form', () => {
    const c = loadConfig({ COPY_FEE_RATE: '0.0010', COPY_SLIPPAGE: '0.1' });
    expect([c.copyFeeRate, c.copySlippage]).toEqual(['0.001', '0.1']);
    // One unit in the 19th place above the 10 % bound is the same double as 0.1, and still above it.
    expect(() => loadConfig({ COPY_FEE_RATE: '0.100000000000000001' })).toThrow(/COPY_FEE_RATE must be/);
    expect(() => loadConfig({ COPY_SLIPPAGE: '0.100000000000000001' })).toThrow(/COPY_SLIPPAGE must be/);
  });
});
