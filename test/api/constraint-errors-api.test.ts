/**
 * Writes the database refuses by a constraint no rule caught first answer a
 * 4xx naming no internals, never a 500, on every database, and write nothing:
 * a user deleted while its token is still remembered (the token cache keeps
 * it for a while) creating a trader, an order and a position hits the
 * foreign key to `users`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/store/prepared.js';
import type { DB } from '../../src/store/schema.js';
import { databaseTargets } from '../support/databases.js';
import { testApp } from '../support/services.js';

describe.each(await databaseTargets())('constraint violations over HTTP on $name', (target) => {
  let t: Awaited<ReturnType<typeof testApp>>;
  let market: { id: string };
  let traderId: number;

  beforeAll(async () => {
    t = await testApp(target, {}, { realClock: true });
    market = (await t.services.venue.fetchMarkets()).find((m) => m.symbol === 'ETH/USDT')!;
  });
  afterAll(() => t.close());

  const call = (method: 'GET' | 'POST', url: string, payload?: object) =>
    t.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: t.alice.headers,
      ...(payload ? { payload } : {}),
    });
  const rowsOf = async (table: keyof DB & ('traders' | 'orders' | 'positions')) => {
    const { db } = t.services;
    const row = await db.first<{ n: number | string }>(
      compile(
        db.kysely
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .where('user_id', '=', t.alice.user.id),
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

  it('answers 404 NOT_FOUND, not 500, when the user was deleted under its remembered token, writing nothing', async () => {
    const { db } = t.services;
    await db.run(compile(db.kysely.deleteFrom('users').where('id', '=', t.alice.user.id)));
    expect(await rowsOf('traders')).toBe(0); // cascaded

    const writes = [
      await call('POST', '/traders', { name: 'Ghost', source: 'manual', address: 'fk-ghost' }),
      await call('POST', '/orders', {
        pair: 'BTC/USDT',
        side: 'buy',
        type: 'limit',
        price: '64000.5',
        quantity: '0.01',
        status: 'open',
      }),
      await call('POST', '/orders', {
        traderId,
        pair: 'BTC/USDT',
        side: 'buy',
        type: 'limit',
        price: '64000.5',
        quantity: '0.01',
        status: 'open',
      }),
      await call('POST', '/positions', { marketId: market.id, side: 'long', size: '1' }),
    ];
    for (const r of writes) {
      expect(r.statusCode, r.body).toBeGreaterThanOrEqual(400);
      expect(r.statusCode, r.body).toBeLessThan(500);
      expect(r.json().error.message).not.toMatch(/constraint|sqlite|foreign|users|violat/i);
    }
    expect(writes[0]!.json().error.code).toBe('NOT_FOUND');
    expect(writes[1]!.json().error.code).toBe('NOT_FOUND');
    expect(writes[3]!.json().error.code).toBe('NOT_FOUND');
    for (const table of ['traders', 'orders', 'positions'] as const) expect(await rowsOf(table)).toBe(0);
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
