/** Prices, candles, markets and the performance endpoints over HTTP, on the simulated venue. */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tryParseDecimal } from '../../src/domain/decimal.js';
import { sqliteTarget } from '../support/databases.js';
import { redisUrlForTests } from '../support/redis.js';
import { testApp } from '../support/services.js';

type Ctx = Awaited<ReturnType<typeof testApp>>;

describe('market data API', () => {
  let t: Ctx;
  beforeAll(async () => {
    t = await testApp(sqliteTarget, {}, { realClock: true });
  });
  afterAll(() => t.close());

  const get = (url: string, who = t.alice) => t.app.inject({ url: `/api/v1${url}`, headers: who.headers });

  it('answers prices for many symbols with per-item errors', async () => {
    const r = await get('/prices?symbols=BTC/USDT,ETH/USDT,NOPE/USDT');
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body.items.map((i: { symbol: string }) => i.symbol)).toEqual(['BTC/USDT', 'ETH/USDT']);
    expect(body.items[0]).toMatchObject({
      price: expect.any(Number),
      ts: expect.any(Number),
      stale: false,
      ageMs: expect.any(Number),
    });
    expect(body.errors).toEqual([{ symbol: 'NOPE/USDT', code: 'NOT_FOUND', message: expect.any(String) }]);
  });

  it('answers each price with its 24 h change and volume as exact decimals from the venue ticker', async () => {
    const body = (await get('/prices?symbols=ETH/USDT,PM-0001')).json();
    expect(body.items).toHaveLength(2);
    for (const item of body.items) {
      expect(tryParseDecimal(item.change24h, { allowNegative: true })).toEqual({
        ok: true,
        value: item.change24h,
      });
      expect(item.change24h).toMatch(/^-?\d+(\.\d{1,4})?$/);
      expect(tryParseDecimal(item.volume24h)).toEqual({ ok: true, value: item.volume24h });
      expect(Number(item.volume24h)).toBeGreaterThan(0);
    }
    // The same figures as the venue's own ticker over the same window.
    const eth = body.items[0];
    const venueTicker = (await t.services.marketData.venue.fetchTickers(['ETH/USDT'])).get('ETH/USDT')!;
    expect(
      Math.abs(
        Number(eth.change24h) - ((venueTicker.last - venueTicker.open24h!) / venueTicker.open24h!) * 100,
      ),
    ).toBeLessThan(1);
  });

  it('rejects bad price requests', async () => {
    expect((await get('/prices')).statusCode).toBe(400);
    expect((await get('/prices?symbols=')).statusCode).toBe(400);
    expect((await get('/prices?symbols=,,,')).json().error.message).toMatch(/at least one/);
    const many = Array.from({ length: 501 }, (_, i) => `S${i}/USDT`).join(',');
    expect((await get(`/prices?symbols=${many}`)).json().error.message).toMatch(/at most 500/);
    expect((await get('/prices?symbols=BTC/USDT&x=1')).statusCode).toBe(400);
  });

  it('serves candles and rejects unknown timeframes and symbols', async () => {
    const r = await get('/ohlcv/BTC%2FUSDT?tf=1h&limit=24');
    expect(r.statusCode).toBe(200);
    expect(r.json().candles).toHaveLength(24);
    expect((await get('/ohlcv/BTC%2FUSDT?tf=7m')).json().error.details[0].path).toBe('query.tf');
    expect((await get('/ohlcv/NOPE%2FUSDT')).statusCode).toBe(404);
    expect((await get('/ohlcv/BTC%2FUSDT?limit=0')).statusCode).toBe(400);
  });

  it('pages through markets by cursor and looks them up by id, in batch', async () => {
    const seen: string[] = [];
    let cursor = '';
    for (let i = 0; i < 20; i++) {
      const page = (await get(`/markets?limit=100${cursor ? `&cursor=${cursor}` : ''}`)).json();
      seen.push(...page.items.map((m: { id: string }) => m.id));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(seen.length).toBe(400); // 300 spot pairs + 100 binary markets
    expect(new Set(seen).size).toBe(400);
    expect((await get('/markets?cursor=%%%')).statusCode).toBe(400);
    const one = await get(`/markets/${encodeURIComponent(seen[0]!)}`);
    expect(one.json().id).toBe(seen[0]);
    expect((await get('/markets/nope')).statusCode).toBe(404);
    const batch = await t.app.inject({
      method: 'POST',
      url: '/api/v1/markets/batch',
      headers: t.alice.headers,
      payload: { ids: [seen[1], 'nope'] },
    });
    expect(batch.json().items).toHaveLength(1);
    expect(batch.json().errors[0]).toMatchObject({ id: 'nope', code: 'NOT_FOUND' });
    const tooMany = await t.app.inject({
      method: 'POST',
      url: '/api/v1/markets/batch',
      headers: t.alice.headers,
      payload: { ids: Array.from({ length: 501 }, (_, i) => `m${i}`) },
    });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().error.message).toMatch(/at most 500/);
    const empty = await t.app.inject({
      method: 'POST',
      url: '/api/v1/markets/batch',
      headers: t.alice.headers,
      payload: { ids: [] },
    });
    expect(empty.statusCode).toBe(400);
  });

  it('answers market amounts as exact decimal strings, without float noise', async () => {
    type M = { id: string; symbol: string; tickSize?: unknown; minSize?: unknown };
    const items: M[] = [];
    let cursor = '';
    for (let i = 0; i < 5; i++) {
      const page = (await get(`/markets?limit=100${cursor ? `&cursor=${cursor}` : ''}`)).json();
      items.push(...page.items);
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    const canonical = (v: unknown) => {
      const r = tryParseDecimal(v);
      return typeof v === 'string' && r.ok && r.value === v && !/9{6}|[1-9]0{6,}[1-9]/.test(v);
    };
    for (const m of items) {
      expect({ id: m.id, tickSize: canonical(m.tickSize), minSize: canonical(m.minSize) }).toEqual({
        id: m.id,
        tickSize: true,
        minSize: true,
      });
    }
    const ada = items.find((m) => m.symbol === 'ADA/USDT')!;
    expect(ada.tickSize).toBe('0.00001');
    const one = (await get(`/markets/${encodeURIComponent(ada.id)}`)).json();
    expect([one.tickSize, one.minSize]).toEqual([ada.tickSize, ada.minSize]);
    const batch = await t.app.inject({
      method: 'POST',
      url: '/api/v1/markets/batch',
      headers: t.alice.headers,
      payload: { ids: [ada.id] },
    });
    expect(batch.json().items[0].tickSize).toBe('0.00001');
  });

  it('reports cache and market-data metrics, and lets only an admin invalidate', async () => {
    await get('/prices?symbols=BTC/USDT');
    await get('/prices?symbols=BTC/USDT');
    const cache = (await get('/performance/cache')).json();
    const price = cache.kinds.find((k: { kind: string }) => k.kind === 'price');
    expect(price.hits).toBeGreaterThan(0);
    expect(price.hitRate).toBeGreaterThan(0);
    const md = (await get('/performance/marketdata')).json();
    expect(md.venues[0]).toMatchObject({
      venue: 'simulated',
      requests: expect.any(Number),
      upstreamCalls: expect.any(Number),
      callsSavedPct: expect.any(Number),
      staleServed: 0,
    });
    const inv = (who: typeof t.alice, payload: unknown) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/performance/cache/invalidate',
        headers: who.headers,
        payload: payload as object,
      });
    expect((await inv(t.alice, { tags: ['symbol:BTC/USDT'] })).statusCode).toBe(403);
    expect((await inv(t.alice, { nonsense: true })).statusCode).toBe(403);
    const ok = await inv(t.admin, { tags: ['symbol:BTC/USDT'] });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().invalidated).toBeGreaterThan(0);
    expect((await inv(t.admin, {})).statusCode).toBe(400);
    expect((await inv(t.admin, { tags: ['no-colon'] })).statusCode).toBe(400);
  });
});

const redisUrl = await redisUrlForTests();

describe.skipIf(!redisUrl)('two instances sharing Redis', () => {
  it('share entries and see each other’s invalidations', async () => {
    const prefix = { redisUrl: redisUrl! };
    const a = await testApp(sqliteTarget, prefix, { realClock: true });
    const b = await testApp(sqliteTarget, prefix, { realClock: true });
    try {
      // Each instance has its own simulated venue with the same seed: the venue counts show who called upstream.
      const venueOf = (x: typeof a) =>
        x.services.venue as unknown as { stats(): { calls: { fetchTickers: number } } };
      const symbol = `SYM${String(100 + Math.floor(Math.random() * 150)).padStart(3, '0')}/USDT`;
      await a.app.inject({ url: `/api/v1/prices?symbols=${symbol}`, headers: a.alice.headers });
      const before = venueOf(b).stats().calls.fetchTickers;
      const fromB = await b.app.inject({ url: `/api/v1/prices?symbols=${symbol}`, headers: b.alice.headers });
      expect(fromB.json().items[0].symbol).toBe(symbol);
      expect(venueOf(b).stats().calls.fetchTickers).toBe(before); // served from the shared L2
      const inv = await a.app.inject({
        method: 'POST',
        url: '/api/v1/performance/cache/invalidate',
        headers: a.admin.headers,
        payload: { tags: [`symbol:${symbol}`] },
      });
      expect(inv.statusCode).toBe(200);
      // The invalidation reaches b over the bus; its next read must go upstream.
      for (let i = 0; i < 50 && b.services.cache.peek('price', `simulated:${symbol}`) !== undefined; i++) {
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(b.services.cache.peek('price', `simulated:${symbol}`)).toBeUndefined();
      await b.app.inject({ url: `/api/v1/prices?symbols=${symbol}`, headers: b.alice.headers });
      expect(venueOf(b).stats().calls.fetchTickers).toBe(before + 1);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
