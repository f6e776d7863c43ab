/**
 * What the Hyperliquid live client puts on the wire and what it makes of
 * answers the conformance suite does not reach, against the loopback
 * exchange: the `order` action ccxt signs (spot asset 10000 + pair index, an
 * IOC limit 5 % past the copy's price, the cloid), no builder-fee approval
 * or referrer action signed for the user, an order signed by a key the
 * account never approved refused in Hyperliquid's words, and fills that do
 * not add up yet leaving the outcome unknown.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Decimal } from '../../../src/domain/decimal.js';
import { UnavailableError, ValidationError } from '../../../src/domain/errors.js';
import { CcxtLiveVenues } from '../../../src/venues/ccxt/ccxt-live-venues.js';
import { closeExchanges } from '../../../src/venues/ccxt/exchange-registry.js';
import { hyperliquidClientOrderId } from '../../../src/venues/ccxt/hyperliquid-live-client.js';
import { HyperliquidExchangeServer } from '../../fakes/hyperliquid/exchange-loopback-server.js';

describe('Hyperliquid live client', () => {
  let server: HyperliquidExchangeServer;
  let venues: CcxtLiveVenues;

  beforeAll(async () => {
    server = await HyperliquidExchangeServer.start();
    venues = new CcxtLiveVenues({ hyperliquid: server.origin }, 2000);
    await venues.load('hyperliquid');
  });
  afterAll(async () => {
    await closeExchanges();
    await server?.close();
  });

  const actions = () =>
    server.requests
      .filter((r) => r.path === '/exchange')
      .map((r) => r.body['action'] as Record<string, unknown>);

  it('derives the cloid as 16 bytes of SHA-256 of (follow, leader trade), in hex', () => {
    const id = hyperliquidClientOrderId(42, '1700000000000-7');
    expect(id).toMatch(/^0x[0-9a-f]{32}$/);
    expect(venues.clientOrderId('hyperliquid', 42, '1700000000000-7')).toBe(id);
  });

  it('signs an order action: asset 10000 + pair index, IOC 5 % past the price, the cloid; nothing else', async () => {
    const a = server.addAccount({ balances: { USDT0: '1000' } });
    const c = venues.client('hyperliquid', { walletAddress: a.wallet, privateKey: a.agentKey });
    const cid = venues.clientOrderId('hyperliquid', 1, 'wire-1');
    const sent = actions().length;
    await c.createMarketOrder('BTC/USDT', 'buy', '0.001' as Decimal, cid, '65000' as Decimal);
    const mine = actions().slice(sent);
    expect(mine.map((x) => x['type'])).toEqual(['order']);
    expect(mine[0]).toMatchObject({
      grouping: 'na',
      orders: [
        { a: 10_003, b: true, p: '68250', s: '0.001', r: false, t: { limit: { tif: 'Ioc' } }, c: cid },
      ],
    });
    expect(mine[0]).not.toHaveProperty('builder');
    await c.createMarketOrder(
      'BTC/USDT',
      'sell',
      '0.0009' as Decimal,
      venues.clientOrderId('hyperliquid', 1, 'wire-2'),
      '65000' as Decimal,
    );
    expect(actions().at(-1)).toMatchObject({ orders: [{ b: false, p: '61750', s: '0.0009' }] });
    await c.close();
  });

  it('is refused, in Hyperliquid’s words, when the key is not an API wallet of the account', async () => {
    const a = server.addAccount({ balances: { USDT0: '1000' } });
    const b = server.addAccount();
    const c = venues.client('hyperliquid', { walletAddress: a.wallet, privateKey: `0x${'77'.repeat(32)}` });
    const cid = venues.clientOrderId('hyperliquid', 2, 'unapproved');
    const err = await c
      .createMarketOrder('BTC/USDT', 'buy', '0.001' as Decimal, cid, '65000' as Decimal)
      .catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toMatch(/User or API Wallet 0x[0-9a-f]{40} does not exist/);
    expect(a.account.orders.size + b.account.orders.size).toBe(0);
    await c.close();
  });

  it('leaves the outcome unknown while the order’s fills do not add up to its filled size', async () => {
    const a = server.addAccount({ balances: { USDT0: '1000' } });
    const c = venues.client('hyperliquid', { walletAddress: a.wallet, privateKey: a.agentKey });
    const cid = venues.clientOrderId('hyperliquid', 3, 'late-fills');
    const fills = a.account.fills;
    const hidden: typeof fills = [];
    const push = fills.push.bind(fills);
    fills.push = (...f) => hidden.push(...f); // the fill is not readable yet
    const err = await c
      .createMarketOrder('BTC/USDT', 'buy', '0.001' as Decimal, cid, '65000' as Decimal)
      .catch((e) => e);
    expect(err).toBeInstanceOf(UnavailableError);
    fills.push = push;
    push(...hidden);
    expect((await c.findByClientOrderId('BTC/USDT', cid))?.status).toBe('closed');
    await c.close();
  });
});
