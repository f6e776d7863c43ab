/**
 * Which venues a backtest may read and how a worker builds each: the venue
 * the service is configured with, plus the replay venue (real recorded
 * history) and the simulated one (seeded synthetic history). Workers build
 * their own instances from these configs (see worker.ts); a simulated
 * research venue has no request budget, since nothing upstream is called.
 */
import type { VenueConfig } from '../venues/registry.js';

const UNLIMITED = { requestsPerSecond: 1_000_000_000, burst: 1_000_000_000 };

export class ResearchVenues {
  private readonly configs = new Map<string, VenueConfig>();

  /**
   * @param configured the service's venue: its name (config.venue) and config (services.ts `venueConfig`)
   * @param seed the simulated venue's seed (config.venueSeed)
   */
  constructor(configured: { name: string; config: VenueConfig }, seed: number) {
    this.configs.set('replay', { kind: 'replay', mode: 'full' });
    this.configs.set('simulated', { kind: 'simulated', seed, rateLimit: UNLIMITED });
    const own = configured.config;
    this.configs.set(configured.name, own.kind === 'simulated' ? { ...own, rateLimit: UNLIMITED } : own);
  }

  get names(): string[] {
    return [...this.configs.keys()];
  }

  configFor(name: string): VenueConfig | undefined {
    return this.configs.get(name);
  }
}
