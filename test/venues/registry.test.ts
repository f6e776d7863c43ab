import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { CcxtVenue } from '../../src/venues/ccxt/ccxt-venue.js';
import { PolymarketVenue } from '../../src/venues/polymarket/polymarket-venue.js';
import { createVenue, type VenueConfig } from '../../src/venues/registry.js';
import { ReplayVenue } from '../../src/venues/replay/replay-venue.js';
import { SimulatedVenue } from '../../src/venues/simulated/simulated-venue.js';

describe('createVenue', () => {
  const clock = new ManualClock(Date.UTC(2025, 0, 1));

  it('builds each kind with its options', async () => {
    const sim = await createVenue(
      { kind: 'simulated', seed: 9, spotCount: 5, binaryCount: 2, maxSymbolsPerBatch: 7 },
      clock,
    );
    expect(sim).toBeInstanceOf(SimulatedVenue);
    expect(sim.capabilities.maxSymbolsPerBatch).toBe(7);
    expect(await sim.fetchMarkets()).toHaveLength(7);
    expect(await createVenue({ kind: 'replay', mode: 'clock' }, clock)).toBeInstanceOf(ReplayVenue);
    const ccxt = await createVenue(
      { kind: 'ccxt', exchangeId: 'bingx', apiOrigin: 'http://127.0.0.1:9' },
      clock,
    );
    expect(ccxt).toBeInstanceOf(CcxtVenue);
    expect(ccxt.capabilities.id).toBe('bingx');
    expect(await createVenue({ kind: 'polymarket', host: 'http://127.0.0.1:9' }, clock)).toBeInstanceOf(
      PolymarketVenue,
    );
  });

  it('seeds the simulated venue so equal configs agree', async () => {
    const a = await createVenue({ kind: 'simulated', seed: 1 }, clock);
    const b = await createVenue({ kind: 'simulated', seed: 1 }, clock);
    expect(await a.fetchTickers(['BTC/USDT'])).toEqual(await b.fetchTickers(['BTC/USDT']));
  });

  it('rejects an unknown kind with VALIDATION_FAILED', async () => {
    const bad = { kind: 'nasdaq' } as unknown as VenueConfig;
    await expect(createVenue(bad, clock)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
