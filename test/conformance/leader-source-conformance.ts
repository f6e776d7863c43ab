/**
 * One suite every leader source passes (simulated leaders, Polymarket
 * wallets, ...): address validation, "now" cursors that never back-fill,
 * ordered trades with stable ids and canonical decimals, paging without gaps
 * or duplicates, idempotent reads, push delivery exactly once (push sources),
 * and well-formed discovery stats. A source plugs in through a harness that
 * can make its leader trade.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dec, decimal, tryParseDecimal } from '../../src/domain/decimal.js';
import type { LeaderSort, LeaderSource, LeaderStats, LeaderTrade } from '../../src/venues/leader-source.js';

/** What the suite needs of a source under test. */
export interface LeaderSourceHarness {
  source: LeaderSource;
  /** A leader of this source that trades when asked to. */
  address: string;
  /** An address of the wrong form for this source. */
  badAddress: string;
  /**
   * Makes the leader trade exactly `n` more times and makes those trades
   * visible to the source (advance a ManualClock to them, add them to a fake
   * server). Trades made here must be later than every earlier one.
   */
  produceTrades(n: number): Promise<void>;
  close(): Promise<void>;
}

const SORTS: readonly LeaderSort[] = ['pnl', 'winRate', 'volume', 'trades'];

function isCanonical(x: string): boolean {
  const r = tryParseDecimal(x, { allowNegative: true });
  return r.ok && r.value === x;
}

/** Checks the shape of one trade. */
function expectWellFormed(t: LeaderTrade): void {
  expect(typeof t.id).toBe('string');
  expect(t.id.length).toBeGreaterThan(0);
  expect(Number.isFinite(t.ts)).toBe(true);
  expect(['buy', 'sell']).toContain(t.side);
  expect(typeof t.market).toBe('string');
  expect(t.market.length).toBeGreaterThan(0);
  if (t.outcomeIndex !== null) expect(Number.isInteger(t.outcomeIndex) && t.outcomeIndex >= 0).toBe(true);
  for (const d of [t.size, t.price]) {
    expect(isCanonical(d), `${d} is a canonical decimal`).toBe(true);
    expect(dec.sign(d)).toBe(1);
  }
}

/** Checks that trades are oldest first with unique ids. */
function expectOrdered(trades: readonly LeaderTrade[]): void {
  for (let i = 1; i < trades.length; i++) expect(trades[i]!.ts).toBeGreaterThanOrEqual(trades[i - 1]!.ts);
  expect(new Set(trades.map((t) => t.id)).size).toBe(trades.length);
}

function sortKey(s: LeaderStats, sort: LeaderSort): number | string {
  if (sort === 'trades') return s.trades;
  if (sort === 'winRate') return s.winRate ?? -1;
  return sort === 'pnl' ? s.pnl : s.volume;
}

/** Waits until `cond` holds or `ms` of real time pass. */
async function until(cond: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
}

const settle = () => new Promise((r) => setTimeout(r, 50));

/**
 * Registers the suite for one source.
 *
 * @example
 * describeLeaderSource('simulated', async () => ({ source, address: 'sim-noise-1', badAddress: '0x12',
 *   produceTrades: async (n) => clock.advance(...), close: () => source.close() }));
 */
export function describeLeaderSource(name: string, makeHarness: () => Promise<LeaderSourceHarness>): void {
  describe(`leader source conformance: ${name}`, () => {
    let h: LeaderSourceHarness;
    beforeAll(async () => {
      h = await makeHarness();
    });
    afterAll(() => h?.close());

    /** Produces `n` trades after `cursor` and reads them all in one page. */
    const produceAndRead = async (cursor: string, n: number) => {
      await h.produceTrades(n);
      return h.source.tradesAfter(h.address, cursor, h.source.capabilities.maxPageSize);
    };

    it('accepts its own address form and names the form for a bad address', () => {
      expect(h.source.addressProblem(h.address)).toBeNull();
      const problem = h.source.addressProblem(h.badAddress);
      expect(typeof problem).toBe('string');
      expect(problem!.length).toBeGreaterThan(0);
      expect(h.source.capabilities.addressForm.length).toBeGreaterThan(0);
      expect(h.source.capabilities.maxPageSize).toBeGreaterThan(0);
    });

    it('starts a cursor at now: nothing that happened before is returned', async () => {
      const cursor = await h.source.currentCursor(h.address);
      const page = await h.source.tradesAfter(h.address, cursor, h.source.capabilities.maxPageSize);
      expect(page.trades).toEqual([]);
      expect(page.cursor).toBe(cursor);
    });

    it('returns exactly the new trades, oldest first, well formed, then nothing', async () => {
      const cursor = await h.source.currentCursor(h.address);
      const page = await produceAndRead(cursor, 7);
      expect(page.trades).toHaveLength(7);
      page.trades.forEach(expectWellFormed);
      expectOrdered(page.trades);
      expect(page.cursor).not.toBe(cursor);
      const after = await h.source.tradesAfter(h.address, page.cursor, h.source.capabilities.maxPageSize);
      expect(after.trades).toEqual([]);
      expect(after.cursor).toBe(page.cursor);
    });

    it('pages with a small limit through the same trades without gaps or duplicates', async () => {
      const cursor = await h.source.currentCursor(h.address);
      const all = await produceAndRead(cursor, 9);
      expect(all.trades).toHaveLength(9);
      const paged: LeaderTrade[] = [];
      let c = cursor;
      for (let i = 0; i < 20; i++) {
        const page = await h.source.tradesAfter(h.address, c, 2);
        expect(page.trades.length).toBeLessThanOrEqual(2);
        if (page.trades.length === 0) break;
        paged.push(...page.trades);
        c = page.cursor;
      }
      expect(paged).toEqual(all.trades);
    });

    it('is idempotent and keeps ids stable as more trades arrive', async () => {
      const cursor = await h.source.currentCursor(h.address);
      const first = await produceAndRead(cursor, 4);
      const again = await h.source.tradesAfter(h.address, cursor, h.source.capabilities.maxPageSize);
      expect(again).toEqual(first);
      const more = await produceAndRead(cursor, 3);
      expect(more.trades).toHaveLength(7);
      expect(more.trades.slice(0, 4)).toEqual(first.trades);
      expect(new Set(more.trades.map((t) => t.id)).size).toBe(7);
    });

    it('lists recent trades newest first, honouring since and limit', async () => {
      const cursor = await h.source.currentCursor(h.address);
      const page = await produceAndRead(cursor, 5);
      const newest = page.trades[page.trades.length - 1]!;
      const recent = await h.source.recentTrades(h.address, { limit: 10 });
      expect(recent.length).toBeGreaterThanOrEqual(5);
      expect(recent.length).toBeLessThanOrEqual(10);
      expect(recent[0]!.ts).toBe(newest.ts);
      expect(recent.map((t) => t.id)).toContain(newest.id);
      for (let i = 1; i < recent.length; i++) expect(recent[i]!.ts).toBeLessThanOrEqual(recent[i - 1]!.ts);
      recent.forEach(expectWellFormed);
      const since = page.trades[2]!.ts;
      const fromSince = await h.source.recentTrades(h.address, { since, limit: 10 });
      expect(fromSince.every((t) => t.ts >= since)).toBe(true);
      for (const t of page.trades.slice(2)) expect(fromSince.map((x) => x.id)).toContain(t.id);
      expect(await h.source.recentTrades(h.address, { limit: 2 })).toHaveLength(2);
      // `before` pages backwards: strictly earlier trades, newest first, none of the later ones.
      const before = recent[1]!.ts;
      const older = await h.source.recentTrades(h.address, { before, limit: 10 });
      expect(older.every((t) => t.ts < before)).toBe(true);
      for (const t of recent.filter((x) => x.ts < before).slice(0, older.length))
        expect(older.map((x) => x.id)).toContain(t.id);
      for (let i = 1; i < older.length; i++) expect(older[i]!.ts).toBeLessThanOrEqual(older[i - 1]!.ts);
    });

    it('pushes each new trade exactly once while subscribed, and stops after unsubscribing', async (ctx) => {
      if (!h.source.capabilities.push || !h.source.subscribe) {
        ctx.skip();
        return;
      }
      const cursor = await h.source.currentCursor(h.address);
      const got: LeaderTrade[] = [];
      const off = h.source.subscribe(h.address, (t) => got.push(t));
      await h.produceTrades(6);
      await until(() => got.length >= 6);
      await settle();
      const read = await h.source.tradesAfter(h.address, cursor, h.source.capabilities.maxPageSize);
      expect(got).toEqual(read.trades);
      off();
      await h.produceTrades(3);
      await settle();
      expect(got).toHaveLength(6);
    });

    it('lists leaders with well-formed stats, sorted by the key asked for', async () => {
      for (const window of ['7d', '30d'] as const) {
        for (const sort of SORTS) {
          const list = await h.source.leaders({ sort, window, limit: 20 });
          expect(list.length).toBeLessThanOrEqual(20);
          for (const s of list) {
            expect(s.source).toBe(h.source.capabilities.id);
            expect(h.source.addressProblem(s.address)).toBeNull();
            expect(isCanonical(s.pnl)).toBe(true);
            expect(isCanonical(s.volume)).toBe(true);
            expect(dec.sign(s.volume)).toBeGreaterThanOrEqual(0);
            expect(Number.isInteger(s.trades) && s.trades >= 0).toBe(true);
            if (s.winRate !== null) expect(s.winRate >= 0 && s.winRate <= 1).toBe(true);
            if (s.lastTradeTs !== null) expect(Number.isFinite(s.lastTradeTs)).toBe(true);
          }
          for (let i = 1; i < list.length; i++) {
            const a = sortKey(list[i - 1]!, sort);
            const b = sortKey(list[i]!, sort);
            if (typeof a === 'string' && typeof b === 'string')
              expect(dec.cmp(decimal(a), decimal(b))).toBeGreaterThanOrEqual(0);
            else expect(a >= b, `${sort} sorted descending`).toBe(true);
          }
        }
      }
    });

    it('reports the equity of a leader as a non-negative decimal or null', async () => {
      const equity = await h.source.equity(h.address);
      if (equity !== null) {
        expect(isCanonical(equity)).toBe(true);
        expect(dec.sign(equity)).toBeGreaterThanOrEqual(0);
      }
    });
  });
}
