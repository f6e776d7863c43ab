/**
 * /api/v1/positions end to end on every database: open on paper at the
 * current price, list with markets from one batched call (cached per user),
 * TP/SL edits with their rules, close exactly once, and bad input answered
 * with the field named and nothing written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dec, decimal } from '../../src/domain/decimal.js';
import type { SimulatedVenue } from '../../src/venues/simulated/simulated-venue.js';
import { databaseTargets } from '../support/databases.js';
import { testApp } from '../support/services.js';

for (const target of await databaseTargets()) {
  describe(`positions API (${target.name})`, () => {
    let t: Awaited<ReturnType<typeof testApp>>;
    let venue: SimulatedVenue;
    let binary: { id: string; symbol: string; outcomes: { name: string; price: number }[] };
    let spot: { id: string; symbol: string };

    beforeAll(async () => {
      t = await testApp(target, {}, { realClock: true });
      venue = t.services.venue as SimulatedVenue;
      const markets = await venue.fetchMarkets();
      binary = markets.find((m) => m.kind === 'binary') as typeof binary;
      spot = markets.find((m) => m.symbol === 'ETH/USDT')!;
    });
    afterAll(() => t.close());

    const open = (body: Record<string, unknown>, headers = t.alice.headers) =>
      t.app.inject({ method: 'POST', url: '/api/v1/positions', headers, payload: body });

    it('opens a paper position at the current price', async () => {
      const price = (await venue.fetchTickers([spot.symbol])).get(spot.symbol)!.last;
      const r = await open({ marketId: spot.id, side: 'long', size: '2', takeProfit: '100000' });
      expect(r.statusCode).toBe(201);
      const p = r.json();
      expect(p).toMatchObject({ symbol: spot.symbol, side: 'long', size: '2', status: 'open', version: 1 });
      expect(Math.abs(Number(p.entryPrice) / price - 1)).toBeLessThan(1e-3); // the clock is real: prices move
      expect(p.currentPrice).toBe(p.entryPrice);
      expect(p.unrealizedPnl).toBe('0');
    });

    it('holds the second outcome of a binary market at 1 - the first price', async () => {
      // The clock is real: the first outcome's price is read on both sides of the open, which reads it between.
      const yesPrice = async () => (await venue.fetchTickers([binary.symbol])).get(binary.symbol)!.last;
      const before = await yesPrice();
      const r = await open({ marketId: binary.id, outcome: 'no', size: '10' });
      const after = await yesPrice();
      expect(r.statusCode).toBe(201);
      expect(r.json().outcome).toBe('No');
      const entry = Number(r.json().entryPrice);
      expect(entry).toBeGreaterThanOrEqual(1 - Math.max(before, after) - 1e-9);
      expect(entry).toBeLessThanOrEqual(1 - Math.min(before, after) + 1e-9);
    });

    it('lists positions with their markets from one upstream call, then from the cache', async () => {
      const bob = t.bob.headers;
      const markets = (await venue.fetchMarkets()).slice(0, 20);
      for (const m of markets) {
        const r = await open({ marketId: m.id, size: '1' }, bob);
        expect(r.statusCode).toBe(201);
      }
      await t.services.cache.invalidateTags(markets.map((m) => `market:${m.id}`));
      venue.resetStats();
      const first = await t.app.inject({ url: '/api/v1/positions?limit=50', headers: bob });
      expect(first.statusCode).toBe(200);
      expect(first.json().items).toHaveLength(20);
      expect(venue.stats().calls.fetchMarketsByIds).toBe(1);
      expect(first.json().items.every((p: { market: { id: string } }) => p.market !== null)).toBe(true);
      const second = await t.app.inject({ url: '/api/v1/positions?limit=50', headers: bob });
      expect(second.json()).toEqual(first.json());
      expect(venue.stats().calls.fetchMarketsByIds).toBe(1);
    });

    it('pages with a cursor, newest first', async () => {
      const a = await t.app.inject({ url: '/api/v1/positions?limit=7', headers: t.bob.headers });
      const b = await t.app.inject({
        url: `/api/v1/positions?limit=50&cursor=${a.json().nextCursor}`,
        headers: t.bob.headers,
      });
      const ids = [...a.json().items, ...b.json().items].map((p: { id: number }) => p.id);
      expect(ids).toHaveLength(20);
      expect([...ids].sort((x, y) => y - x)).toEqual(ids);
      expect(b.json().nextCursor).toBeNull();
    });

    it("a change drops only that user's cached list", async () => {
      const bobBefore = await t.app.inject({ url: '/api/v1/positions', headers: t.bob.headers });
      await open({ marketId: spot.id, size: '1' });
      const aliceList = await t.app.inject({ url: '/api/v1/positions', headers: t.alice.headers });
      expect(aliceList.json().items).toHaveLength(3);
      const key = `${t.bob.user.id}:open:50:`;
      expect(t.services.cache.peekHit('positions', key)).toBeDefined();
      expect(bobBefore.statusCode).toBe(200);
    });

    it('sets, validates and clears TP/SL with optimistic versions', async () => {
      const p = (await open({ marketId: spot.id, size: '1' })).json();
      const entry = Number(p.entryPrice);
      const url = `/api/v1/positions/${p.id}`;
      const set = await t.app.inject({
        method: 'PATCH',
        url,
        headers: { ...t.alice.headers, 'if-match': '"1"' },
        payload: { takeProfit: String(Math.round(entry * 2)), stopLoss: String(Math.round(entry / 2)) },
      });
      expect(set.statusCode).toBe(200);
      expect(set.json().version).toBe(2);
      const stale = await t.app.inject({
        method: 'PATCH',
        url,
        headers: { ...t.alice.headers, 'if-match': '"1"' },
        payload: { takeProfit: null },
      });
      expect(stale.statusCode).toBe(409);
      const inverted = await t.app.inject({
        method: 'PATCH',
        url,
        headers: t.alice.headers,
        payload: { stopLoss: String(Math.round(entry * 3)) },
      });
      expect(inverted.statusCode).toBe(400);
      expect(inverted.json().error.message).toMatch(/must be above stopLoss/);
      const reached = await t.app.inject({
        method: 'PATCH',
        url,
        headers: t.alice.headers,
        payload: { takeProfit: String(Math.round(entry / 4)), stopLoss: null },
      });
      expect(reached.statusCode).toBe(400);
      expect(reached.json().error.details[0].path).toBe('body.takeProfit');
      const cleared = await t.app.inject({
        method: 'PATCH',
        url,
        headers: t.alice.headers,
        payload: { takeProfit: null, stopLoss: null },
      });
      expect(cleared.json()).toMatchObject({ takeProfit: null, stopLoss: null, version: 3 });
    });

    it('closes once: realised PnL at the current price, a second close is 409', async () => {
      const p = (await open({ marketId: spot.id, side: 'short', size: '3' })).json();
      const price = (await venue.fetchTickers([spot.symbol])).get(spot.symbol)!.last;
      await t.services.cache.invalidateTags([`symbol:${spot.symbol}`]);
      const [a, b] = await Promise.all([
        t.app.inject({ method: 'POST', url: `/api/v1/positions/${p.id}/close`, headers: t.alice.headers }),
        t.app.inject({ method: 'POST', url: `/api/v1/positions/${p.id}/close`, headers: t.alice.headers }),
      ]);
      expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
      const closed = (a.statusCode === 200 ? a : b).json();
      expect(closed).toMatchObject({ status: 'closed', closeReason: 'manual', unrealizedPnl: '0' });
      expect(Math.abs(Number(closed.closePrice) / price - 1)).toBeLessThan(1e-3);
      // Exact: (entry - close) x size for a short, from the stored decimals.
      expect(closed.realizedPnl).toBe(dec.mul(dec.sub(p.entryPrice, closed.closePrice), decimal('3')));
      const list = await t.app.inject({ url: '/api/v1/positions?status=closed', headers: t.alice.headers });
      expect(list.json().items.map((x: { id: number }) => x.id)).toContain(p.id);
    });

    it("another user's position is 403; an unknown one 404", async () => {
      const p = (await open({ marketId: spot.id, size: '1' })).json();
      for (const [method, url, payload] of [
        ['GET', `/api/v1/positions/${p.id}`, undefined],
        ['PATCH', `/api/v1/positions/${p.id}`, { takeProfit: null }],
        ['POST', `/api/v1/positions/${p.id}/close`, undefined],
      ] as const) {
        const r = await t.app.inject({ method, url, headers: t.bob.headers, payload });
        expect(r.statusCode).toBe(403);
      }
      const missing = await t.app.inject({ url: '/api/v1/positions/999999', headers: t.alice.headers });
      expect(missing.statusCode).toBe(404);
    });

    it('rejects bad input with the field named and writes nothing', async () => {
      const count = async () =>
        (
          await t.app.inject({ url: '/api/v1/positions?status=all&limit=200', headers: t.alice.headers })
        ).json().items.length;
      const before = await count();
      const cases: [Record<string, unknown>, string][] = [
        [{ marketId: spot.id, size: '-1' }, 'body.size'],
        [{ marketId: spot.id, size: 'abc' }, 'body.size'],
        [{ marketId: spot.id, size: '0' }, 'body.size'],
        [{ marketId: 'no-such-market', size: '1' }, 'body.marketId'],
        [{ marketId: spot.id, size: '1', side: 'up' }, 'body.side'],
        [{ marketId: spot.id, size: '1', outcome: 'Yes' }, 'body.outcome'],
        [{ marketId: binary.id, size: '1', outcome: 'Maybe' }, 'body.outcome'],
        [{ marketId: binary.id, size: '1', side: 'short' }, 'body.side'],
        [{ marketId: spot.id, size: '1', takeProfit: '1', stopLoss: '2' }, 'body'],
        [{ marketId: spot.id, size: '1', stopLoss: '1e9' }, 'body.stopLoss'],
        [{ size: '1' }, 'body.marketId'],
        [{ marketId: spot.id, size: '1', extra: true }, 'body'],
      ];
      for (const [body, path] of cases) {
        const r = await open(body);
        expect(r.statusCode, JSON.stringify(body)).toBe(400);
        const e = r.json().error;
        expect(e.code).toBe('VALIDATION_FAILED');
        expect(JSON.stringify(e.details ?? []) + e.message).toContain(path);
      }
      for (const url of [
        '/api/v1/positions?status=maybe',
        '/api/v1/positions?cursor=%%%',
        '/api/v1/positions?limit=0',
      ]) {
        const r = await t.app.inject({ url, headers: t.alice.headers });
        expect(r.statusCode, url).toBe(400);
      }
      const noAuth = await t.app.inject({ url: '/api/v1/positions' });
      expect(noAuth.statusCode).toBe(401);
      expect(await count()).toBe(before);
    });
  });
}
