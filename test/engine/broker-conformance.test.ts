/**
 * The paper broker and the live broker (real ccxt against the BingX loopback
 * exchange, signed HTTP on 127.0.0.1) through one conformance suite.
 */
import { afterAll, beforeAll } from 'vitest';
import { barsFromCandles } from '../../src/engine/bars.js';
import type { Fill } from '../../src/engine/broker.js';
import { PaperBroker } from '../../src/engine/paper-broker.js';
import { LiveBroker } from '../../src/pipeline/live-broker.js';
import { closeExchanges } from '../../src/venues/ccxt/exchange-registry.js';
import { createTradingExchange } from '../../src/venues/ccxt/trading-exchange.js';
import { brokerConformance } from '../conformance/broker-conformance.js';
import { BingxLoopbackServer } from '../fakes/bingx/bingx-loopback-server.js';

const CASH = 10_000;
const FEE = 0.001;
let bar = 0;

brokerConformance('paper broker', async () => {
  const fills: Fill[] = [];
  const broker = new PaperBroker({
    initialCash: CASH,
    feeRate: FEE,
    maxVolumeFraction: 1,
    onFill: (f) => fills.push(f),
  });
  return {
    broker,
    fills,
    feeRate: FEE,
    initialCash: CASH,
    cash: () => broker.cash,
    async step(price, opts) {
      const s = broker.slots[0]!;
      // A bar's volume caps a fill (maxVolumeFraction 1): `share` of what is left, else unknown (0: no cap).
      const volume = opts?.share === undefined ? 0 : s.orderQty * opts.share;
      const bars = barsFromCandles([
        { ts: ++bar * 3_600_000, open: price, high: price, low: price, close: price, volume },
      ]);
      broker.onBar(0, bars, 0);
    },
    close: async () => undefined,
  };
});

let server: BingxLoopbackServer;
let accounts = 0;
beforeAll(async () => {
  server = await BingxLoopbackServer.start();
});
afterAll(async () => {
  await closeExchanges();
  await server.close();
});

brokerConformance('live broker (ccxt, BingX loopback)', async () => {
  const keys = { apiKey: `conformance-${++accounts}`, secret: `conformance-secret-${accounts}` };
  const account = server.addAccount({ ...keys, balances: { USDT: CASH }, feeRate: FEE });
  const fills: Fill[] = [];
  const broker = new LiveBroker({
    exchange: createTradingExchange({
      exchangeId: 'bingx',
      ...keys,
      apiOrigin: server.origin,
      rateLimitMs: 1,
    }),
    onEvent: (e) => {
      if (e.kind === 'fill') fills.push(e.fill);
    },
  });
  await broker.sync();
  return {
    broker,
    fills,
    feeRate: FEE,
    initialCash: CASH,
    cash: () => broker.cash,
    async step(price, opts) {
      server.setPrice('BTC-USDT', price);
      account.fillShare = opts?.share ?? 1;
      await broker.sync();
      account.fillShare = 1;
    },
    async close() {
      server.setPrice('BTC-USDT', null);
    },
  };
});
