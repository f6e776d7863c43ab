import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError, RateLimitedError } from '../../../src/domain/errors.js';
import type { LeaderTrade } from '../../../src/venues/leader-source.js';
import { PolymarketWalletSource } from '../../../src/venues/polymarket/data-api-source.js';
import { describeLeaderSource } from '../../conformance/leader-source-conformance.js';
import { DataApiLoopbackServer } from '../../fakes/polymarket/data-api-loopback-server.js';

const WALLET = '0x56687bf447db6ffa42ffe2204a05edaa20f55839';
const OTHER = '0x6af75d4e4aaf700450efbac3708cce1665810ff1';
const T0 = 1_724_210_000;
let nextWallet = 0x1000;
/** A fresh wallet per test so trades of one test never leak into another. */
const freshWallet = () => `0x${(nextWallet++).toString(16).padStart(40, 'a')}`;

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return isAppError(err) ? err.code : `other: ${String(err)}`;
  }
}

async function drain(source: PolymarketWalletSource, wallet: string, cursor: string, limit = 500) {
  const all: LeaderTrade[] = [];
  for (;;) {
    const page = await source.tradesAfter(wallet, cursor, limit);
    if (page.trades.length === 0) return { trades: all, cursor: page.cursor };
    all.push(...page.trades);
    cursor = page.cursor;
  }
}

describeLeaderSource('polymarket (loopback data API)', async () => {
  const server = await DataApiLoopbackServer.start();
  const address = freshWallet();
  let second = T0;
  server.setValue(address, 2500.5);
  server.setLeaderboard(
    Array.from({ length: 30 }, (_, i) => ({
      proxyWallet: `0x${(i + 1).toString(16).padStart(40, 'c')}`,
      userName: `leader${i}`,
      vol: 10_000 - i * 37.5,
      pnl: 900 - ((i * 7) % 30) * 55.25,
    })),
  );
  return {
    source: new PolymarketWalletSource({
      origin: server.origin,
      rateLimit: { requestsPerSecond: 1000, burst: 1000 },
    }),
    address,
    badAddress: '0x12',
    produceTrades: async (n) => {
      server.addTrades(
        address,
        Array.from({ length: n }, (_, i) => ({
          timestamp: ++second,
          side: i % 3 === 2 ? 'SELL' : 'BUY',
          size: 10 + i * 0.25,
          price: 0.37 + (i % 5) * 0.01,
          outcomeIndex: i % 2,
        })),
      );
    },
    close: () => server.close(),
  };
});

describe('PolymarketWalletSource over the loopback data API', () => {
  let server: DataApiLoopbackServer;
  let source: PolymarketWalletSource;

  beforeAll(async () => {
    server = await DataApiLoopbackServer.start();
    source = new PolymarketWalletSource({
      origin: server.origin,
      rateLimit: { requestsPerSecond: 1000, burst: 1000 },
      pageSize: 5,
      timeoutMs: 300,
    });
  });
  afterAll(() => server.close());

  it('describes itself and validates addresses in the 0x + 40 hex form', async () => {
    expect(source.capabilities).toEqual({
      id: 'polymarket',
      push: false,
      pollIntervalMs: 5000,
      maxPageSize: 5,
      addressForm: '0x followed by 40 hex digits',
    });
    expect(source.addressProblem(WALLET)).toBeNull();
    expect(source.addressProblem(WALLET.toUpperCase().replace('0X', '0x'))).toBeNull();
    for (const bad of [
      '',
      WALLET.slice(0, -1),
      `${WALLET}0`,
      WALLET.replace('0x', ''),
      `0x${'g'.repeat(40)}`,
    ])
      expect(source.addressProblem(bad)).toContain('0x followed by 40 hex digits');
    const before = server.requests.length;
    expect(await codeOf(source.tradesAfter('nope', 'pm1.x', 10))).toBe('VALIDATION_FAILED');
    expect(await codeOf(source.equity('0x12'))).toBe('VALIDATION_FAILED');
    expect(server.requests.length).toBe(before);
  });

  it('maps the API fields: seconds to ms, BUY/SELL, conditionId, outcomeIndex, exact decimals', async () => {
    const w = freshWallet();
    const [row] = server.addTrades(w, [
      {
        side: 'SELL',
        size: 160.26,
        price: 0.89,
        timestamp: T0,
        outcomeIndex: 1,
        conditionId: `0x${'1731c2d0'.repeat(8)}`,
      },
    ]);
    server.addTrades(w, [{ size: 1e-7, price: 0.1 + 0.2, timestamp: T0 + 1 }]);
    const trades = await source.recentTrades(w, { limit: 10 });
    expect(trades).toHaveLength(2);
    expect(trades[1]).toEqual({
      id: expect.stringMatching(new RegExp(`^${row!.transactionHash}-[0-9a-f]{16}$`)),
      ts: T0 * 1000,
      side: 'sell',
      market: `0x${'1731c2d0'.repeat(8)}`,
      outcomeIndex: 1,
      size: '160.26',
      price: '0.89',
    });
    // 1e-7 arrives in exponent form; 0.1 + 0.2 is the double JSON carried, digit for digit.
    expect(trades[0]).toMatchObject({ side: 'buy', size: '0.0000001', price: '0.30000000000000004' });
    const q = server.requests.at(-1)!.query;
    expect(q).toMatchObject({ user: w, takerOnly: 'false', limit: '5', offset: '0' });
    // Ids are stable: asking again gives the same ones.
    expect((await source.recentTrades(w, { limit: 10 })).map((t) => t.id)).toEqual(trades.map((t) => t.id));
  });

  it('follows from now: the current cursor skips history, then each new trade comes once, oldest first', async () => {
    const w = freshWallet();
    server.addTrades(w, [{ timestamp: T0 }, { timestamp: T0 + 5 }, { timestamp: T0 + 5 }]);
    let cursor = await source.currentCursor(w);
    expect(await source.tradesAfter(w, cursor, 100)).toEqual({ trades: [], cursor });

    server.addTrades(w, [
      { timestamp: T0 + 7, size: 1 },
      { timestamp: T0 + 6, size: 2 },
    ]);
    const first = await source.tradesAfter(w, cursor, 100);
    expect(first.trades.map((t) => t.size)).toEqual(['2', '1']);
    cursor = first.cursor;
    expect((await source.tradesAfter(w, cursor, 100)).trades).toEqual([]);

    server.addTrades(w, [{ timestamp: T0 + 9, size: 3 }]);
    const second = await source.tradesAfter(w, cursor, 100);
    expect(second.trades.map((t) => t.size)).toEqual(['3']);
  });

  it('an empty wallet starts at the beginning, so its first trade is not missed', async () => {
    const w = freshWallet();
    const cursor = await source.currentCursor(w);
    server.addTrades(w, [{ timestamp: T0 }]);
    expect((await source.tradesAfter(w, cursor, 10)).trades).toHaveLength(1);
  });

  it('pages back past more trades than one request holds and returns them oldest first', async () => {
    const w = freshWallet();
    const cursor = await source.currentCursor(w);
    server.addTrades(
      w,
      Array.from({ length: 23 }, (_, i) => ({ timestamp: T0 + i, size: i + 1 })),
    );
    const before = server.count('/trades');
    const page = await source.tradesAfter(w, cursor, 100);
    expect(page.trades.map((t) => Number(t.size))).toEqual(Array.from({ length: 23 }, (_, i) => i + 1));
    expect(server.count('/trades') - before).toBe(5);
    expect(page.trades.map((t) => t.ts)).toEqual([...page.trades.map((t) => t.ts)].sort((a, b) => a - b));
  });

  it('honours the limit, and continues after it without duplicates or gaps', async () => {
    const w = freshWallet();
    const cursor = await source.currentCursor(w);
    server.addTrades(
      w,
      Array.from({ length: 12 }, (_, i) => ({ timestamp: T0 + Math.floor(i / 3), size: i + 1 })),
    );
    const sizes: number[] = [];
    let c = cursor;
    for (;;) {
      const page = await source.tradesAfter(w, c, 4);
      expect(page.trades.length).toBeLessThanOrEqual(4);
      if (page.trades.length === 0) break;
      sizes.push(...page.trades.map((t) => Number(t.size)));
      c = page.cursor;
    }
    expect(sizes.sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  });

  it('trades sharing a second with the cursor are each delivered once, whenever they show up', async () => {
    const w = freshWallet();
    server.addTrades(w, [
      { timestamp: T0, size: 1 },
      { timestamp: T0, size: 2 },
    ]);
    let cursor = await source.currentCursor(w);
    server.addTrades(w, [{ timestamp: T0, size: 3 }]);
    let page = await source.tradesAfter(w, cursor, 100);
    expect(page.trades.map((t) => t.size)).toEqual(['3']);
    cursor = page.cursor;
    server.addTrades(w, [
      { timestamp: T0, size: 4 },
      { timestamp: T0, size: 5 },
      { timestamp: T0 + 1, size: 6 },
    ]);
    page = await source.tradesAfter(w, cursor, 100);
    expect(page.trades.map((t) => t.size).sort()).toEqual(['4', '5', '6']);
    expect(page.trades.at(-1)!.size).toBe('6');
    // Same second: ordered by id, deterministically.
    const same = page.trades.slice(0, 2).map((t) => t.id);
    expect(same).toEqual([...same].sort());
    expect((await source.tradesAfter(w, page.cursor, 100)).trades).toEqual([]);
  });

  it('identical fills in one transaction are distinct trades with distinct ids', async () => {
    const w = freshWallet();
    const cursor = await source.currentCursor(w);
    const tx = `0x${'ab'.repeat(32)}`;
    server.addTrades(w, [
      { timestamp: T0, transactionHash: tx, size: 5, price: 0.4 },
      { timestamp: T0, transactionHash: tx, size: 5, price: 0.4 },
      { timestamp: T0, transactionHash: tx, size: 5, price: 0.41 },
    ]);
    const { trades } = await drain(source, w, cursor);
    expect(new Set(trades.map((t) => t.id)).size).toBe(3);
    expect(trades.every((t) => t.id.startsWith(tx))).toBe(true);
  });

  it('sees maker fills too (takerOnly=false) and only the asked wallet', async () => {
    const w = freshWallet();
    const cursor = await source.currentCursor(w);
    server.addTrades(w, [{ timestamp: T0, taker: false }]);
    server.addTrades(OTHER, [{ timestamp: T0 + 1 }]);
    expect((await source.tradesAfter(w, cursor, 10)).trades).toHaveLength(1);
  });

  it('recentTrades is newest first, from `since` on, at most `limit`', async () => {
    const w = freshWallet();
    server.addTrades(
      w,
      Array.from({ length: 8 }, (_, i) => ({ timestamp: T0 + i, size: i + 1 })),
    );
    const all = await source.recentTrades(w, { limit: 100 });
    expect(all.map((t) => t.size)).toEqual(['8', '7', '6', '5', '4', '3', '2', '1']);
    const since = await source.recentTrades(w, { since: (T0 + 5) * 1000, limit: 100 });
    expect(since.map((t) => t.size)).toEqual(['8', '7', '6']);
    expect(server.requests.at(-1)!.query['start']).toBe(String(T0 + 5));
    expect((await source.recentTrades(w, { limit: 3 })).map((t) => t.size)).toEqual(['8', '7', '6']);
  });

  it('equity is the /value of the wallet, null when the API gives none', async () => {
    server.setValue(WALLET, 12345.678901);
    expect(await source.equity(WALLET)).toBe('12345.678901');
    expect(await source.equity(freshWallet())).toBeNull();
  });

  it('leaders come from /v1/leaderboard in pages of 50, mapped to the window and sort', async () => {
    const rows = Array.from({ length: 60 }, (_, i) => ({
      proxyWallet: `0x${(i + 1).toString(16).padStart(40, '0')}`,
      userName: i === 0 ? '' : `trader${i}`,
      vol: 1000 + i,
      pnl: 500 - i * 10.5,
    }));
    server.setLeaderboard(rows);
    const before = server.count('/v1/leaderboard');
    const byPnl = await source.leaders({ sort: 'pnl', window: '7d', limit: 55 });
    expect(byPnl).toHaveLength(55);
    expect(byPnl[0]).toEqual({
      source: 'polymarket',
      address: rows[0]!.proxyWallet,
      name: null,
      style: null,
      pnl: '500',
      volume: '1000',
      trades: 0,
      winRate: null,
      lastTradeTs: null,
    });
    expect(byPnl[54]!.pnl).toBe('-67');
    const calls = server.requests.filter((r) => r.path === '/v1/leaderboard').slice(before);
    expect(calls.map((r) => r.query)).toEqual([
      { category: 'OVERALL', timePeriod: 'WEEK', orderBy: 'PNL', limit: '50', offset: '0' },
      { category: 'OVERALL', timePeriod: 'WEEK', orderBy: 'PNL', limit: '5', offset: '50' },
    ]);
    const byVolume = await source.leaders({ sort: 'volume', window: '30d', limit: 3 });
    expect(byVolume.map((l) => [l.name, l.volume])).toEqual([
      ['trader59', '1059'],
      ['trader58', '1058'],
      ['trader57', '1057'],
    ]);
    expect(server.requests.at(-1)!.query).toMatchObject({ timePeriod: 'MONTH', orderBy: 'VOL' });
  });
});

describe('PolymarketWalletSource upstream trouble', () => {
  let server: DataApiLoopbackServer;
  let source: PolymarketWalletSource;

  beforeAll(async () => {
    server = await DataApiLoopbackServer.start();
    source = new PolymarketWalletSource({
      origin: server.origin,
      rateLimit: { requestsPerSecond: 1000, burst: 1000 },
      timeoutMs: 200,
    });
  });
  afterAll(() => server.close());

  it('429 is RATE_LIMITED with the Retry-After hint (seconds or a date)', async () => {
    server.failNext(429, { retryAfter: '3' });
    const err = await source.recentTrades(WALLET, { limit: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).retryAfterMs).toBe(3000);
    server.failNext(429, { retryAfter: new Date(Date.now() + 10_000).toUTCString() });
    const dated = (await source.equity(WALLET).catch((e: unknown) => e)) as RateLimitedError;
    expect(dated.retryAfterMs).toBeGreaterThan(5000);
    expect(dated.retryAfterMs).toBeLessThanOrEqual(10_000);
    server.failNext(429);
    expect(((await source.equity(WALLET).catch((e: unknown) => e)) as RateLimitedError).retryAfterMs).toBe(
      1000,
    );
  });

  it('5xx and other failures are DEPENDENCY_UNAVAILABLE, naming the endpoint', async () => {
    server.failNext(500);
    expect(await codeOf(source.currentCursor(WALLET))).toBe('DEPENDENCY_UNAVAILABLE');
    server.failNext(503, { body: 'upstream down' });
    const err = await source.leaders({ sort: 'pnl', window: '7d', limit: 5 }).catch((e: unknown) => e);
    expect(String((err as Error).message)).toContain('/v1/leaderboard');
    expect(String((err as Error).message)).toContain('503');
  });

  it('a slow answer is TIMEOUT', async () => {
    const cursor = await source.currentCursor(WALLET);
    server.delayNext(600);
    expect(await codeOf(source.tradesAfter(WALLET, cursor, 10))).toBe('TIMEOUT');
  });

  it('garbage is DEPENDENCY_UNAVAILABLE naming the endpoint; so is a row of the wrong shape', async () => {
    server.malformedNext();
    const err = (await source.recentTrades(WALLET, { limit: 5 }).catch((e: unknown) => e)) as Error;
    expect(isAppError(err) && err.code).toBe('DEPENDENCY_UNAVAILABLE');
    expect(err.message).toContain('/trades');
    expect(err.message).toContain('not JSON');
    const w = freshWallet();
    server.addTrades(w, [{ side: 'HOLD' as 'BUY', timestamp: T0 }]);
    const bad = (await source.recentTrades(w, { limit: 5 }).catch((e: unknown) => e)) as Error;
    expect(bad.message).toMatch(/\/trades: unexpected side "HOLD"/);
  });

  it('nothing listening is DEPENDENCY_UNAVAILABLE', async () => {
    const gone = await DataApiLoopbackServer.start();
    await gone.close();
    const dead = new PolymarketWalletSource({ origin: gone.origin, timeoutMs: 500 });
    expect(await codeOf(dead.equity(WALLET))).toBe('DEPENDENCY_UNAVAILABLE');
  });

  it('an unknown cursor is VALIDATION_FAILED, without a request', async () => {
    const before = server.requests.length;
    expect(await codeOf(source.tradesAfter(WALLET, 'garbage', 10))).toBe('VALIDATION_FAILED');
    expect(await codeOf(source.tradesAfter(WALLET, 'pm1.e30', 10))).toBe('VALIDATION_FAILED');
    expect(server.requests.length).toBe(before);
  });
});

describe('PolymarketWalletSource limits', () => {
  it('keeps to its rate limit: a burst, then requestsPerSecond', async () => {
    const server = await DataApiLoopbackServer.start();
    try {
      const source = new PolymarketWalletSource({
        origin: server.origin,
        rateLimit: { requestsPerSecond: 10, burst: 2 },
      });
      const started = Date.now();
      await Promise.all(Array.from({ length: 7 }, () => source.equity(WALLET)));
      const times = server.requests.map((r) => r.at - started);
      expect(times).toHaveLength(7);
      // 2 at once, then one per 100 ms: the 7th no earlier than ~500 ms.
      expect(Math.max(...times)).toBeGreaterThanOrEqual(450);
      for (let i = 0; i < times.length; i++) {
        const inFirst = times.filter((t) => t < times[i]! + 1).length;
        expect(inFirst).toBeLessThanOrEqual(2 + Math.ceil((times[i]! + 1) / 100));
      }
    } finally {
      await server.close();
    }
  });

  it('pages past the API offset cap by moving the start/end window', async () => {
    const server = await DataApiLoopbackServer.start({ maxOffset: 20 });
    try {
      const source = new PolymarketWalletSource({
        origin: server.origin,
        rateLimit: { requestsPerSecond: 1000, burst: 1000 },
        pageSize: 5,
        maxOffset: 20,
      });
      const w = freshWallet();
      const cursor = await source.currentCursor(w);
      server.addTrades(
        w,
        Array.from({ length: 50 }, (_, i) => ({ timestamp: T0 + i, size: i + 1 })),
      );
      const page = await source.tradesAfter(w, cursor, 100);
      expect(page.trades.map((t) => Number(t.size))).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      expect(server.requests.every((r) => Number(r.query['offset'] ?? 0) <= 20)).toBe(true);
      expect(server.requests.some((r) => r.query['end'] !== undefined)).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('stops at maxPagesPerCall: a watcher too far behind gets the oldest trades it can reach', async () => {
    const server = await DataApiLoopbackServer.start();
    try {
      const source = new PolymarketWalletSource({
        origin: server.origin,
        rateLimit: { requestsPerSecond: 1000, burst: 1000 },
        pageSize: 5,
        maxPagesPerCall: 2,
      });
      const w = freshWallet();
      const cursor = await source.currentCursor(w);
      server.addTrades(
        w,
        Array.from({ length: 30 }, (_, i) => ({ timestamp: T0 + i, size: i + 1 })),
      );
      const before = server.count('/trades');
      const page = await source.tradesAfter(w, cursor, 100);
      expect(server.count('/trades') - before).toBe(2);
      expect(page.trades.map((t) => Number(t.size))).toEqual([21, 22, 23, 24, 25, 26, 27, 28, 29, 30]);
    } finally {
      await server.close();
    }
  });
});
