/**
 * The daily loss limit of live copies, on SQLite and PostgreSQL: once a
 * user's live copies realised more loss (net of fees) today than
 * LIVE_DAILY_LOSS_LIMIT, their new live entries are skipped as
 * `daily_loss_limit` while exits still go out and other users are unaffected;
 * yesterday's losses do not count.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveVenues } from '../../src/copytrading/live-venue-port.js';
import type { Decimal } from '../../src/domain/decimal.js';
import { parseExact } from '../../src/domain/decimal.js';
import type { Trader } from '../../src/domain/trader.js';
import type { NewDecision } from '../../src/store/copy-repository.js';
import { compile } from '../../src/store/prepared.js';
import type { LeaderTrade } from '../../src/venues/leader-source.js';
import { databaseTargets } from '../support/databases.js';
import { type TestContext, testServices } from '../support/services.js';

/** The venue side is not under test here: BTC/USDT with a 0.0001 lot and a 5 USDT minimum. */
const venues: LiveVenues = {
  rules: () => ({
    step: parseExact('0.0001' as Decimal),
    minAmount: null,
    minNotional: parseExact('5' as Decimal),
    quote: 'USDT',
    feeRate: parseExact('0.001' as Decimal),
  }),
  load: async () => undefined,
  client: () => {
    throw new Error('not used');
  },
  clientOrderId: (_v, traderId, tradeId) => `t${traderId}_${tradeId}`,
};

describe.each(await databaseTargets())('live daily loss limit on $name', (target) => {
  let t: TestContext;
  const follows: Trader[] = [];

  beforeAll(async () => {
    t = await testServices(target, { liveDailyLossLimit: '25' as Decimal, secretsKey: 'cd'.repeat(32) });
    for (const name of ['erin', 'frank']) {
      const u = (await t.services.users.create(name)).user.id;
      const f = await t.services.traders.create(u, {
        name,
        source: 'manual',
        address: `${name}-leader`,
        allocation: '1000',
        followOptions: { copyMode: 'fixed', fixedAmount: '100' },
      });
      // Live as the planner sees it (the credentials check on following is another suite's).
      follows.push({ ...f, followOptions: { ...f.followOptions, execution: 'live', liveVenue: 'bingx' } });
    }
    const now = t.clock.now();
    const filled = (userId: number, traderId: number, id: string, pnl: string, at: number) => ({
      user_id: userId,
      trader_id: traderId,
      venue: 'bingx',
      symbol: 'BTC/USDT',
      side: 'sell',
      amount: '0.01',
      price_hint: '65000',
      client_order_id: id,
      source: 'manual',
      source_trade_id: id,
      status: 'filled',
      realized_pnl: pnl,
      created_at: at,
      updated_at: at,
      filled_at: at,
    });
    const [erin, frank] = follows as [Trader, Trader];
    await t.services.db.run(
      compile(
        t.services.db.kysely.insertInto('live_copy_orders').values([
          filled(erin.userId, erin.id, 'e1', '-20', now - 1000),
          filled(erin.userId, erin.id, 'e2', '-6', now - 500),
          filled(frank.userId, frank.id, 'f1', '-500', now - 86_400_000), // yesterday
        ]),
      ),
    );
    for (const f of follows)
      await t.services.live.repo.executor.run(
        compile(
          t.services.db.kysely.insertInto('live_copy_holdings').values({
            trader_id: f.id,
            venue: 'bingx',
            symbol: 'BTC/USDT',
            quantity: '0.01',
            average_price: '65000',
          }),
        ),
      );
  });
  afterAll(async () => t?.close());

  async function plan(side: 'buy' | 'sell'): Promise<NewDecision[]> {
    const { LiveCopyPlanner } = await import('../../src/copytrading/live-copy-planner.js');
    const planner = new LiveCopyPlanner({
      live: t.services.live.repo,
      venues,
      balance: () => undefined,
      dailyLossLimit: parseExact('25' as Decimal),
      now: () => t.clock.now(),
    });
    const trade: LeaderTrade = {
      id: `${side}-${t.clock.now()}`,
      ts: t.clock.now(),
      side,
      market: 'BTC/USDT',
      outcomeIndex: null,
      size: '0.01' as Decimal,
      price: '65000' as Decimal,
    };
    const market = { id: 'BTC/USDT', symbol: 'BTC/USDT', kind: 'spot' as const, active: true };
    return t.services.db.transaction((tx) =>
      planner.plan(
        trade,
        follows.map((f) => ({
          follow: f,
          decision: { userId: f.userId, traderId: f.id, status: 'skipped', reason: null } as NewDecision,
        })),
        { market, price: parseExact('65000' as Decimal) },
        null,
        side === 'sell' ? parseExact('1' as Decimal) : null,
        tx,
      ),
    );
  }

  it('skips the entries of a user past the limit today, not their exits, not other users', async () => {
    const buys = await plan('buy');
    expect(buys.map((d) => [d.userId, d.status, d.reason ?? null])).toEqual([
      [follows[0]!.userId, 'skipped', 'daily_loss_limit'],
      [follows[1]!.userId, 'copied', null],
    ]);
    const sells = await plan('sell');
    expect(sells.map((d) => d.status)).toEqual(['copied', 'copied']);
  });
});
