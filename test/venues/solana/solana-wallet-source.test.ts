import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError, RateLimitedError } from '../../../src/domain/errors.js';
import type { LeaderTrade } from '../../../src/venues/leader-source.js';
import { SolanaWalletSource } from '../../../src/venues/solana/solana-wallet-source.js';
import { describeLeaderSource } from '../../conformance/leader-source-conformance.js';
import { SolanaRpcLoopbackServer } from '../../fakes/solana/solana-rpc-loopback-server.js';
import { randomAddress, USDC } from '../../fakes/solana/solana-transactions.js';
import { codeOf } from '../../support/error-code.js';

const fast = { requestsPerSecond: 10_000, burst: 10_000 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeLeaderSource('solana (loopback JSON-RPC + logsSubscribe)', async () => {
  const server = await SolanaRpcLoopbackServer.start();
  const address = randomAddress();
  const mints = [randomAddress(), randomAddress()];
  const source = new SolanaWalletSource({
    rpcUrl: server.url,
    wsUrl: server.wsUrl,
    rateLimit: fast,
    signaturePage: 4,
  });
  // The suite subscribes and trades at once: trades wait until the node has every subscription asked for.
  let subscribed = 0;
  const subscribe = source.subscribe.bind(source);
  source.subscribe = (a, onTrade) => {
    subscribed++;
    const off = subscribe(a, onTrade);
    return () => {
      subscribed--;
      off();
    };
  };
  let k = 0;
  return {
    source,
    address,
    badAddress: '0x56687bf447db6ffa42ffe2204a05edaa20f55839',
    produceTrades: async (n) => {
      for (let waited = 0; server.subscribers(address) < subscribed && waited < 5000; waited += 5)
        await sleep(5);
      for (let i = 0; i < n; i++, k++) {
        // Transfers and failed swaps in between are read past, never trades.
        if (k % 3 === 1) server.addTransfer(address);
        if (k % 4 === 2)
          server.addSwap(address, {
            side: 'buy',
            mint: mints[0]!,
            tokenUnits: 5n,
            tokenDecimals: 0,
            quote: 'SOL',
            quoteUnits: 9n,
            failed: true,
          });
        server.addSwap(address, {
          side: k % 3 === 2 ? 'sell' : 'buy',
          mint: mints[k % 2]!,
          tokenUnits: 1_000_000n + BigInt(k) * 250_000n,
          tokenDecimals: 6,
          quote: k % 2 ? 'USDC' : 'SOL',
          quoteUnits: k % 2 ? 2_500_000n + BigInt(k) : 37_000_000n + BigInt(k) * 1000n,
          version: k % 5 === 0 ? 'legacy' : 0,
        });
      }
    },
    close: async () => {
      await source.close();
      await server.close();
    },
  };
});

describe('SolanaWalletSource', () => {
  let server: SolanaRpcLoopbackServer;
  let source: SolanaWalletSource;

  beforeAll(async () => {
    server = await SolanaRpcLoopbackServer.start();
    source = new SolanaWalletSource({ rpcUrl: server.url, rateLimit: fast, timeoutMs: 300 });
  });
  afterAll(() => server.close());

  it('accepts 32 bytes of base58 and names the form otherwise, without a request', async () => {
    expect(source.addressProblem('9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM')).toBeNull();
    for (const bad of [
      '',
      '0x56687bf447db6ffa42ffe2204a05edaa20f55839',
      '9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWW0',
      'abc',
    ])
      expect(source.addressProblem(bad)).toContain('32 bytes in base58');
    const before = server.calls.length;
    expect(await codeOf(source.recentTrades('0x12', { limit: 1 }))).toBe('VALIDATION_FAILED');
    expect(await codeOf(source.tradesAfter(randomAddress(), 'garbage', 5))).toBe('VALIDATION_FAILED');
    expect(server.calls.length).toBe(before);
  });

  it('reads a SOL swap and a USDC swap exactly: size in tokens, price in quote per token, the fee left out', async () => {
    const w = randomAddress();
    const mint = randomAddress();
    const cursor = await source.currentCursor(w);
    const buy = server.addSwap(w, {
      side: 'buy',
      mint,
      tokenUnits: 1_500_000_000n,
      tokenDecimals: 6,
      quote: 'SOL',
      quoteUnits: 2_000_000_000n,
    });
    const sell = server.addSwap(w, {
      side: 'sell',
      mint,
      tokenUnits: 300_000n,
      tokenDecimals: 6,
      quote: 'USDC',
      quoteUnits: 1_234_567n,
    });
    const page = await source.tradesAfter(w, cursor, 10);
    expect(page.trades.map(({ ts: _ts, ...t }) => t)).toEqual([
      {
        id: buy,
        side: 'buy',
        market: `${mint}/SOL`,
        outcomeIndex: null,
        size: '1500',
        price: '0.001333333333',
      },
      {
        id: sell,
        side: 'sell',
        market: `${mint}/USDC`,
        outcomeIndex: null,
        size: '0.3',
        price: '4.115223333333',
      },
    ]);
    expect(page.trades[1]!.ts - page.trades[0]!.ts).toBe(1000);
    expect(USDC).toBe('EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v');
  });

  it('asks for jsonParsed v0 transactions: a node refusing v0 without maxSupportedTransactionVersion still serves them', async () => {
    const w = randomAddress();
    const cursor = await source.currentCursor(w);
    server.addSwap(w, {
      side: 'buy',
      mint: randomAddress(),
      tokenUnits: 10n,
      tokenDecimals: 0,
      quote: 'SOL',
      quoteUnits: 10n ** 9n,
      version: 0,
    });
    expect((await source.tradesAfter(w, cursor, 10)).trades).toHaveLength(1);
  });

  it('moves the cursor past transfers and failed transactions, then stays', async () => {
    const w = randomAddress();
    const cursor = await source.currentCursor(w);
    server.addTransfer(w);
    server.addSwap(w, {
      side: 'buy',
      mint: randomAddress(),
      tokenUnits: 1n,
      tokenDecimals: 0,
      quote: 'SOL',
      quoteUnits: 1n,
      failed: true,
    });
    const page = await source.tradesAfter(w, cursor, 10);
    expect(page.trades).toEqual([]);
    expect(page.cursor).not.toBe(cursor);
    const calls = server.count('getTransaction');
    expect(await source.tradesAfter(w, page.cursor, 10)).toEqual({ trades: [], cursor: page.cursor });
    expect(server.count('getTransaction')).toBe(calls);
  });

  it('cursorAt starts at a time: trades from that second on', async () => {
    const w = randomAddress();
    const mint = randomAddress();
    const spec = {
      side: 'buy' as const,
      mint,
      tokenUnits: 1n,
      tokenDecimals: 0,
      quote: 'SOL' as const,
      quoteUnits: 5n,
    };
    server.addSwap(w, spec, 1_900_000_000);
    const second = server.addSwap(w, spec, 1_900_000_010);
    const page = await source.tradesAfter(w, source.cursorAt(w, 1_900_000_005_000), 10);
    expect(page.trades.map((t) => t.id)).toEqual([second]);
  });

  it('429 is RATE_LIMITED with Retry-After; 5xx DEPENDENCY_UNAVAILABLE naming the method; slow is TIMEOUT', async () => {
    const w = randomAddress();
    server.failNext(429, { retryAfter: '2' });
    const limited = await source.currentCursor(w).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(RateLimitedError);
    expect((limited as RateLimitedError).retryAfterMs).toBe(2000);
    server.failNext(503);
    const down = (await source.recentTrades(w, { limit: 3 }).catch((e: unknown) => e)) as Error;
    expect(isAppError(down) && down.code).toBe('DEPENDENCY_UNAVAILABLE');
    expect(down.message).toContain('getSignaturesForAddress');
    server.delayNext(800);
    expect(await codeOf(source.currentCursor(w))).toBe('TIMEOUT');
  });

  it('nothing listening is DEPENDENCY_UNAVAILABLE', async () => {
    const gone = await SolanaRpcLoopbackServer.start();
    const url = gone.url;
    await gone.close();
    const dead = new SolanaWalletSource({ rpcUrl: url, timeoutMs: 500 });
    expect(await codeOf(dead.currentCursor(randomAddress()))).toBe('DEPENDENCY_UNAVAILABLE');
  });

  it('without a WebSocket URL it is a polled source; leaders are none and equity unknown', async () => {
    expect(source.capabilities.push).toBe(false);
    expect(source.capabilities.pricing).toBe('leader-fill');
    expect(await source.leaders()).toEqual([]);
    expect(await source.equity(randomAddress())).toBeNull();
    const got: LeaderTrade[] = [];
    source.subscribe(randomAddress(), (t) => got.push(t))();
    expect(got).toEqual([]);
  });
});
