import { describe, expect, it } from 'vitest';
import { CACHE_KINDS } from '../../src/cache/cache.js';
import { buildPolicies, DEFAULT_POLICIES, parseKindOverrides } from '../../src/cache/policies.js';
import { ValidationError } from '../../src/domain/errors.js';

describe('DEFAULT_POLICIES', () => {
  it('has the issue TTLs, and grace, soft and hard timeouts that make sense for every kind', () => {
    const ttl = Object.fromEntries(CACHE_KINDS.map((k) => [k, DEFAULT_POLICIES[k].ttlMs]));
    expect(ttl).toEqual({
      price: 20_000,
      ticker: 30_000,
      orderBook: 2_000,
      ohlcv: 300_000,
      marketList: 300_000,
      marketDetail: 300_000,
      marketData: 120_000,
      technical: 600_000,
      macro: 900_000,
      positions: 30_000,
      userProfile: 3_600_000,
      leaderboard: 3_600_000,
      traderPerformance: 2_000,
      aiAnalysis: 86_400_000,
      aiDecision: 86_400_000,
    });
    for (const k of CACHE_KINDS) {
      const p = DEFAULT_POLICIES[k];
      expect(p.graceMs).toBeGreaterThan(0);
      expect(p.softTimeoutMs).toBeLessThan(p.hardTimeoutMs);
    }
    expect(Object.isFrozen(DEFAULT_POLICIES.price)).toBe(true);
  });
});

describe('parseKindOverrides', () => {
  it('reads kind=ms, units and fields', () => {
    expect(parseKindOverrides('price=5000,ticker=10000')).toEqual({
      price: { ttlMs: 5_000 },
      ticker: { ttlMs: 10_000 },
    });
    expect(parseKindOverrides(' price = 5s , price.grace=2m, orderBook.soft=100ms, macro.hard=1h ')).toEqual({
      price: { ttlMs: 5_000, graceMs: 120_000 },
      orderBook: { softTimeoutMs: 100 },
      macro: { hardTimeoutMs: 3_600_000 },
    });
    expect(parseKindOverrides('')).toEqual({});
    expect(parseKindOverrides(' , ')).toEqual({});
  });

  it('names every bad part in one ValidationError', () => {
    let err: unknown;
    try {
      parseKindOverrides('price=5000,tcker=10,price.ttl=abc,ohlcv.wait=5,macro=-1');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    const v = err as ValidationError;
    expect(v.code).toBe('VALIDATION_FAILED');
    expect(v.details.map((d) => d.path)).toEqual([
      'CACHE_TTL_OVERRIDES[1]',
      'CACHE_TTL_OVERRIDES[2]',
      'CACHE_TTL_OVERRIDES[3]',
      'CACHE_TTL_OVERRIDES[4]',
    ]);
    expect(v.details[0]!.message).toContain('unknown cache kind "tcker"');
    expect(v.details[1]!.message).toContain('"price.ttl=abc"');
    expect(v.details[2]!.message).toContain('unknown field "wait"');
    expect(v.message).toMatch(/^CACHE_TTL_OVERRIDES: /);
  });

  it('names the source it is given', () => {
    expect(() => parseKindOverrides('x', 'MY_VAR')).toThrow(/^MY_VAR: "x" is not kind=duration/);
  });
});

describe('buildPolicies', () => {
  it('applies overrides field by field over the defaults', () => {
    const p = buildPolicies(parseKindOverrides('price=5000,orderBook.grace=0'));
    expect(p.price).toEqual({ ...DEFAULT_POLICIES.price, ttlMs: 5_000 });
    expect(p.orderBook.graceMs).toBe(0);
    expect(p.ticker).toEqual(DEFAULT_POLICIES.ticker);
    expect(Object.isFrozen(p)).toBe(true);
  });

  it('refuses policies that cannot work', () => {
    expect(() => buildPolicies({ price: { softTimeoutMs: 5_000, hardTimeoutMs: 1_000 } })).toThrow(
      /price: soft timeout \(5000\) must not exceed hard timeout \(1000\)/,
    );
    expect(() => buildPolicies({ ticker: { ttlMs: 0 } })).toThrow(/ticker: ttl/);
    expect(() => buildPolicies({ ticker: { graceMs: 1.5 } })).toThrow(/ticker: grace/);
    expect(() => buildPolicies(JSON.parse('{"nope":{"ttlMs":1}}'))).toThrow(/unknown cache kind "nope"/);
  });
});
