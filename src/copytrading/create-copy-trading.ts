/**
 * Builds copy trading from the configuration: the leader sources this server
 * can watch (simulated leaders on the simulated venue, Polymarket, Solana
 * and Hyperliquid wallets),
 * the stores, the fan-out, the engine (when COPY_ENGINE=on), the queries, and
 * the exit ledger the positions module calls. After each committed page it
 * drops the affected users' caches and pushes decisions and positions.
 */
import type { LayeredCache } from '../cache/cache-options.js';
import type { Config } from '../config/schema.js';
import type { Clock } from '../domain/clock.js';
import { parseExact } from '../domain/decimal.js';
import type { Position } from '../domain/position.js';
import type { TraderSource } from '../domain/trader.js';
import type { MarketData } from '../marketdata/market-data.js';
import { CopyPositionRepository } from '../store/copy-position-repository.js';
import { type CopyDecision, CopyRepository } from '../store/copy-repository.js';
import type { Database } from '../store/database.js';
import type { OrderRepository } from '../store/order-repository.js';
import { PaperAccountRepository } from '../store/paper-account-repository.js';
import type { PositionRepository } from '../store/position-repository.js';
import type { TradingPairRepository } from '../store/trading-pair-repository.js';
import { positionsTag, type UpdateSink } from '../updates/update-sink.js';
import { HyperliquidFillsSource } from '../venues/hyperliquid/hyperliquid-fills-source.js';
import type { LeaderSource } from '../venues/leader-source.js';
import { PolymarketWalletSource } from '../venues/polymarket/data-api-source.js';
import type { LeaderPriceVenue } from '../venues/simulated/simulated-leaders.js';
import { SolanaWalletSource } from '../venues/solana/solana-wallet-source.js';
import type { Venue } from '../venues/venue.js';
import { CopyEngine } from './copy-engine.js';
import { CopyExitLedger } from './copy-exit-ledger.js';
import { CopyFanout, type FanoutResult } from './copy-fanout.js';
import { copyJson } from './copy-json.js';
import { CopyService } from './copy-service.js';
import type { FillLedger } from './fill-ledger.js';
import type { LiveCopyPlanner } from './live-copy-planner.js';

export interface CopyTradingDeps {
  db: Database;
  cache: LayeredCache;
  clock: Clock;
  venue: Venue;
  marketData: MarketData;
  updates: UpdateSink;
  orders: OrderRepository;
  pairs: TradingPairRepository;
  fills: FillLedger;
  positions: PositionRepository;
  /** Called with engine errors (logged by the server). */
  onError?(err: unknown, context: string): void;
  /** Leader sources used instead of the configured ones, by source id (tests). */
  leaderSources?: ReadonlyMap<TraderSource, LeaderSource>;
  /** Live copies: the planner the fan-out hands live follows to, and the sender kicked after each commit. */
  live?: { planner: Pick<LiveCopyPlanner, 'plan'>; kick(): void };
}

/** What the rest of the service is told after a committed page. */
export interface CopyWiring {
  changed(userId: number): Promise<void>;
  positionsChanged(p: Position): Promise<void>;
  marketsChanged(): void;
  closed(): void;
}

export interface CopyTrading {
  sources: ReadonlyMap<TraderSource, LeaderSource>;
  service: CopyService;
  engine: CopyEngine | undefined;
  /** What the engine's watchers hand each page to (built whether or not the engine runs). */
  fanout: CopyFanout;
  repo: CopyRepository;
  accounts: PaperAccountRepository;
  exits: CopyExitLedger;
  connect(w: CopyWiring): void;
  /** Registers a listener of committed decisions (the Telegram bot); returns its removal. */
  listen(fn: (decisions: readonly CopyDecision[]) => void): () => void;
  close(): Promise<void>;
}

/** The simulated venue's model prices the simulated leaders' trades; other venues have none. */
function simulatedVenue(v: Venue): (Venue & LeaderPriceVenue) | undefined {
  const maybe = v as Venue & Partial<LeaderPriceVenue>;
  return typeof maybe.priceOf === 'function' && typeof maybe.instrumentSymbols === 'function'
    ? (maybe as Venue & LeaderPriceVenue)
    : undefined;
}

export async function createCopyTrading(config: Config, d: CopyTradingDeps): Promise<CopyTrading> {
  const sources = new Map<TraderSource, LeaderSource>();
  const sim = simulatedVenue(d.venue);
  if (sim && config.simLeaders > 0) {
    const { SimulatedLeaders } = await import('../venues/simulated/simulated-leaders.js');
    sources.set(
      'simulated',
      new SimulatedLeaders(d.clock, sim, {
        seed: config.venueSeed,
        leaderCount: config.simLeaders,
        meanIntervalMs: config.simLeaderIntervalMs,
      }),
    );
  }
  sources.set('polymarket', new PolymarketWalletSource({ origin: config.polymarketDataApi, clock: d.clock }));
  sources.set(
    'solana',
    new SolanaWalletSource({
      rpcUrl: config.solanaRpcUrl,
      wsUrl: config.solanaWsUrl === 'off' ? null : config.solanaWsUrl,
      clock: d.clock,
    }),
  );
  sources.set(
    'hyperliquid',
    new HyperliquidFillsSource({ origin: config.hyperliquidApiUrl, clock: d.clock }),
  );
  for (const [id, s] of d.leaderSources ?? []) sources.set(id, s);

  const venueId = d.venue.capabilities.id;
  const repo = new CopyRepository(d.db);
  const accounts = new PaperAccountRepository(d.db, config.paperInitialBalance as never);
  const feeRate = parseExact(config.copyFeeRate as never);
  const fanout = new CopyFanout(
    {
      copies: repo,
      positions: new CopyPositionRepository(d.db.dialect),
      accounts,
      orders: d.orders,
      pairs: d.pairs,
      fills: d.fills,
    },
    { maxLagMs: config.copyMaxLagMs, feeRate, slippage: parseExact(config.copySlippage as never) },
    venueId,
    () => d.clock.now(),
    d.live?.planner,
  );
  let wiring: CopyWiring | undefined;
  const listeners = new Set<(decisions: readonly CopyDecision[]) => void>();

  /** After the commit: caches of the users concerned, then pushes, in that order. */
  async function published(result: FanoutResult): Promise<void> {
    if (d.live && result.decisions.some((x) => x.status === 'copied')) d.live.kick();
    const users = new Set(result.decisions.map((x) => x.userId));
    for (const u of result.users) users.add(u);
    if (users.size > 0) await d.cache.invalidateTags([...users].map(positionsTag));
    for (const u of users) await wiring?.changed(u);
    if (result.opened || result.closed) wiring?.marketsChanged();
    if (result.closed) wiring?.closed();
    const wantCopies = [...users].some((u) => !d.updates.wants || d.updates.wants('copies', u));
    if (wantCopies || listeners.size > 0) {
      const decisions = await repo.decisionsByIds(result.decisionIds);
      for (const x of decisions) d.updates.publish('copies', String(x.id), copyJson(x), x.userId);
      for (const l of listeners) l(decisions);
    }
    const watched = [...result.positionIds];
    if (
      watched.length > 0 &&
      [...result.users].some((u) => !d.updates.wants || d.updates.wants('positions', u))
    ) {
      for (const p of await d.positions.byIds(watched)) await wiring?.positionsChanged(p);
    }
  }

  const engine =
    config.copyEngine === 'on'
      ? new CopyEngine({
          db: d.db,
          copies: repo,
          fanout,
          marketData: d.marketData,
          clock: d.clock,
          sources,
          leaseMs: config.copyLeaseMs,
          graceMs: config.copyMaxLagMs,
          watchdogMs: config.copyWatchdogMs,
          onApplied: published,
          ...(d.onError ? { onError: d.onError } : {}),
        })
      : undefined;
  const service = new CopyService({
    copies: repo,
    accounts,
    sources,
    cache: d.cache,
    clock: d.clock,
    venueId,
    engine,
    watchdogMs: config.copyWatchdogMs,
  });
  return {
    sources,
    service,
    engine,
    fanout,
    repo,
    accounts,
    exits: new CopyExitLedger({ orders: d.orders, pairs: d.pairs, fills: d.fills, accounts, feeRate }),
    connect(w) {
      wiring = w;
    },
    listen(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    async close() {
      await engine?.stop();
      for (const s of sources.values()) await s.close?.();
    },
  };
}
