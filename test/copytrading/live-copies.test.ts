import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import type { Services } from '../../src/container.js';
import type { Decimal } from '../../src/domain/decimal.js';
import { compile } from '../../src/store/prepared.js';
import { closeExchanges } from '../../src/venues/ccxt/exchange-registry.js';
import { BingxLoopbackServer } from '../fakes/bingx/bingx-loopback-server.js';
import { databaseTargets } from '../support/databases.js';
import { until as untilWithin } from '../support/fleet.js';
import { type LiveCopyServices, liveCopyServices } from '../support/live-copy-services.js';
import type { ScriptedLeaderSource } from '../support/scripted-leader-source.js';

const ALICE = { apiKey: 'alice-live-key-0001', secret: 'alice-live-secret-0001' };
const BOB = { apiKey: 'bob-live-key-0002', secret: 'bob-live-secret-0002' };

const until = <T>(what: string, probe: () => Promise<T | undefined>) => untilWithin(what, probe, 15_000);

describe.each(await databaseTargets())('live copies on $name', (target) => {
  let server: BingxLoopbackServer;
  let bobAccount: ReturnType<BingxLoopbackServer['addAccount']>;
  let live: LiveCopyServices;
  let s: Services;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let source: ScriptedLeaderSource;
  const users: { alice: number; bob: number; admin: number } = { alice: 0, bob: 0, admin: 0 };
  const tokens: Record<string, string> = {};
  let seq = 0;

  beforeAll(async () => {
    server = await BingxLoopbackServer.start({ account: { ...ALICE, balances: { USDT: 10_000 } } });
    bobAccount = server.addAccount({ ...BOB, balances: { USDT: 10_000 } });
    live = await liveCopyServices(
      target,
      { liveVenueOrigins: { bingx: server.origin }, liveOrderTimeoutMs: 2000 },
      async (services) => {
        for (const name of ['alice', 'bob', 'admin'] as const) {
          const u = await services.users.create(name, { admin: name === 'admin' });
          users[name] = u.user.id;
          tokens[name] = u.token;
        }
        await services.credentials.put(users.alice, 'bingx', ALICE);
        await services.credentials.put(users.bob, 'bingx', BOB);
      },
    );
    ({ s, source } = live);
    app = await buildApp(s);
  });
  afterAll(async () => {
    await app?.close();
    await live?.close();
    await closeExchanges();
    await server?.close();
  });

  const call = (method: 'POST' | 'GET', url: string, who: string) =>
    app.inject({ method, url: `/api/v1${url}`, headers: { authorization: `Bearer ${tokens[who]}` } });

  async function follow(userId: number, fixedAmount: string) {
    const address = `scr-live-${++seq}`;
    const t = await s.traders.create(userId, {
      name: address,
      source: 'simulated',
      address,
      allocation: '5000',
      followOptions: { execution: 'live', liveVenue: 'bingx', copyMode: 'fixed', fixedAmount },
    });
    await s.copy.engine!.sync();
    return { id: t.id, address };
  }

  function trade(address: string, side: 'buy' | 'sell', size = '0.01', market = 'BTC/USDT') {
    const t = source.add(address, {
      market,
      side,
      size: size as Decimal,
      price: '65000' as Decimal,
      ts: Date.now(),
    });
    source.hint(address, t);
    return t;
  }

  const decisionOf = (traderId: number, tradeId: string) =>
    until(`decision of ${tradeId}`, async () => {
      const t = (await s.traders.list(users.alice, 500, null)).concat(
        await s.traders.list(users.bob, 500, null),
      );
      const userId = t.find((x) => x.id === traderId)!.userId;
      const list = await s.copy.repo.decisions({ userId, traderId }, 50, null);
      return list.find((d) => d.sourceTradeId === tradeId);
    });
  const liveOrder = (clientOrderId: string, done = true) =>
    until(`live order ${clientOrderId}`, async () => {
      const o = await s.live.repo.byClientOrderId(clientOrderId);
      return o && (!done || ['filled', 'rejected', 'cancelled'].includes(o.status)) ? o : undefined;
    });
  const venueOrders = (account: ReturnType<BingxLoopbackServer['addAccount']>, cid: string) =>
    [...account.orders.values()].filter((o) => o.clientOrderId === cid);

  it('sends a live copy once, with the client order id of (follow, leader trade), and records the venue’s fill', async () => {
    const f = await follow(users.alice, '100');
    const t = trade(f.address, 'buy');
    const d = await decisionOf(f.id, t.id);
    expect(d.status, JSON.stringify(d)).toBe('copied');
    const cid = s.live.venues.clientOrderId('bingx', f.id, t.id);
    expect(cid).toMatch(/^[A-Za-z0-9_]{1,40}$/);
    const o = await liveOrder(cid);
    expect(o.status).toBe('filled');
    expect(o.venueOrderId).toMatch(/^\d+$/);
    const onVenue = venueOrders(server.account!, cid);
    expect(onVenue).toHaveLength(1);
    expect(String(onVenue[0]!.executedQty)).toBe(o.filled);
    expect(Number(o.averagePrice)).toBeCloseTo(onVenue[0]!.quoteQty / onVenue[0]!.executedQty, 6);
    // In the user's history and ledger, as paper copies are.
    const orders = await s.orders.list(users.alice, {}, 10, null);
    expect(orders.find((x) => x.clientOrderId === cid)).toMatchObject({ status: 'filled', traderId: f.id });
    expect(server.account!.balances.get('BTC')).toBeGreaterThan(0);
  });

  it('skips copies the venue’s lot and minimum notional rules forbid, naming the rule, and sends nothing', async () => {
    // 1 USDT: below BingX's 0.0001 BTC lot (6.5 USDT), and above the SOL lot but below the 5 USDT minimum notional.
    const f = await follow(users.bob, '1');
    const before = server.count('/openApi/spot/v1/trade/order');
    const btc = trade(f.address, 'buy');
    expect(await decisionOf(f.id, btc.id)).toMatchObject({ status: 'skipped', reason: 'venue_lot_size' });
    const sol = trade(f.address, 'buy', '1', 'SOL/USDT');
    expect(await decisionOf(f.id, sol.id)).toMatchObject({ status: 'skipped', reason: 'venue_min_notional' });
    const xrp = trade(f.address, 'buy', '1', 'XRP/USDT');
    expect(await decisionOf(f.id, xrp.id)).toMatchObject({ status: 'skipped', reason: 'not_on_venue' });
    expect(server.count('/openApi/spot/v1/trade/order')).toBe(before);
  });

  it('reconciles an order whose acknowledgement was lost: found by client order id, recorded, never re-sent', async () => {
    const f = await follow(users.bob, '200');
    const reconciled = s.live.executor.stats.reconciled;
    server.loseNextAcks(1);
    const t = trade(f.address, 'buy');
    const cid = s.live.venues.clientOrderId('bingx', f.id, t.id);
    const o = await liveOrder(cid);
    expect(o.status).toBe('filled');
    expect(venueOrders(bobAccount, cid)).toHaveLength(1);
    expect(s.live.executor.stats.reconciled).toBeGreaterThan(reconciled);
  });

  it('copies a leader’s exit by selling the live holding and realising its PnL', async () => {
    const f = await follow(users.alice, '300');
    const buy = trade(f.address, 'buy');
    await liveOrder(s.live.venues.clientOrderId('bingx', f.id, buy.id));
    const sell = trade(f.address, 'sell');
    const d = await decisionOf(f.id, sell.id);
    expect(d.status).toBe('copied');
    const o = await liveOrder(s.live.venues.clientOrderId('bingx', f.id, sell.id));
    expect(o).toMatchObject({ status: 'filled', side: 'sell' });
    expect(o.realizedPnl).toMatch(/^-?\d+(\.\d+)?$/);
    const holdings = await s.live.repo.holdings([f.id], 'bingx', s.db);
    expect(holdings.get(`${f.id}:BTC/USDT`)?.quantity).toBe('0');
  });

  it('stops live orders with the kill switch (per user, then admin-wide), and resumes', async () => {
    const f = await follow(users.alice, '100');
    expect((await call('POST', '/copies/pause', 'alice')).json()).toEqual({
      paused: true,
      user: true,
      all: false,
    });
    const paused = trade(f.address, 'buy');
    expect(await decisionOf(f.id, paused.id)).toMatchObject({ status: 'skipped', reason: 'copies_paused' });
    await call('POST', '/copies/resume', 'alice');
    expect((await call('POST', '/admin/copies/pause', 'alice')).statusCode).toBe(403);
    expect((await call('POST', '/admin/copies/pause', 'admin')).statusCode).toBe(200);
    expect((await call('GET', '/copies/pause', 'alice')).json()).toEqual({
      paused: true,
      user: false,
      all: true,
    });
    const all = trade(f.address, 'buy');
    expect(await decisionOf(f.id, all.id)).toMatchObject({ status: 'skipped', reason: 'copies_paused' });
    await call('POST', '/admin/copies/resume', 'admin');
    const resumed = trade(f.address, 'buy');
    expect((await decisionOf(f.id, resumed.id)).status).toBe('copied');
    await liveOrder(s.live.venues.clientOrderId('bingx', f.id, resumed.id));
    for (const t of [paused, all])
      expect(
        await s.live.repo.byClientOrderId(s.live.venues.clientOrderId('bingx', f.id, t.id)),
      ).toBeUndefined();
  });

  it('keeps the outbox free of secrets', async () => {
    const rows = await s.db.all(compile(s.db.kysely.selectFrom('live_copy_orders').selectAll()));
    expect(rows.length).toBeGreaterThan(0);
    const text = JSON.stringify(rows);
    for (const k of [ALICE.secret, BOB.secret, ALICE.apiKey, BOB.apiKey]) expect(text).not.toContain(k);
  });
});
