import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../src/container.js';
import { type Decimal, type Exact, exact, formatExact, parseExact, ZERO } from '../../src/domain/decimal.js';
import { ClobLoopbackServer } from '../fakes/polymarket/clob-loopback-server.js';
import { databaseTargets } from '../support/databases.js';
import { until as untilWithin } from '../support/fleet.js';
import { type LiveCopyServices, liveCopyServices } from '../support/live-copy-services.js';
import type { ScriptedLeaderSource } from '../support/scripted-leader-source.js';

const until = <T>(what: string, probe: () => Promise<T | undefined>) => untilWithin(what, probe, 20_000);
const d = (s: string) => parseExact(s as Decimal);

const MARKET = {
  conditionId: `0x${'7'.padStart(64, '0')}`,
  slug: 'will-btc-close-2026-above-100k',
  question: 'Will BTC close 2026 above $100k?',
  yesPrice: 0.62,
  tokenIds: ['7001', '7002'] as [string, string],
  takerFeeBps: 100,
};
const YES = `${MARKET.slug}:Yes/USDC`;

describe.each(await databaseTargets())('Polymarket live copies on $name', (target) => {
  let server: ClobLoopbackServer;
  let live: LiveCopyServices;
  let s: Services;
  let source: ScriptedLeaderSource;
  let userId: number;
  let seq = 0;
  const privateKey = generatePrivateKey();
  const wallet = privateKeyToAccount(privateKey).address;

  beforeAll(async () => {
    server = await ClobLoopbackServer.start({ markets: [MARKET] });
    server.exchange.account(wallet).usdc = d('1000');
    live = await liveCopyServices(
      target,
      {
        venue: 'polymarket',
        venueApiOrigin: server.origin,
        liveVenueOrigins: { polymarket: server.origin },
        // A Polymarket key is the wallet's own: it may withdraw.
        allowWithdrawKeys: 'on',
        liveOrderTimeoutMs: 3000,
      },
      async (services) => {
        userId = (await services.users.create('hana')).user.id;
        const stored = await services.credentials.put(userId, 'polymarket', { privateKey });
        expect(stored.permissions).toContain('withdraw');
      },
    );
    ({ s, source } = live);
  });
  afterAll(async () => {
    await live?.close();
    await server?.close();
  });

  async function follow(fixedAmount: string) {
    const address = `scr-pm-${++seq}`;
    const t = await s.traders.create(userId, {
      name: address,
      source: 'simulated',
      address,
      allocation: '500',
      followOptions: { execution: 'live', liveVenue: 'polymarket', copyMode: 'fixed', fixedAmount },
    });
    await s.copy.engine!.sync();
    return { id: t.id, address };
  }

  /** The leader trades 100 "Yes" shares of the market at its price. */
  function trade(address: string, side: 'buy' | 'sell') {
    const t = source.add(address, {
      market: MARKET.conditionId,
      outcomeIndex: 0,
      side,
      size: '100' as Decimal,
      price: '0.62' as Decimal,
      ts: Date.now(),
    });
    source.hint(address, t);
    return t;
  }

  const decisionOf = (traderId: number, tradeId: string) =>
    until(`decision of ${tradeId}`, async () => {
      const list = await s.copy.repo.decisions({ userId, traderId }, 50, null);
      return list.find((x) => x.sourceTradeId === tradeId);
    });
  const recorded = (clientOrderId: string) =>
    until(`live order ${clientOrderId}`, async () => {
      const o = await s.live.repo.byClientOrderId(clientOrderId);
      return o && ['filled', 'rejected', 'cancelled'].includes(o.status) ? o : undefined;
    });
  const posted = (salt: string) =>
    server.requests.filter(
      (r) =>
        r.method === 'POST' &&
        r.path === '/order' &&
        String((r.body as { order: { salt: unknown } }).order.salt) === salt,
    );
  const holding = async (traderId: number) =>
    (await s.live.repo.holdings([traderId], 'polymarket', s.db)).get(`${traderId}:${YES}`);
  /** What the CLOB's trades of an order add up to: shares, and the taker fee in USDC. */
  function tradesOf(hash: string): { size: Exact; fee: Exact } {
    const ids = server.exchange.orders.get(hash)!.trades;
    let size = ZERO;
    let fee = ZERO;
    for (const id of ids) {
      const t = server.exchange.trades.get(id)!;
      const sz = d(String(t['size']));
      size = exact.add(size, sz);
      const notional = exact.mul(sz, d(String(t['price'])));
      fee = exact.add(fee, exact.div(exact.mul(notional, d(String(t['fee_rate_bps']))), d('10000'), 12));
    }
    return { size, fee };
  }

  it('sends a copy once as a FAK whose salt is the client order id, and records its fill, fee and holding', async () => {
    const f = await follow('20');
    const t = trade(f.address, 'buy');
    expect(await decisionOf(f.id, t.id)).toMatchObject({ status: 'copied', size: '32.25' });
    const cid = s.live.venues.clientOrderId('polymarket', f.id, t.id);
    expect(cid).toMatch(/^\d{1,16}$/);
    const o = await recorded(cid);
    expect(o.status, o.error ?? '').toBe('filled');
    expect(o).toMatchObject({ symbol: YES, side: 'buy', amount: '32.25', attempts: 1 });
    const sent = posted(cid);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.body).toMatchObject({ orderType: 'FAK', order: { side: 'BUY', tokenId: '7001' } });
    expect(server.exchange.ordersWithSalt(wallet, cid)).toBe(1);
    expect(o.venueOrderId).toMatch(/^0x[0-9a-f]{64}$/);
    const onClob = tradesOf(o.venueOrderId!);
    expect(o.filled).toBe(formatExact(onClob.size));
    expect(o.filled).toBe('32.25');
    expect(exact.sign(onClob.fee)).toBe(1);
    expect(o.fee).toBe(formatExact(onClob.fee));
    const held = (await holding(f.id))!;
    expect(held.quantity).toBe(o.filled);
    expect(formatExact(server.exchange.account(wallet).tokens.get('7001')!)).toBe(held.quantity);
    const history = await s.orders.list(userId, {}, 10, null);
    expect(history.find((x) => x.clientOrderId === cid)).toMatchObject({
      status: 'filled',
      traderId: f.id,
      pair: YES,
      filledQuantity: o.filled,
      averagePrice: o.averagePrice,
      fee: o.fee,
    });

    // The executor run again (a send pass and a sweep) sends nothing more.
    const orders = server.count('POST', '/order');
    await s.live.executor.kick();
    await s.live.executor.sweep();
    expect(server.count('POST', '/order')).toBe(orders);
    expect(server.exchange.ordersWithSalt(wallet, cid)).toBe(1);
    expect(await s.live.repo.byClientOrderId(cid)).toMatchObject({ status: 'filled', attempts: 1 });
  });

  it('skips a copy below the market’s minimum size of 5 shares, naming the rule, and sends nothing', async () => {
    const f = await follow('2');
    const before = server.count('POST', '/order');
    const t = trade(f.address, 'buy');
    expect(await decisionOf(f.id, t.id)).toMatchObject({ status: 'skipped', reason: 'venue_min_amount' });
    expect(server.count('POST', '/order')).toBe(before);
    expect(await s.live.repo.byClientOrderId(s.live.venues.clientOrderId('polymarket', f.id, t.id))).toBe(
      undefined,
    );
  });

  it('reconciles an order whose acknowledgement was lost: found by its hash, recorded, never re-sent', async () => {
    const f = await follow('40');
    const reconciled = s.live.executor.stats.reconciled;
    server.loseNextAck();
    const t = trade(f.address, 'buy');
    const cid = s.live.venues.clientOrderId('polymarket', f.id, t.id);
    const o = await recorded(cid);
    expect(o.status, o.error ?? '').toBe('filled');
    expect(o.attempts).toBe(1);
    expect(posted(cid)).toHaveLength(1);
    expect(server.exchange.ordersWithSalt(wallet, cid)).toBe(1);
    expect(s.live.executor.stats.reconciled).toBeGreaterThan(reconciled);
    expect(o.filled).toBe(formatExact(tradesOf(o.venueOrderId!).size));
    expect((await holding(f.id))!.quantity).toBe(o.filled);
  });

  it('copies the leader’s sell of the outcome as a sell of the holding, realising its PnL', async () => {
    const f = await follow('30');
    const buy = trade(f.address, 'buy');
    const bought = await recorded(s.live.venues.clientOrderId('polymarket', f.id, buy.id));
    expect(bought.status, bought.error ?? '').toBe('filled');
    const held = (await holding(f.id))!;
    const tokensBefore = server.exchange.account(wallet).tokens.get('7001')!;
    const sell = trade(f.address, 'sell');
    expect(await decisionOf(f.id, sell.id)).toMatchObject({ status: 'copied', size: held.quantity });
    const cid = s.live.venues.clientOrderId('polymarket', f.id, sell.id);
    const o = await recorded(cid);
    expect(o, o.error ?? '').toMatchObject({ status: 'filled', side: 'sell', filled: held.quantity });
    const sent = posted(cid);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.body).toMatchObject({ orderType: 'FAK', order: { side: 'SELL', tokenId: '7001' } });
    expect(o.fee).toBe(formatExact(tradesOf(o.venueOrderId!).fee));
    expect(o.realizedPnl).toMatch(/^-?\d+(\.\d+)?$/);
    expect(exact.sign(d(o.realizedPnl!))).toBe(-1); // bought above 0.62, sold below it, and paid fees both ways
    const after = await holding(f.id);
    expect(after === undefined || exact.isZero(d(after.quantity))).toBe(true);
    const tokensAfter = server.exchange.account(wallet).tokens.get('7001')!;
    expect(formatExact(exact.sub(tokensBefore, tokensAfter))).toBe(held.quantity);
  });
});
