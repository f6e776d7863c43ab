/**
 * A copy into a market past its end is skipped `market_closed`, even when the
 * (cached, possibly minutes-old) listing still calls the market active: the
 * fan-out judges the end time against the leader's trade. The real fan-out
 * and store (SQLite; the rule is not the store's).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quoteKey } from '../../src/copytrading/copy-fanout.js';
import { type Decimal, parseExact } from '../../src/domain/decimal.js';
import type { Market } from '../../src/domain/market.js';
import type { WatcherRow } from '../../src/store/copy-repository.js';
import type { LeaderTrade } from '../../src/venues/leader-source.js';
import { databaseTargets } from '../support/databases.js';
import { type TestContext, testServices } from '../support/services.js';

const [sqlite] = await databaseTargets();

describe('market_closed from the end time', () => {
  let t: TestContext;
  let watcher: WatcherRow;
  const address = 'sim-whale-1';

  beforeAll(async () => {
    t = await testServices(sqlite!);
    const s = t.services;
    const user = (await s.users.create('carol')).user.id;
    await s.traders.create(user, {
      name: 'Whale',
      source: 'simulated',
      address,
      allocation: '1000',
      followOptions: { copyMode: 'fixed', fixedAmount: '10' },
    });
    watcher = await s.copy.repo.ensureWatcher('simulated', address, `sim:${t.clock.now()}`, t.clock.now());
  });
  afterAll(async () => t?.close());

  async function copyInto(endsAt: number): Promise<{ status: string; reason: string | null }> {
    const s = t.services;
    t.clock.advance(1_000);
    const now = t.clock.now();
    const trade: LeaderTrade = {
      id: `w-${now}`,
      ts: now,
      side: 'buy',
      market: 'will-it-rain',
      outcomeIndex: 0,
      size: '10' as Decimal,
      price: '0.4' as Decimal,
    };
    const market: Market = {
      id: 'will-it-rain',
      symbol: 'WILL-IT-RAIN',
      kind: 'binary',
      question: 'Will it rain?',
      outcomes: [
        { name: 'Yes', price: 0.4 },
        { name: 'No', price: 0.6 },
      ],
      active: true,
      endsAt,
    };
    const quotes = new Map([[quoteKey(trade), { market, price: parseExact('0.4' as Decimal) }]]);
    const to = `sim:${now}`;
    const r = await s.db.transaction((tx) =>
      s.copy.fanout.apply(watcher, watcher.cursor, to, [trade], quotes, null, now + 5, tx),
    );
    watcher = { ...watcher, cursor: to };
    const [d] = r!.decisions;
    return { status: d!.status, reason: d!.reason ?? null };
  }

  it('skips a trade made after the market ended, though the listing says active', async () => {
    expect(await copyInto(t.clock.now())).toEqual({ status: 'skipped', reason: 'market_closed' });
  });

  it('copies into the same market while it runs', async () => {
    expect(await copyInto(t.clock.now() + 86_400_000)).toEqual({ status: 'copied', reason: null });
  });
});
