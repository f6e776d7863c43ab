/**
 * One suite, every dialect: the same repositories and services must behave
 * identically on SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlreadyExistsError } from '../../src/domain/conflict.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../src/domain/errors.js';
import { migrateToLatest, migrationsAreCurrent } from '../../src/store/migrate.js';
import { compile } from '../../src/store/prepared.js';
import { TRADER_COLUMNS } from '../../src/store/trader-repository.js';
import type { SimulatedLeaders } from '../../src/venues/simulated/simulated-leaders.js';
import { databaseTargets } from '../support/databases.js';
import { type TestContext, testServices } from '../support/services.js';

describe.each(await databaseTargets())('store on $name', (target) => {
  let ctx: TestContext;
  let alice: number;
  let bob: number;

  beforeAll(async () => {
    ctx = await testServices(target);
    alice = (await ctx.services.users.create('alice')).user.id;
    bob = (await ctx.services.users.create('bob')).user.id;
  });
  afterAll(() => ctx.close());

  const count = async (table: 'orders' | 'traders' | 'trading_pairs') => {
    const q = ctx.services.db.kysely.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n'));
    return Number((await ctx.services.db.first(compile(q)))!.n);
  };

  it('migrations are idempotent and current', async () => {
    expect(await migrateToLatest(ctx.services.db)).toEqual([]);
    expect(await migrationsAreCurrent(ctx.services.db)).toBe(true);
  });

  it('creates, toggles with versions, and refuses stale or foreign updates', async () => {
    const { traders } = ctx.services;
    const t = await traders.create(alice, {
      name: 'Whale',
      source: 'manual',
      address: 'wallet-1',
      followOptions: { stopLossPct: '12.5' },
    });
    expect(t).toMatchObject({ enabled: true, version: 1, allocation: '0' });
    expect(t.followOptions).toEqual({
      takeProfitPct: null,
      stopLossPct: '12.5',
      trailingStopPct: null,
      maxPositionSize: null,
      copyRatio: '1',
      copyMode: 'ratio',
      fixedAmount: null,
      minTradeSize: null,
      allowMarkets: null,
      denyMarkets: null,
      execution: 'paper',
      liveVenue: null,
    });
    ctx.clock.advance(1000);
    const off = await traders.update(alice, t.id, { enabled: false });
    expect(off).toMatchObject({ enabled: false, version: 2, updatedAt: t.createdAt + 1000 });
    await expect(traders.update(alice, t.id, { enabled: true }, 1)).rejects.toBeInstanceOf(ConflictError);
    await expect(traders.update(bob, t.id, { enabled: true })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(traders.update(alice, 999_999, { enabled: true })).rejects.toBeInstanceOf(NotFoundError);
    const edited = await traders.update(
      alice,
      t.id,
      { followOptions: { takeProfitPct: 40, stopLossPct: null } },
      2,
    );
    expect(edited.followOptions).toMatchObject({ takeProfitPct: '40', stopLossPct: null });
    expect((await traders.get(alice, t.id)).version).toBe(3);
    await expect(
      traders.create(alice, { name: 'Dup', source: 'manual', address: 'wallet-1' }),
    ).rejects.toBeInstanceOf(AlreadyExistsError);
    // Another user may follow the same address.
    await traders.create(bob, { name: 'Same', source: 'manual', address: 'wallet-1' });
  });

  it('batch updates are all or nothing', async () => {
    const { traders } = ctx.services;
    const a = await traders.create(alice, { name: 'A', source: 'manual', address: 'batch-a' });
    const b = await traders.create(alice, { name: 'B', source: 'manual', address: 'batch-b' });
    const foreign = await traders.create(bob, { name: 'C', source: 'manual', address: 'batch-c' });
    await expect(
      traders.batchUpdate(alice, [
        { id: a.id, enabled: false },
        { id: foreign.id, enabled: false },
      ]),
    ).rejects.toBeInstanceOf(ForbiddenError);
    expect((await traders.get(alice, a.id)).enabled).toBe(true);
    await expect(
      traders.batchUpdate(alice, [
        { id: a.id, enabled: false },
        { id: b.id, version: 7, enabled: false },
      ]),
    ).rejects.toBeInstanceOf(ConflictError);
    expect((await traders.get(alice, a.id)).version).toBe(1);
    const done = await traders.batchUpdate(alice, [
      { id: a.id, enabled: false },
      { id: b.id, followOptions: { copyRatio: '0.5' } },
    ]);
    expect(done.map((t) => [t.enabled, t.followOptions.copyRatio])).toEqual([
      [false, '1'],
      [true, '0.5'],
    ]);
  });

  it('paginates traders by cursor without gaps or repeats', async () => {
    const { traders } = ctx.services;
    const user = (await ctx.services.users.create('pager')).user.id;
    for (let i = 0; i < 7; i++)
      await traders.create(user, { name: `T${i}`, source: 'manual', address: `page-${i}` });
    const seen: string[] = [];
    let cursor: { createdAt: number; id: number } | null = null;
    for (;;) {
      const rows = await traders.list(user, 3, cursor);
      seen.push(...rows.map((r) => r.name));
      if (rows.length < 3) break;
      const last = rows[rows.length - 1]!;
      cursor = { createdAt: last.createdAt, id: last.id };
    }
    expect(seen).toEqual(['T0', 'T1', 'T2', 'T3', 'T4', 'T5', 'T6']);
  });

  it("lists traders, and a leader's follows, exactly as it reads one, every column mapped", async () => {
    const { traders } = ctx.services;
    const user = (await ctx.services.users.create('mapper')).user.id;
    const full = await traders.create(user, {
      name: 'Every option',
      source: 'simulated',
      address: (ctx.services.copy.sources.get('simulated') as SimulatedLeaders).addresses()[0]!,
      allocation: '2500.5',
      followOptions: {
        takeProfitPct: '12.5',
        stopLossPct: '7',
        trailingStopPct: '3.25',
        maxPositionSize: '900',
        copyMode: 'fixed',
        fixedAmount: '25.75',
        minTradeSize: '1.5',
        allowMarkets: ['BTC/USDT', 'ETH/USDT'],
        denyMarkets: ['DOGE/USDT'],
      },
    });
    // Off and on again: disabled_at and two enabled windows.
    await traders.update(user, full.id, { enabled: false });
    const toggled = await traders.update(user, full.id, { enabled: true });
    // What an update returns is the row as a read gives it, too.
    expect(toggled).toEqual(await traders.get(user, full.id));
    expect(toggled.followOptions.allowMarkets).toEqual(['BTC/USDT', 'ETH/USDT']);
    const bare = await traders.create(user, { name: 'Defaults', source: 'manual', address: 'map-bare' });
    const listed = await traders.list(user, 10, null);
    expect(listed).toEqual([await traders.get(user, full.id), await traders.get(user, bare.id)]);
    expect(listed[0]!.followOptions.denyMarkets).toEqual(['DOGE/USDT']);
    expect(listed[0]!.enabledWindows.length).toBeGreaterThan(0);
    const follows = await ctx.services.copy.repo.follows('simulated', full.address);
    expect(follows.find((f) => f.id === full.id)).toEqual(listed[0]);
    // A column added to the table later must be added to TRADER_COLUMNS too.
    const columns = await ctx.services.db.all<{ name: string }>({
      sql:
        target.name === 'sqlite'
          ? "select name from pragma_table_info('traders')"
          : "select column_name as name from information_schema.columns where table_name = 'traders' and table_schema = current_schema()",
      parameters: [],
    });
    expect(new Set(columns.map((c) => c.name))).toEqual(new Set(TRADER_COLUMNS));
  });

  it('sums many small fills exactly and keeps per-trader performance right', async () => {
    const { traders, orders } = ctx.services;
    const user = (await ctx.services.users.create('ledger')).user.id;
    const t = await traders.create(user, { name: 'Scalper', source: 'manual', address: 'scalp' });
    const fills = Array.from({ length: 2000 }, (_, i) => ({
      traderId: t.id,
      pair: 'SOL/USDC',
      side: i % 2 === 0 ? 'buy' : 'sell',
      quantity: '0.1',
      filledQuantity: '0.1',
      averagePrice: i % 2 === 0 ? '10.1' : '10.3',
      fee: '0.001',
      status: 'filled',
    }));
    expect((await orders.bulkImport(user, fills)).imported).toBe(2000);
    const [perf] = await traders.performance(user);
    // 1,000 round trips of 0.1 bought at 10.1 and sold at 10.3: +0.02 each, minus 2 fees of 0.001.
    expect(perf).toMatchObject({ trades: 2000, closedTrades: 1000, wins: 1000, winRate: 1 });
    expect(perf!.realizedPnl).toBe('18');
    expect(perf!.fees).toBe('2');
    expect(perf!.volume).toBe('2040'); // 1000 * (1.01 + 1.03)
    const volume = await orders.dailyVolume(user, 30);
    expect(volume).toEqual([{ day: '2026-01-15', volume: '2040', fills: 2000 }]);
  });

  it('performance is cached per user and dropped only for the user who changed', async () => {
    const { traders, orders } = ctx.services;
    const u1 = (await ctx.services.users.create('p1')).user.id;
    const u2 = (await ctx.services.users.create('p2')).user.id;
    const t1 = await traders.create(u1, { name: 'X', source: 'manual', address: 'perf-x' });
    await traders.create(u2, { name: 'Y', source: 'manual', address: 'perf-y' });
    const first1 = await traders.performance(u1);
    const first2 = await traders.performance(u2);
    expect(await traders.performance(u1)).toBe(first1); // same object: served from cache
    await orders.create(u1, {
      traderId: t1.id,
      pair: 'BTC/USDT',
      side: 'buy',
      quantity: 1,
      filledQuantity: 1,
      averagePrice: 100,
      status: 'filled',
    });
    const after1 = await traders.performance(u1);
    expect(after1).not.toBe(first1);
    expect(after1[0]!.trades).toBe(1);
    expect(await traders.performance(u2)).toBe(first2); // the other user's entry survived
  });

  it('inserts many rows in order, every value exactly as given, and names a column that is not there', async () => {
    const { db } = ctx.services;
    const awkward = ['a"b', 'c,d', '{x}', 'back\\slash', 'NULL', '', ' spaced ', 'ünï', "it's"];
    const symbols = Array.from({ length: 2_500 }, (_, i) => `${awkward[i % awkward.length]}#${i}`);
    const pairIds = await db.transaction((tx) =>
      tx.insertMany(
        'trading_pairs',
        ['symbol', 'base', 'quote', 'created_at'],
        symbols.map((s, i) => [s, awkward[i % awkward.length], 'Q', 1_700_000_000_000 + i]),
      ),
    );
    expect(pairIds).toHaveLength(symbols.length);
    expect([...pairIds].sort((a, b) => a - b)).toEqual(pairIds);
    const back = await db.all(
      compile(
        db.kysely
          .selectFrom('trading_pairs')
          .select(['id', 'symbol', 'base', 'created_at'])
          .where('id', 'in', pairIds)
          .orderBy('id'),
      ),
    );
    expect(back.map((r) => [Number(r.id), r.symbol, r.base, Number(r.created_at)])).toEqual(
      symbols.map((s, i) => [pairIds[i], s, awkward[i % awkward.length], 1_700_000_000_000 + i]),
    );
    // Amounts keep every digit, a null stays null.
    const amounts = ['0.000000000000000001', '123456789012345678.123456789', '1'];
    const orderIds = await db.transaction((tx) =>
      tx.insertMany(
        'orders',
        [
          'user_id',
          'trading_pair_id',
          'client_order_id',
          'side',
          'type',
          'price',
          'quantity',
          'filled_quantity',
          'status',
          'fee',
          'created_at',
          'updated_at',
        ],
        amounts.map((a, i) => [
          alice,
          pairIds[0],
          null,
          'buy',
          'market',
          i === 2 ? null : a,
          a,
          a,
          'filled',
          '0',
          1,
          1,
        ]),
      ),
    );
    const orders = await db.all(
      compile(
        db.kysely
          .selectFrom('orders')
          .select(['price', 'quantity', 'client_order_id'])
          .where('id', 'in', orderIds)
          .orderBy('id'),
      ),
    );
    expect(
      orders.map((o) => [o.price === null ? null : String(o.price), String(o.quantity), o.client_order_id]),
    ).toEqual([
      [amounts[0], amounts[0], null],
      [amounts[1], amounts[1], null],
      [null, '1', null],
    ]);
    await expect(
      db.transaction((tx) => tx.insertMany('trading_pairs', ['symbol', 'nonesuch'], [['X', 1]])),
    ).rejects.toThrow(/nonesuch/);
  });

  it('runs a statement once per row, in order, telling what each changed, all or nothing', async () => {
    const { db } = ctx.services;
    const base = await db.transaction((tx) =>
      tx.insertMany(
        'trading_pairs',
        ['symbol', 'base', 'quote', 'created_at'],
        [0, 1, 2].map((i) => [`EACH${i}/Q`, `EACH${i}`, 'Q', 1]),
      ),
    );
    const update = compile(
      db.kysely
        .updateTable('trading_pairs')
        .set({ created_at: 0 })
        .where('id', '=', 0)
        .where('created_at', '<', 0),
    ).sql;
    // Later rows see earlier ones: the second run of the same id finds created_at already moved.
    const changed = await db.transaction((tx) =>
      tx.runEach(update, [
        [10, base[0], 5],
        [20, base[0], 15],
        [30, -1, 99],
        [40, base[2], 99],
      ]),
    );
    expect(changed).toEqual([1, 1, 0, 1]);
    const created = async () =>
      (
        await db.all(
          compile(
            db.kysely.selectFrom('trading_pairs').select('created_at').where('id', 'in', base).orderBy('id'),
          ),
        )
      ).map((r) => Number(r.created_at));
    expect(await created()).toEqual([20, 1, 40]);
    const insert = compile(
      db.kysely.insertInto('trading_pairs').values({ symbol: 'x', base: 'x', quote: 'x', created_at: 0 }),
    ).sql;
    await expect(
      db.transaction((tx) =>
        tx.runEach(insert, [
          ['EACH-NEW/Q', 'N', 'Q', 1],
          ['EACH0/Q', 'N', 'Q', 1],
        ]),
      ),
    ).rejects.toThrow();
    // The first row's insert was undone with the second's failure.
    const symbols = (
      await db.all(
        compile(db.kysely.selectFrom('trading_pairs').select('symbol').where('symbol', '=', 'EACH-NEW/Q')),
      )
    ).length;
    expect(symbols).toBe(0);
  });

  it('rejects bad orders and writes nothing', async () => {
    const { orders, traders } = ctx.services;
    const user = (await ctx.services.users.create('strict')).user.id;
    const foreign = await traders.create(bob, { name: 'F', source: 'manual', address: 'foreign-order' });
    const before = await count('orders');
    const pairsBefore = await count('trading_pairs');
    const good = { pair: 'NEW/PAIR', side: 'buy', quantity: '1' };
    for (const bad of [
      { ...good, quantity: '-1' },
      { ...good, quantity: 'NaN' },
      { ...good, side: 'hold' },
      { ...good, type: 'limit' },
      { ...good, filledQuantity: '2', status: 'partially_filled' },
      { ...good, traderId: foreign.id },
      { ...good, pair: 'btc-usdt' },
    ]) {
      await expect(orders.bulkImport(user, [good, bad])).rejects.toBeInstanceOf(ValidationError);
    }
    expect(await count('orders')).toBe(before);
    expect(await count('trading_pairs')).toBe(pairsBefore);
    await expect(orders.bulkImport(user, [])).rejects.toBeInstanceOf(ValidationError);
    await expect(
      orders.bulkImport(
        user,
        Array.from({ length: 10_001 }, () => good),
      ),
    ).rejects.toThrow(/at most 10000/);
    await orders.create(user, { ...good, clientOrderId: 'abc' });
    await expect(orders.create(user, { ...good, clientOrderId: 'abc' })).rejects.toBeInstanceOf(
      AlreadyExistsError,
    );
    // The failed duplicate must not have poisoned the pair cache: the pair still resolves.
    expect((await orders.list(user, { pair: 'NEW/PAIR' }, 10, null)).length).toBe(1);
  });

  it('lists orders newest first with filters and a stable cursor', async () => {
    const { orders } = ctx.services;
    const user = (await ctx.services.users.create('lister')).user.id;
    const rows = Array.from({ length: 25 }, (_, i) => ({
      pair: i % 2 ? 'ETH/USDT' : 'BTC/USDT',
      side: 'buy',
      quantity: '1',
      status: i % 3 === 0 ? 'cancelled' : 'open',
      createdAt: new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString(),
    }));
    await orders.bulkImport(user, rows);
    const all = [];
    let cursor: { createdAt: number; id: number } | null = null;
    for (;;) {
      const page = await orders.list(user, {}, 10, cursor);
      all.push(...page);
      if (page.length < 10) break;
      cursor = { createdAt: page[9]!.createdAt, id: page[9]!.id };
    }
    expect(all.length).toBe(25);
    expect(all.map((o) => o.createdAt)).toEqual([...all.map((o) => o.createdAt)].sort((a, b) => b - a));
    const filtered = await orders.list(user, { status: 'cancelled', pair: 'BTC/USDT' }, 100, null);
    expect(filtered.length).toBe(5); // i in {0, 6, 12, 18, 24}
    expect(filtered.every((o) => o.status === 'cancelled' && o.pair === 'BTC/USDT')).toBe(true);
    expect(await orders.list(user, { pair: 'NOPE/USDT' }, 10, null)).toEqual([]);
  });
});
