import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../src/container.js';
import { type Decimal, exact, formatExact, parseExact } from '../../src/domain/decimal.js';
import { closeExchanges } from '../../src/venues/ccxt/exchange-registry.js';
import { HyperliquidExchangeServer } from '../fakes/hyperliquid/exchange-loopback-server.js';
import { databaseTargets } from '../support/databases.js';
import { until as untilWithin } from '../support/fleet.js';
import { type LiveCopyServices, liveCopyServices } from '../support/live-copy-services.js';
import type { ScriptedLeaderSource } from '../support/scripted-leader-source.js';

const until = <T>(what: string, probe: () => Promise<T | undefined>) => untilWithin(what, probe, 20_000);
const d = (s: string) => parseExact(s as Decimal);

describe.each(await databaseTargets())('Hyperliquid live copies on $name', (target) => {
  let server: HyperliquidExchangeServer;
  let hl: ReturnType<HyperliquidExchangeServer['addAccount']>;
  let live: LiveCopyServices;
  let s: Services;
  let source: ScriptedLeaderSource;
  let userId: number;
  let seq = 0;

  beforeAll(async () => {
    server = await HyperliquidExchangeServer.start();
    hl = server.addAccount({ balances: { USDT0: '10000' } });
    live = await liveCopyServices(
      target,
      { liveVenueOrigins: { hyperliquid: server.origin }, liveOrderTimeoutMs: 3000 },
      async (services) => {
        // Hyperliquid fills BTC/USDT (UBTC/USDT0) where the copy engine prices it: within the IOC's 5 %.
        const ticker = (await services.venue.fetchTickers(['BTC/USDT'])).get('BTC/USDT')!;
        server.setPrice('@3', String(Math.round(ticker.last)));
        userId = (await services.users.create('hana')).user.id;
        await services.credentials.put(userId, 'hyperliquid', {
          walletAddress: hl.wallet,
          privateKey: hl.agentKey,
        });
      },
    );
    ({ s, source } = live);
  });
  afterAll(async () => {
    await live?.close();
    await closeExchanges();
    await server?.close();
  });

  async function follow(fixedAmount: string) {
    const address = `scr-hl-${++seq}`;
    const t = await s.traders.create(userId, {
      name: address,
      source: 'simulated',
      address,
      allocation: '5000',
      followOptions: { execution: 'live', liveVenue: 'hyperliquid', copyMode: 'fixed', fixedAmount },
    });
    await s.copy.engine!.sync();
    return { id: t.id, address };
  }

  function trade(address: string, side: 'buy' | 'sell') {
    const t = source.add(address, {
      market: 'BTC/USDT',
      side,
      size: '0.01' as Decimal,
      price: '65000' as Decimal,
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

  it('sends a copy once with the cloid of (follow, leader trade), and keeps what arrived net of the fee in BTC', async () => {
    const f = await follow('100');
    const t = trade(f.address, 'buy');
    expect((await decisionOf(f.id, t.id)).status).toBe('copied');
    const cid = s.live.venues.clientOrderId('hyperliquid', f.id, t.id);
    expect(cid).toMatch(/^0x[0-9a-f]{32}$/);
    const o = await recorded(cid);
    expect(o.status, o.error ?? '').toBe('filled');
    const placed = hl.account.byCloid(cid);
    expect(placed).toHaveLength(1);
    expect(o.venueOrderId).toBe(String(placed[0]!.oid));
    const fills = hl.account.fills.filter((x) => x.oid === placed[0]!.oid);
    expect(o.filled).toBe(formatExact(d(fills[0]!.sz)));
    expect(fills[0]!.feeToken).toBe('UBTC');
    expect(o.fee).toBe(formatExact(exact.mul(d(fills[0]!.fee), d(fills[0]!.px))));
    const holding = (await s.live.repo.holdings([f.id], 'hyperliquid', s.db)).get(`${f.id}:BTC/USDT`)!;
    expect(holding.quantity).toBe(formatExact(exact.sub(d(fills[0]!.sz), d(fills[0]!.fee))));
    expect(formatExact(hl.account.balance('UBTC'))).toBe(holding.quantity);
    const history = await s.orders.list(userId, {}, 10, null);
    expect(history.find((x) => x.clientOrderId === cid)).toMatchObject({ status: 'filled', traderId: f.id });
  });

  it('skips a copy below Hyperliquid’s $10 minimum value, naming the rule, and sends nothing', async () => {
    const f = await follow('5');
    const before = server.count('order');
    const t = trade(f.address, 'buy');
    expect(await decisionOf(f.id, t.id)).toMatchObject({ status: 'skipped', reason: 'venue_min_notional' });
    expect(server.count('order')).toBe(before);
  });

  it('reconciles an order whose acknowledgement was lost: found by cloid, recorded, never re-sent', async () => {
    const f = await follow('200');
    const reconciled = s.live.executor.stats.reconciled;
    server.loseNextAcks(1);
    const t = trade(f.address, 'buy');
    const cid = s.live.venues.clientOrderId('hyperliquid', f.id, t.id);
    const o = await recorded(cid);
    expect(o.status).toBe('filled');
    expect(o.attempts).toBe(1);
    expect(hl.account.byCloid(cid)).toHaveLength(1);
    expect(s.live.executor.stats.reconciled).toBeGreaterThan(reconciled);
  });

  it('copies a leader’s exit by selling the holding down to the lot, realising its PnL', async () => {
    const f = await follow('300');
    const buy = trade(f.address, 'buy');
    await recorded(s.live.venues.clientOrderId('hyperliquid', f.id, buy.id));
    const held = (await s.live.repo.holdings([f.id], 'hyperliquid', s.db)).get(`${f.id}:BTC/USDT`)!;
    const sell = trade(f.address, 'sell');
    expect((await decisionOf(f.id, sell.id)).status).toBe('copied');
    const o = await recorded(s.live.venues.clientOrderId('hyperliquid', f.id, sell.id));
    expect(o).toMatchObject({ status: 'filled', side: 'sell' });
    expect(o.realizedPnl).toMatch(/^-?\d+(\.\d+)?$/);
    // 5 decimals (UBTC's szDecimals) of what was held; the dust below stays.
    const step = d('0.00001');
    const sold = d(o.filled!);
    expect(exact.cmp(sold, d(held.quantity))).toBeLessThanOrEqual(0);
    expect(exact.cmp(exact.sub(d(held.quantity), sold), step)).toBe(-1);
    const after = (await s.live.repo.holdings([f.id], 'hyperliquid', s.db)).get(`${f.id}:BTC/USDT`)!;
    expect(after.quantity).toBe(formatExact(exact.sub(d(held.quantity), sold)));
  });
});
