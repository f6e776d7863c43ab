/**
 * The ccxt live venues through the live copy broker conformance suite: real
 * ccxt, real signed HTTP on 127.0.0.1, against the BingX loopback exchange
 * (HMAC-signed REST) and the Hyperliquid loopback exchange (EIP-712-signed
 * `order` actions from an API wallet, with a 16-byte hex cloid).
 */
import type { Decimal } from '../../../src/domain/decimal.js';
import { parseExact } from '../../../src/domain/decimal.js';
import { CcxtLiveVenues } from '../../../src/venues/ccxt/ccxt-live-venues.js';
import { closeExchanges } from '../../../src/venues/ccxt/exchange-registry.js';
import { liveVenueConformance } from '../../conformance/live-venue-conformance.js';
import { BingxLoopbackServer } from '../../fakes/bingx/bingx-loopback-server.js';
import { HyperliquidExchangeServer } from '../../fakes/hyperliquid/exchange-loopback-server.js';

const TIMEOUT_MS = 2000;
const exactOf = (n: number) => parseExact(n.toFixed(12) as Decimal);

liveVenueConformance('bingx (ccxt, BingX loopback)', async () => {
  const server = await BingxLoopbackServer.start();
  server.setPrice('BTC-USDT', 65_000);
  let n = 0;
  return {
    venues: new CcxtLiveVenues({ bingx: server.origin }, TIMEOUT_MS),
    venue: 'bingx',
    symbol: 'BTC/USDT',
    base: 'BTC',
    quote: 'USDT',
    price: '65000' as Decimal,
    feeRate: '0.001' as Decimal,
    clientOrderIdForm: /^[A-Za-z0-9_]{1,40}$/,
    account(quote) {
      const keys = { apiKey: `conf-bingx-key-${++n}`, secret: `conf-bingx-secret-${n}` };
      const a = server.addAccount({ ...keys, balances: { USDT: Number(quote) }, feeRate: 0.001 });
      return {
        keys,
        balance: (asset) => exactOf(a.balances.get(asset) ?? 0),
        onVenue: (cid) => [...a.orders.values()].filter((o) => o.clientOrderId === cid).length,
        fillShare: (share) => {
          a.fillShare = share;
        },
      };
    },
    loseNextAck: () => server.loseNextAcks(1),
    async close() {
      await closeExchanges();
      await server.close();
    },
  };
});

liveVenueConformance('hyperliquid (ccxt, Hyperliquid loopback)', async () => {
  const server = await HyperliquidExchangeServer.start();
  return {
    venues: new CcxtLiveVenues({ hyperliquid: server.origin }, TIMEOUT_MS),
    venue: 'hyperliquid',
    symbol: 'BTC/USDT',
    base: 'BTC',
    quote: 'USDT',
    price: '65000' as Decimal,
    feeRate: '0.0007' as Decimal,
    clientOrderIdForm: /^0x[0-9a-f]{32}$/,
    account(quote) {
      const a = server.addAccount({ balances: { USDT0: quote }, feeRate: '0.0007' });
      return {
        keys: { walletAddress: a.wallet, privateKey: a.agentKey },
        balance: (asset) => a.account.balance(asset === 'BTC' ? 'UBTC' : asset === 'USDT' ? 'USDT0' : asset),
        onVenue: (cid) => a.account.byCloid(cid).length,
        fillShare: (share) => {
          a.account.fillShare = share;
        },
      };
    },
    loseNextAck: () => server.loseNextAcks(1),
    async close() {
      await closeExchanges();
      await server.close();
    },
  };
});
