/**
 * Which venues a backtest may read and how a worker builds each: the venue
 * the service is configured with, plus the replay venue (real recorded
 * history) and the simulated one (seeded synthetic history). Workers build
 * their own instances from these configs (see worker.ts); a simulated
 * research venue has no request budget, since nothing upstream is called.
 *
 * `symbols` lists what a venue trades, so a backtest of a symbol the venue
 * does not have is refused at submit instead of queued to fail in a worker.
 */
import { type Clock, systemClock } from '../domain/clock.js';
import type { AddressCheck, TraderSource } from '../domain/trader.js';
import type { LeaderSource } from '../venues/leader-source.js';
import { createLeaderSource, type LeaderSourceConfig } from '../venues/leader-source-config.js';
import { createVenue, type VenueConfig } from '../venues/registry.js';

const UNLIMITED = { requestsPerSecond: 1_000_000_000, burst: 1_000_000_000 };
/** How long a venue's symbol list is trusted before it is listed again. */
export const SYMBOLS_TTL_MS = 10 * 60_000;

export class ResearchVenues {
  private readonly configs = new Map<string, VenueConfig>();
  private readonly listed = new Map<
    string,
    { at: number; symbols: Promise<ReadonlySet<string> | undefined> }
  >();

  /**
   * @param configured the service's venue: its name (config.venue) and config (container.ts `venueConfig`)
   * @param seed the simulated venue's seed (config.venueSeed)
   */
  /** Leader sources a copy backtest may replay, by source id; built here only to check addresses. */
  private readonly sources = new Map<string, { config: LeaderSourceConfig; built?: LeaderSource }>();

  constructor(
    configured: { name: string; config: VenueConfig },
    seed: number,
    sources: readonly LeaderSourceConfig[] = [],
  ) {
    for (const config of sources) this.sources.set(config.kind, { config });
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

  sourceConfigFor(id: string): LeaderSourceConfig | undefined {
    return this.sources.get(id)?.config;
  }

  /** The address rule of each replayable source (the source is built on first use, never asked anything). */
  readonly checkAddress: AddressCheck = (source: TraderSource, address: string) => {
    const entry = this.sources.get(source);
    if (!entry) return `cannot be replayed: the ${source} source is not available on this server`;
    entry.built ??= createLeaderSource(entry.config, systemClock);
    return entry.built.addressProblem(address);
  };

  /**
   * The symbols venue `name` lists, read once per SYMBOLS_TTL_MS; undefined
   * when it is not one of ours or cannot be listed now (an upstream outage
   * must not refuse a backtest: the worker reports an unknown symbol then).
   */
  symbols(name: string, clock: Clock): Promise<ReadonlySet<string> | undefined> {
    const config = this.configs.get(name);
    if (!config) return Promise.resolve(undefined);
    const now = clock.now();
    const hit = this.listed.get(name);
    if (hit && now - hit.at < SYMBOLS_TTL_MS) return hit.symbols;
    const symbols = listSymbols(config, clock);
    this.listed.set(name, { at: now, symbols });
    void symbols.then((s) => {
      if (s === undefined && this.listed.get(name)?.symbols === symbols) this.listed.delete(name);
    });
    return symbols;
  }
}

async function listSymbols(config: VenueConfig, clock: Clock): Promise<ReadonlySet<string> | undefined> {
  try {
    const venue = await createVenue(config, clock);
    try {
      return new Set((await venue.fetchMarkets()).map((m) => m.symbol));
    } finally {
      await venue.close();
    }
  } catch {
    return undefined;
  }
}
