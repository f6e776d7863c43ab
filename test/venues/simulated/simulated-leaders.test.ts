import { describe, expect, it } from 'vitest';
import { type Clock, ManualClock, systemClock } from '../../../src/domain/clock.js';
import { DECIMAL_ZERO, type Decimal, dec } from '../../../src/domain/decimal.js';
import type { LeaderTrade } from '../../../src/venues/leader-source.js';
import { buildProfile, LEADER_STYLES, marketPools } from '../../../src/venues/simulated/leader-population.js';
import {
  SimulatedLeaders,
  type SimulatedLeadersOptions,
} from '../../../src/venues/simulated/simulated-leaders.js';
import { SimulatedVenue } from '../../../src/venues/simulated/simulated-venue.js';
import { describeLeaderSource } from '../../conformance/leader-source-conformance.js';

const T0 = Date.UTC(2025, 0, 6, 9, 30);
const HOUR = 3_600_000;

function make(opts: SimulatedLeadersOptions = {}, venueSeed = 7, clock: Clock = new ManualClock(T0)) {
  const venue = new SimulatedVenue(clock, { seed: venueSeed });
  return { clock, venue, leaders: new SimulatedLeaders(clock, venue, { seed: 3, ...opts }) };
}

function manual(opts: SimulatedLeadersOptions = {}, venueSeed = 7) {
  const m = make(opts, venueSeed);
  return { ...m, clock: m.clock as ManualClock };
}

async function tradesBetween(
  leaders: SimulatedLeaders,
  address: string,
  from: number,
): Promise<LeaderTrade[]> {
  const out: LeaderTrade[] = [];
  let cursor = `sim:${from}`;
  for (;;) {
    const page = await leaders.tradesAfter(address, cursor, 500);
    if (page.trades.length === 0) return out;
    out.push(...page.trades);
    cursor = page.cursor;
  }
}

const notional = (t: LeaderTrade) => Number(t.size) * Number(t.price);

for (const address of ['sim-noise-1', 'sim-whale-2']) {
  describeLeaderSource(`simulated (${address})`, async () => {
    const { clock, leaders } = manual();
    return {
      source: leaders,
      address,
      badAddress: '0x1234567890abcdef1234567890abcdef12345678',
      async produceTrades(n) {
        const times = leaders.upcomingTradeTimes(address, n);
        clock.advance(times[n - 1]! - clock.now());
      },
      close: () => leaders.close(),
    };
  });
}

describe('SimulatedLeaders', () => {
  it('grows at least 50 leaders of every style by default, with ids as addresses', async () => {
    const { leaders } = manual();
    const ids = leaders.addresses();
    expect(ids.length).toBeGreaterThanOrEqual(50);
    expect(new Set(ids).size).toBe(ids.length);
    for (const style of LEADER_STYLES) expect(ids).toContain(`sim-${style}-1`);
    for (const id of ids) expect(leaders.addressProblem(id)).toBeNull();
    const listed = await leaders.leaders({ sort: 'trades', window: '7d', limit: 1000 });
    expect(listed.map((l) => l.address).sort()).toEqual([...ids].sort());
  });

  it('names the expected form for ids that are not leaders', () => {
    const { leaders } = manual({ leaderCount: 10 });
    for (const bad of ['sim-whale-3', 'sim-whale-02', 'sim-trend-1', 'SIM-noise-1', '']) {
      expect(leaders.addressProblem(bad)).toContain('a simulated leader id like "sim-momentum-3"');
    }
    expect(leaders.addressProblem('sim-whale-2')).toBeNull();
  });

  it('rejects a cursor it did not make, and reads an unknown leader as empty', async () => {
    const { leaders } = manual();
    await expect(leaders.tradesAfter('sim-noise-1', 'garbage', 10)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    expect(await leaders.tradesAfter('sim-noise-999', `sim:${T0}`, 10)).toEqual({
      trades: [],
      cursor: `sim:${T0}`,
    });
  });

  it('gives the same trades for the same seed, and different ones for another seed', async () => {
    const a = manual();
    const b = manual();
    const c = manual({ seed: 4 });
    for (const m of [a, b, c]) m.clock.advance(HOUR);
    for (const id of ['sim-momentum-1', 'sim-scalper-2', 'sim-whale-3', 'sim-mean-reversion-4']) {
      const ta = await tradesBetween(a.leaders, id, T0);
      expect(ta.length).toBeGreaterThan(5);
      expect(await tradesBetween(b.leaders, id, T0)).toEqual(ta);
      expect(await tradesBetween(c.leaders, id, T0)).not.toEqual(ta);
    }
    expect(await a.leaders.leaders({ sort: 'pnl', window: '30d', limit: 60 })).toEqual(
      await b.leaders.leaders({ sort: 'pnl', window: '30d', limit: 60 }),
    );
  });

  it('pushes the same trades that tradesAfter reads, whenever it is asked', async () => {
    const { clock, leaders } = manual();
    const ids = ['sim-scalper-1', 'sim-noise-2', 'sim-whale-1', 'sim-momentum-5'];
    const pushed = new Map<string, LeaderTrade[]>(ids.map((id) => [id, []]));
    for (const id of ids) leaders.subscribe(id, (t) => pushed.get(id)!.push(t));
    for (let i = 0; i < 90; i++) clock.advance(7_000 + ((i * 3_217) % 31_000));
    for (const id of ids) {
      const fresh = manual();
      fresh.clock.advance(clock.now() - T0);
      const read = await tradesBetween(fresh.leaders, id, T0);
      expect(read.length).toBeGreaterThan(0);
      expect(pushed.get(id)).toEqual(read);
    }
  });

  it('reads the same trades from any cursor, however reads of one leader interleave', async () => {
    const { clock, leaders } = manual();
    clock.advance(2 * HOUR);
    const id = 'sim-scalper-3';
    const all = await tradesBetween(leaders, id, T0);
    expect(all.length).toBeGreaterThan(100);
    for (const i of [50, 3, 97, 97, 10, 0]) {
      const page = await leaders.tradesAfter(id, `sim:${all[i]!.ts}`, 5);
      expect(page.trades).toEqual(all.slice(i + 1, i + 6));
      expect(page.cursor).toBe(`sim:${all[i + 5]!.ts}`);
    }
  });

  it('makes about leaderCount / meanIntervalMs trades, whales larger, scalpers more often', async () => {
    const { clock, leaders } = manual();
    clock.advance(3 * HOUR);
    const byStyle = new Map<string, { trades: number; notional: number }>();
    let total = 0;
    for (const id of leaders.addresses()) {
      const trades = await tradesBetween(leaders, id, T0);
      total += trades.length;
      const style = id.replace(/^sim-|-\d+$/g, '');
      const s = byStyle.get(style) ?? { trades: 0, notional: 0 };
      s.trades += trades.length;
      for (const t of trades) s.notional += notional(t);
      byStyle.set(style, s);
    }
    const expected = (60 * 3 * HOUR) / 30_000;
    expect(total).toBeGreaterThan(expected * 0.8);
    expect(total).toBeLessThan(expected * 1.2);
    const avg = (style: string) => byStyle.get(style)!.notional / byStyle.get(style)!.trades;
    for (const other of ['momentum', 'mean-reversion', 'scalper', 'noise']) {
      expect(avg('whale')).toBeGreaterThan(10 * avg(other));
      if (other !== 'scalper')
        expect(byStyle.get('scalper')!.trades).toBeGreaterThan(2 * byStyle.get(other)!.trades);
    }
    expect(byStyle.get('whale')!.trades).toBeLessThan(byStyle.get('noise')!.trades);
  });

  it('only sells what it holds, in fractions and in full', async () => {
    const { clock, venue, leaders } = manual();
    clock.advance(4 * HOUR);
    const pools = marketPools({
      spot: venue.instrumentSymbols('spot'),
      binary: venue.instrumentSymbols('binary'),
    });
    let partial = 0;
    let full = 0;
    for (let index = 0; index < 20; index++) {
      // Every lane of a leader is flat at the start of an episode: read from one.
      const p = buildProfile(3, index, 30_000, pools);
      const cycle = p.episodeSlots * p.lanes;
      const firstSlot = Math.ceil(Math.ceil((T0 - p.phase) / p.slotMs) / cycle) * cycle;
      const start = p.phase + firstSlot * p.slotMs - 1;
      const held = new Map<string, Decimal>();
      for (const t of await tradesBetween(leaders, p.id, start)) {
        const key = `${t.market}|${t.outcomeIndex}`;
        const before = held.get(key) ?? DECIMAL_ZERO;
        if (t.side === 'buy') held.set(key, dec.add(before, t.size));
        else {
          expect(dec.cmp(t.size, before), `${p.id} sells ${t.size} of ${before}`).toBeLessThanOrEqual(0);
          if (dec.cmp(t.size, before) === 0) full++;
          else partial++;
          held.set(key, dec.sub(before, t.size));
        }
      }
    }
    expect(partial).toBeGreaterThan(20);
    expect(full).toBeGreaterThan(20);
  });

  it('lists recent trades newest first and a positive equity, whales richest', async () => {
    const { clock, leaders } = manual();
    clock.advance(HOUR);
    const recent = await leaders.recentTrades('sim-momentum-2', { limit: 5 });
    const all = await tradesBetween(leaders, 'sim-momentum-2', T0);
    expect(recent).toEqual(all.slice(-5).reverse());
    const whale = await leaders.equity('sim-whale-1');
    const noise = await leaders.equity('sim-noise-1');
    expect(dec.cmp(whale!, noise!)).toBe(1);
    expect(dec.sign(noise!)).toBe(1);
    expect(await leaders.equity('sim-noise-999')).toBeNull();
  });

  it('pushes trades on the system clock and stops when unsubscribed', async () => {
    const { leaders } = make({ meanIntervalMs: 40 }, 7, systemClock);
    const got: LeaderTrade[] = [];
    const cursor = await leaders.currentCursor('sim-scalper-1');
    const off = leaders.subscribe('sim-scalper-1', (t) => got.push(t));
    await new Promise((r) => setTimeout(r, 400));
    off();
    const n = got.length;
    expect(n).toBeGreaterThan(3);
    const read = await leaders.tradesAfter('sim-scalper-1', cursor, 500);
    expect(read.trades.slice(0, n)).toEqual(got);
    await new Promise((r) => setTimeout(r, 100));
    expect(got).toHaveLength(n);
    await leaders.close();
  });
});
