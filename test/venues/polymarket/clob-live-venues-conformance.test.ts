/**
 * The Polymarket live venues through the live copy broker conformance suite:
 * @polymarket/clob-client-v2 against the loopback CLOB on 127.0.0.1 — API
 * keys derived with EIP-712-signed L1 requests, HMAC-signed L2 requests, CTF
 * Exchange V2 orders signed by the user's wallet, found by their hash.
 */
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import type { Decimal } from '../../../src/domain/decimal.js';
import { parseExact, ZERO } from '../../../src/domain/decimal.js';
import { ClobLiveVenues } from '../../../src/venues/polymarket/clob-live-venues.js';
import { liveVenueConformance } from '../../conformance/live-venue-conformance.js';
import { ClobLoopbackServer } from '../../fakes/polymarket/clob-loopback-server.js';

liveVenueConformance('polymarket (CLOB client v2, loopback CLOB)', async () => {
  const server = await ClobLoopbackServer.start({
    markets: [
      {
        conditionId: `0x${'1'.padStart(64, '0')}`,
        slug: 'will-btc-close-2026-above-100k',
        question: 'Will BTC close 2026 above $100k?',
        yesPrice: 0.62,
        tokenIds: ['1001', '1002'],
        takerFeeBps: 100,
      },
    ],
  });
  return {
    venues: new ClobLiveVenues({ host: server.origin, timeoutMs: 2000 }),
    venue: 'polymarket',
    symbol: 'will-btc-close-2026-above-100k:Yes/USDC',
    base: '1001',
    quote: 'USDC',
    price: '0.63' as Decimal,
    feeRate: '0.01' as Decimal,
    unit: '10' as Decimal,
    clientOrderIdForm: /^\d{1,16}$/,
    account(quote) {
      const privateKey = generatePrivateKey();
      const a = server.exchange.account(privateKeyToAccount(privateKey).address);
      a.usdc = parseExact(quote as Decimal);
      return {
        keys: { privateKey },
        balance: (asset) => (asset === 'USDC' ? a.usdc : (a.tokens.get(asset) ?? ZERO)),
        onVenue: (cid) => server.exchange.ordersWithSalt(a.address, cid),
        fillShare: (share) => {
          a.fillShare = share;
        },
      };
    },
    loseNextAck: () => server.loseNextAck(),
    close: () => server.close(),
  };
});
