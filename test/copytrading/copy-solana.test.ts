/**
 * Following a Solana wallet end to end, against a loopback JSON-RPC node
 * (HTTP + logsSubscribe) configured through SOLANA_RPC_URL / SOLANA_WS_URL:
 * a bad address is a 400 naming the form with nothing written; a swap is
 * copied on paper at the leader's fill plus COPY_SLIPPAGE; the leader's sell
 * closes the copy; two fills of one token at two prices in one read are each
 * copied at their own price.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samePricePrefix } from '../../src/copytrading/leader-watcher.js';
import type { LeaderTrade } from '../../src/venues/leader-source.js';
import { SolanaRpcLoopbackServer } from '../fakes/solana/solana-rpc-loopback-server.js';
import { randomAddress } from '../fakes/solana/solana-transactions.js';
import { databaseTargets } from '../support/databases.js';
import { testApp } from '../support/services.js';
import { until } from '../support/until.js';

describe('samePricePrefix', () => {
  const t = (market: string, price: string) => ({ market, price }) as LeaderTrade;
  it('cuts a page where a market comes back at another price, keeping at least one trade', () => {
    expect(samePricePrefix([])).toBe(0);
    expect(samePricePrefix([t('a', '1'), t('b', '2'), t('a', '1')])).toBe(3);
    expect(samePricePrefix([t('a', '1'), t('b', '2'), t('a', '1.5'), t('a', '1')])).toBe(2);
    expect(samePricePrefix([t('a', '1'), t('a', '2')])).toBe(1);
  });
});

for (const target of await databaseTargets()) {
  describe(`copying a Solana wallet on ${target.name}`, () => {
    let node: SolanaRpcLoopbackServer;
    let t: Awaited<ReturnType<typeof testApp>>;
    const wallet = randomAddress();
    const mint = randomAddress();

    beforeAll(async () => {
      node = await SolanaRpcLoopbackServer.start();
      t = await testApp(
        target,
        {
          solanaRpcUrl: node.url,
          solanaWsUrl: node.wsUrl,
          copyMaxLagMs: 3_600_000,
          copySlippage: '0.01' as never,
        },
        { realClock: true },
      );
      await t.services.copy.engine!.start();
    });
    afterAll(async () => {
      await t?.close();
      await node?.close();
    });

    const copies = async (id: number) => {
      const r = await t.app.inject({
        method: 'GET',
        url: `/api/v1/traders/${id}/copies?limit=50`,
        headers: t.alice.headers,
      });
      expect(r.statusCode, r.body).toBe(200);
      return r.json().items as {
        status: string;
        price: string | null;
        size: string | null;
        side: string;
        positionId: number | null;
      }[];
    };

    it('refuses an address that is not 32 bytes of base58, naming the form, with nothing written', async () => {
      const r = await t.app.inject({
        method: 'POST',
        url: '/api/v1/traders',
        headers: t.alice.headers,
        payload: { name: 'x', source: 'solana', address: '0x56687bf447db6ffa42ffe2204a05edaa20f55839' },
      });
      expect(r.statusCode).toBe(400);
      expect(r.body).toContain('32 bytes in base58');
      const list = await t.app.inject({ method: 'GET', url: '/api/v1/traders', headers: t.alice.headers });
      expect(list.json().items).toEqual([]);
    });

    it('copies swaps on paper at the leader fill plus slippage, each at its own price, and closes on the leader sell', async () => {
      const r = await t.app.inject({
        method: 'POST',
        url: '/api/v1/traders',
        headers: t.alice.headers,
        payload: {
          name: 'Sol whale',
          source: 'solana',
          address: wallet,
          allocation: '0',
          followOptions: { copyMode: 'ratio', copyRatio: '0.5' },
        },
      });
      expect(r.statusCode, r.body).toBe(201);
      const trader = r.json();
      // Block times are whole seconds: the first swap lands in the second after the follow was enabled.
      const second = Math.ceil(Date.now() / 1000) + 1;
      // 100 tokens for 2 USDC, then 100 more for 3 USDC (two prices in one read), then all 200 sold.
      const spec = { mint, tokenDecimals: 6, quote: 'USDC' as const };
      node.addSwap(
        wallet,
        { ...spec, side: 'buy', tokenUnits: 100_000_000n, quoteUnits: 2_000_000n },
        second,
      );
      node.addSwap(wallet, { ...spec, side: 'buy', tokenUnits: 100_000_000n, quoteUnits: 3_000_000n });
      const bought = await until('two copied buys', async () => {
        const items = (await copies(trader.id)).filter((c) => c.status === 'copied');
        return items.length >= 2 ? items : undefined;
      });
      expect(bought.map((c) => [c.side, c.price, c.size]).sort()).toEqual([
        ['buy', '0.0202', '50'],
        ['buy', '0.0303', '50'],
      ]);
      node.addSwap(wallet, { ...spec, side: 'sell', tokenUnits: 200_000_000n, quoteUnits: 5_000_000n });
      const sold = await until('the copied sell', async () =>
        (await copies(trader.id)).find((c) => c.side === 'sell' && c.status === 'copied'),
      );
      expect(sold.price).toBe('0.02475');
      expect(sold.size).toBe('100');
      const pos = await t.app.inject({
        method: 'GET',
        url: `/api/v1/positions/${sold.positionId}`,
        headers: t.alice.headers,
      });
      expect(pos.json()).toMatchObject({
        status: 'closed',
        closeReason: 'leader_exit',
        marketId: `${mint}/USDC`,
      });
    });
  });
}
