/**
 * Builds a venue from configuration. The implementations that pull in large
 * libraries (ccxt, the Polymarket SDK) are imported only when asked for, so
 * the default simulated venue starts without loading them.
 */
import type { Clock } from '../domain/clock.js';
import { ValidationError } from '../domain/errors.js';
import type { CcxtVenueOptions } from './ccxt/ccxt-venue.js';
import type { PolymarketVenueOptions } from './polymarket/polymarket-venue.js';
import type { ReplayVenueOptions } from './replay/replay-venue.js';
import type { SimulatedVenueOptions } from './simulated/simulated-venue.js';
import type { Venue } from './venue.js';

/** Which venue to build, with that venue's options. */
export type VenueConfig =
  | ({ kind: 'simulated' } & SimulatedVenueOptions)
  | ({ kind: 'replay' } & ReplayVenueOptions)
  | ({ kind: 'ccxt' } & CcxtVenueOptions)
  | ({ kind: 'polymarket' } & PolymarketVenueOptions);

/**
 * Creates the venue `config` describes. `clock` drives simulated prices,
 * latency and streams, replay visibility and Polymarket timestamps; ccxt keeps
 * its own wall-clock throttle.
 *
 * @example
 * const venue = await createVenue({ kind: 'simulated', seed: 42 }, systemClock);
 */
export async function createVenue(config: VenueConfig, clock: Clock): Promise<Venue> {
  const { kind, ...options } = config;
  switch (kind) {
    case 'simulated': {
      const { SimulatedVenue } = await import('./simulated/simulated-venue.js');
      return new SimulatedVenue(clock, options as SimulatedVenueOptions);
    }
    case 'replay': {
      const { ReplayVenue } = await import('./replay/replay-venue.js');
      return new ReplayVenue(clock, options as ReplayVenueOptions);
    }
    case 'ccxt': {
      const { CcxtVenue } = await import('./ccxt/ccxt-venue.js');
      return new CcxtVenue(options as CcxtVenueOptions);
    }
    case 'polymarket': {
      const { PolymarketVenue } = await import('./polymarket/polymarket-venue.js');
      return new PolymarketVenue(clock, options as PolymarketVenueOptions);
    }
    default: {
      const unknown: never = kind;
      throw new ValidationError(`unknown venue kind ${JSON.stringify(unknown)}`, {
        details: [{ path: 'venue.kind', message: 'must be one of simulated, replay, ccxt, polymarket' }],
      });
    }
  }
}
