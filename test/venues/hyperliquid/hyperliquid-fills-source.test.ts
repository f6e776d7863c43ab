import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError, RateLimitedError } from '../../../src/domain/errors.js';
import { HyperliquidFillsSource } from '../../../src/venues/hyperliquid/hyperliquid-fills-source.js';
import { describeLeaderSource } from '../../conformance/leader-source-conformance.js';
import { InfoLoopbackServer } from '../../fakes/hyperliquid/info-loopback-server.js';
import { codeOf } from '../../support/error-code.js';

const fast = { requestsPerSecond: 10_000, burst: 10_000 };
const freshAddress = () => `0x${randomBytes(20).toString('hex')}`;

describeLeaderSource('hyperliquid (loopback info API)', async () => {
  // A small answer limit makes the suite page through userFillsByTime.
  const server = await InfoLoopbackServer.start({ answerLimit: 4 });
  const address = freshAddress();
  server.setAccountValue(address, '15234.887');
  let k = 0;
  let time = Date.now();
  return {
    source: new HyperliquidFillsSource({
      origin: server.origin,
      rateLimit: fast,
      answerLimit: 4,
      maxPagesPerCall: 50,
    }),
    address,
    badAddress: '9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM',
    produceTrades: async (n) => {
      server.addFills(
        address,
        Array.from({ length: n }, () => {
          k++;
          // Pairs of fills share a millisecond, as partial fills of one order do.
          if (k % 2 === 1) time++;
          return {
            side: k % 3 === 0 ? 'A' : 'B',
            coin: k % 2 ? 'ETH' : 'BTC',
            sz: `0.${k}`,
            px: `${2400 + k}.5`,
            time,
          } as const;
        }),
      );
    },
    close: () => server.close(),
  };
});

describe('HyperliquidFillsSource', () => {
  let server: InfoLoopbackServer;
  let source: HyperliquidFillsSource;

  beforeAll(async () => {
    server = await InfoLoopbackServer.start();
    source = new HyperliquidFillsSource({ origin: server.origin, rateLimit: fast, timeoutMs: 300 });
  });
  afterAll(() => server.close());

  it('names the address form for a bad address, without a request', async () => {
    expect(source.addressProblem('0x31ca8395cf837de08b24da3f660e77761dfb974b')).toBeNull();
    expect(source.addressProblem('0x31ca')).toContain('0x followed by 40 hex digits');
    const before = server.requests.length;
    expect(await codeOf(source.equity('nope'))).toBe('VALIDATION_FAILED');
    expect(server.requests.length).toBe(before);
  });

  it('maps a fill: B is a buy, A a sell, coin the market, tid the id, exact decimals, ms times', async () => {
    const u = freshAddress();
    const cursor = await source.currentCursor(u);
    const [buy, sell] = server.addFills(u, [
      { side: 'B', coin: 'AVAX', px: '18.435', sz: '93.53', time: 1_781_222_254_710 },
      { side: 'A', coin: 'PURR/USDC', px: '0.1200', sz: '100.0', time: 1_781_222_254_711 },
    ]);
    const page = await source.tradesAfter(u, cursor, 10);
    expect(page.trades).toEqual([
      {
        id: String(buy!.tid),
        ts: 1_781_222_254_710,
        side: 'buy',
        market: 'AVAX',
        outcomeIndex: null,
        size: '93.53',
        price: '18.435',
      },
      {
        id: String(sell!.tid),
        ts: 1_781_222_254_711,
        side: 'sell',
        market: 'PURR/USDC',
        outcomeIndex: null,
        size: '100',
        price: '0.12',
      },
    ]);
    expect(server.requests.at(-1)).toMatchObject({ type: 'userFillsByTime', user: u, startTime: 0 });
  });

  it('equity is clearinghouseState marginSummary.accountValue', async () => {
    const u = freshAddress();
    server.setAccountValue(u, '10023.5500');
    expect(await source.equity(u)).toBe('10023.55');
  });

  it('429 is RATE_LIMITED with Retry-After, 5xx and 422 DEPENDENCY_UNAVAILABLE naming the request, slow is TIMEOUT', async () => {
    const u = freshAddress();
    server.failNext(429, { retryAfter: '4' });
    const limited = (await source.currentCursor(u).catch((e: unknown) => e)) as RateLimitedError;
    expect(limited).toBeInstanceOf(RateLimitedError);
    expect(limited.retryAfterMs).toBe(4000);
    server.failNext(500);
    const down = (await source.recentTrades(u, { since: 1, limit: 3 }).catch((e: unknown) => e)) as Error;
    expect(isAppError(down) && down.code).toBe('DEPENDENCY_UNAVAILABLE');
    expect(down.message).toContain('userFillsByTime');
    server.delayNext(800);
    expect(await codeOf(source.equity(u))).toBe('TIMEOUT');
  });

  it('a fill of the wrong shape is DEPENDENCY_UNAVAILABLE naming the field', async () => {
    const u = freshAddress();
    server.addFills(u, [{ side: 'X' as 'B' }]);
    const err = (await source.recentTrades(u, { limit: 5 }).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/userFills: unexpected side "X"/);
  });

  it('has no leaderboard and is polled', async () => {
    expect(await source.leaders()).toEqual([]);
    expect(source.capabilities.push).toBe(false);
  });
});
