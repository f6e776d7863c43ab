import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/domain/clock.js';
import type { Ticker } from '../../../src/domain/market.js';
import { SimulatedVenue } from '../../../src/venues/simulated/simulated-venue.js';

const T0 = Date.UTC(2025, 0, 6, 9, 0, 0);

function make(stream: { intervalMs: number; ticksPerInterval?: number }) {
  const clock = new ManualClock(T0);
  return { clock, venue: new SimulatedVenue(clock, { seed: 21, stream }) };
}

describe('SimulatedVenue tick streams', () => {
  it('emits a batch per interval covering every market: 4,000 ticks per second of clock time', () => {
    const { clock, venue } = make({ intervalMs: 100 });
    const batches: (readonly Ticker[])[] = [];
    const stop = venue.subscribeTicks('all', (b) => batches.push(b));
    clock.advance(1_000);
    expect(batches).toHaveLength(10);
    expect(batches.every((b) => b.length === 400)).toBe(true);
    expect(venue.stats().ticksEmitted).toBe(4_000);
    expect(new Set(batches[0]!.map((t) => t.symbol)).size).toBe(400);
    expect(batches[9]![0]!.ts).toBe(T0 + 1_000);
    stop();
  });

  it('rotates through the markets when a batch is smaller than the subscription', () => {
    const { clock, venue } = make({ intervalMs: 50, ticksPerInterval: 7 });
    const seen = new Set<string>();
    const stop = venue.subscribeTicks(['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'NOPE/NOPE'], (b) => {
      expect(b).toHaveLength(3);
      for (const t of b) seen.add(t.symbol);
    });
    clock.advance(50);
    expect([...seen].sort()).toEqual(['BTC/USDT', 'ETH/USDT', 'SOL/USDT']);
    stop();
  });

  it('streams the same prices fetchTickers returns at that instant', async () => {
    const { clock, venue } = make({ intervalMs: 250 });
    let last: readonly Ticker[] = [];
    const stop = venue.subscribeTicks(['BTC/USDT', 'PM-0003'], (b) => {
      last = b;
    });
    clock.advance(750);
    stop();
    const fetched = await venue.fetchTickers(['BTC/USDT', 'PM-0003']);
    expect(last).toEqual([fetched.get('BTC/USDT'), fetched.get('PM-0003')]);
  });

  it('stops cleanly: no batch after unsubscribe, counters back to zero', () => {
    const { clock, venue } = make({ intervalMs: 100 });
    let calls = 0;
    const stop = venue.subscribeTicks('all', () => {
      calls++;
    });
    const other = venue.subscribeTicks(['BTC/USDT'], () => {});
    expect(venue.stats().activeSubscriptions).toBe(2);
    clock.advance(300);
    stop();
    clock.advance(10_000);
    expect(calls).toBe(3);
    expect(venue.stats().activeSubscriptions).toBe(1);
    other();
    expect(venue.stats().activeSubscriptions).toBe(0);
  });

  it('keeps streaming when a handler throws, and stops everything on close', async () => {
    const { clock, venue } = make({ intervalMs: 100 });
    let calls = 0;
    venue.subscribeTicks(['BTC/USDT'], () => {
      calls++;
      throw new Error('subscriber bug');
    });
    clock.advance(300);
    expect(calls).toBe(3);
    expect(venue.stats().handlerErrors).toBe(3);
    await venue.close();
    clock.advance(1_000);
    expect(calls).toBe(3);
    expect(venue.stats().activeSubscriptions).toBe(0);
  });
});
