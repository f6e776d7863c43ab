/**
 * Writes the database refuses by a constraint no rule caught first answer a
 * 4xx naming no internals, never a 500, on every database, and write nothing:
 * a user deleted while its request is under way (after its token was
 * accepted, before the write) creating a trader, an order and a position
 * hits the foreign key to `users`. A deleted user's later requests are
 * refused at authentication.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/store/prepared.js';
import type { DB } from '../../src/store/schema.js';
import { databaseTargets } from '../support/databases.js';
import { limitBuy } from '../support/orders.js';
import { testApp } from '../support/services.js';

describe.each(await databaseTargets())('constraint violations over HTTP on $name', (target) => {
  let t: Awaited<ReturnType<typeof testApp>>;
  let market: { id: string };
  let traderId: number;

  beforeAll(async () => {
    t = await testApp(target, {}, { realClock: true });
    // The race: the user is deleted after authentication accepted its token, before the route writes.
    t.app.addHook('preHandler', async (req) => {
      if (req.headers['x-test-delete-user'] !== '1' || !req.user) return;
      const { db } = t.services;
      await db.run(compile(db.kysely.deleteFrom('users').where('id', '=', req.user.id)));
    });
    market = (await t.services.venue.fetchMarkets()).find((m) => m.symbol === 'ETH/USDT')!;
  });
  afterAll(() => t.close());

  type Who = { user: { id: number }; headers: Record<string, string> };
  const call = (method: 'GET' | 'POST', url: string, payload?: object, race = false, who: Who = t.alice) =>
    t.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { ...who.headers, ...(race ? { 'x-test-delete-user': '1' } : {}) },
      ...(payload ? { payload } : {}),
    });
  const rowsOf = async (table: keyof DB & ('traders' | 'orders' | 'positions'), who: Who = t.alice) => {
    const { db } = t.services;
    const row = await db.first(
      compile(
        db.kysely
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .where('user_id', '=', who.user.id),
      ),
    );
    return Number(row?.n);
  };

  it('works while the user exists (and its token is now remembered)', async () => {
    const trader = await call('POST', '/traders', { name: 'Kept', source: 'manual', address: 'fk-kept' });
    expect(trader.statusCode).toBe(201);
    traderId = trader.json().id;
    expect((await call('GET', '/traders')).statusCode).toBe(200);
  });

  const writes = (race: boolean, who: Who = t.alice) => [
    () => call('POST', '/traders', { name: 'Ghost', source: 'manual', address: 'fk-ghost' }, race, who),
    () =>
      call(
        'POST',
        '/orders',
        { pair: 'BTC/USDT', side: 'buy', type: 'limit', price: '64000.5', quantity: '0.01', status: 'open' },
        race,
        who,
      ),
    () => call('POST', '/positions', { marketId: market.id, side: 'long', size: '1' }, race, who),
  ];
  const expectNothingOf = async (who: Who) => {
    for (const table of ['traders', 'orders', 'positions'] as const) expect(await rowsOf(table, who)).toBe(0);
  };

  it('answers 404 NOT_FOUND, not 500, when the user is deleted while its write is under way, writing nothing', async () => {
    for (let i = 0; i < writes(true).length; i++) {
      // One user per write: once deleted, a user's next request is refused at authentication.
      const created = await t.services.users.create(`racer${i}`);
      const who = { user: created.user, headers: { authorization: `Bearer ${created.token}` } };
      expect((await call('GET', '/traders', undefined, false, who)).statusCode).toBe(200);
      const r = await writes(true, who)[i]!();
      expect(r.statusCode, r.body).toBe(404);
      expect(r.json().error.code).toBe('NOT_FOUND');
      expect(r.json().error.message).not.toMatch(/constraint|sqlite|foreign|users|violat/i);
      await expectNothingOf(who);
    }
  });

  it("refuses a deleted user's later writes with a 4xx, writing nothing", async () => {
    const { db } = t.services;
    await db.run(compile(db.kysely.deleteFrom('users').where('id', '=', t.alice.user.id)));
    const order = await call('POST', '/orders', limitBuy(traderId));
    for (const r of [order, ...(await Promise.all(writes(false).map((w) => w())))]) {
      expect(r.statusCode, r.body).toBeGreaterThanOrEqual(400);
      expect(r.statusCode, r.body).toBeLessThan(500);
    }
    await expectNothingOf(t.alice);
  });

  it('still serves the other users', async () => {
    const r = await t.app.inject({
      method: 'POST',
      url: '/api/v1/traders',
      headers: t.bob.headers,
      payload: { name: 'Bob’s', source: 'manual', address: 'fk-bob' },
    });
    expect(r.statusCode).toBe(201);
  });
});
