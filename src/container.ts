/**
 * Wires the store, cache, venue, market data and services together from a
 * Config. Used by the HTTP server, the CLI and the tests, so all of them run
 * the same objects.
 */
import { type Logger, pino } from 'pino';
import type { IdempotencyDeps } from './api/idempotency.js';
import type { Readiness } from './api/routes/health.js';
import type { LayeredCache } from './cache/cache-options.js';
import { createCache } from './cache/create-cache.js';
import type { Config } from './config/schema.js';
import {
  type CopyTrading,
  type CopyTradingDeps,
  createCopyTrading,
} from './copytrading/create-copy-trading.js';
import { FillLedger } from './copytrading/fill-ledger.js';
import { OrderService } from './copytrading/order-service.js';
import { TraderService } from './copytrading/trader-service.js';
import { type Clock, systemClock } from './domain/clock.js';
import { createFleet, type Fleet } from './fleet/create-fleet.js';
import type { FleetLease } from './fleet/fleet-lease.js';
import type { PushBus } from './fleet/push-bus.js';
import { createJobs, type JobManager } from './jobs/index.js';
import { createLiveTrading, type LiveCopies } from './live-wiring.js';
import { MarketData } from './marketdata/market-data.js';
import { DependencyOutages } from './observability/dependency-outages.js';
import { registerLeaseMetrics, registerPushBusMetrics } from './observability/fleet-metrics.js';
import { createObservability, type Observability } from './observability/observability.js';
import { QueryStats } from './observability/query-stats.js';
import { registerStreamMetrics } from './observability/stream-metrics.js';
import { timeDatabase } from './observability/timed-database.js';
import { cachePolicies, venueConfig } from './part-config.js';
import { createPipeline } from './pipeline/create-pipeline.js';
import type { Pipeline, PipelineLogger } from './pipeline/pipeline.js';
import { PipelineRunner } from './pipeline/pipeline-runner.js';
import { PositionNotifier } from './positions/position-notifier.js';
import { PositionService } from './positions/position-service.js';
import { PriceFeed } from './positions/price-feed.js';
import type { Database } from './store/database.js';
import { IdempotencyRepository } from './store/idempotency-repository.js';
import { JobStats } from './store/job-stats.js';
import { LedgerRepository } from './store/ledger-repository.js';
import { migrateToLatest, migrationsAreCurrent } from './store/migrate.js';
import { openDatabase } from './store/open-database.js';
import { OrderRepository } from './store/order-repository.js';
import { PipelineStateRepository } from './store/pipeline-state-repository.js';
import { PositionRepository } from './store/position-repository.js';
import { compile } from './store/prepared.js';
import { TraderRepository } from './store/trader-repository.js';
import { TradingPairRepository } from './store/trading-pair-repository.js';
import { UserRepository } from './store/user-repository.js';
import { createTelegramState } from './telegram/telegram-state.js';
import type { TelegramStatus } from './telegram/telegram-status.js';
import type { TelegramWebhookIntake } from './telegram/webhook-intake.js';
import { UpdateFanout } from './updates/update-fanout.js';
import type { CredentialService } from './users/credential-service.js';
import { UserService } from './users/user-service.js';
import { createVenue } from './venues/registry.js';
import type { Venue } from './venues/venue.js';

export interface Services {
  config: Config;
  clock: Clock;
  db: Database;
  cache: LayeredCache;
  venue: Venue;
  marketData: MarketData;
  users: UserService;
  /** Users' exchange keys, sealed at rest (SECRETS_KEY or DATA_DIR/secrets.key). */
  credentials: CredentialService;
  traders: TraderService;
  orders: OrderService;
  positions: PositionService;
  /** Live ticks into positions; started by `startBackground()` (PRICE_STREAM=on, or this instance holds the lease under auto). */
  priceFeed: PriceFeed;
  /** This instance's id in the fleet (lease owner). */
  instanceId: string;
  /** Fleet membership: lease store, push bus, leases owned by this instance. */
  fleet: Fleet;
  /** The price stream's fleet lease under PRICE_STREAM=auto (undefined for on/off). */
  priceLease: FleetLease | undefined;
  /**
   * The `metrics` fleet lease: its holder alone exports the families read
   * from database rows (job counts and durations), so a sum over the fleet
   * counts each row once. Taken by `startBackground()`.
   */
  metricsLease: FleetLease;
  /** Job counts and durations read from the jobs table (refreshed by `startBackground()`). */
  jobStats: JobStats;
  /** Pushes to and from the other instances (REDIS_URL set), else undefined. */
  pushBus: PushBus | undefined;
  /** The Telegram bot's mode and role on this instance (polling, webhook, standby, off) and its errors. */
  telegram: TelegramStatus;
  /** Webhook mode (TELEGRAM_WEBHOOK_URL with a token): where POST /telegram/webhook hands updates. */
  telegramWebhook: TelegramWebhookIntake | undefined;
  /** Delivers TP/SL closes to notifiers (Telegram). */
  positionNotifier: PositionNotifier;
  /** Research jobs (backtests, Monte Carlo): worker threads, or BullMQ with REDIS_URL. */
  jobs: JobManager;
  /** The signal bot: scout -> analysis -> decision -> execution, paper unless exchange keys are set. */
  pipeline: Pipeline;
  /** Starts/stops the bot: stored, run by the `pipeline` lease holder (or, without background work, here). */
  pipelineRunner: PipelineRunner;
  /** Metrics registry, query timing, monitor, alerts, maintenance schedule. */
  observability: Observability;
  /** Where changes are pushed (the WebSocket hub subscribes here). */
  updates: UpdateFanout;
  /** Copy trading: leader sources, the engine (watchers, fan-out) and its queries. */
  copy: CopyTrading;
  /** Live copies: the outbox of orders sent with users' keys, their executor and the kill switch. */
  live: LiveCopies;
  /** Where the services log (pino): dependency outages, once when they start and once when they end. */
  logger: Logger;
  /** Dependency outages in progress (the database, Redis for the job queue), each logged once. */
  outages: DependencyOutages;
  /** Idempotency-Key storage for the creating routes. */
  idempotency: IdempotencyDeps;
  /** Starts the price feed and the notifier's sweep (the server does; tests may not). */
  startBackground(): Promise<void>;
  /** True when the database answers and every migration is applied. */
  ready(): Promise<boolean>;
  /**
   * The first dependency that is not ready, each given READY_TIMEOUT_MS: the
   * database (and its migrations), then Redis when REDIS_URL is set.
   */
  readiness(): Promise<Readiness>;
  close(): Promise<void>;
}

export interface BuildOptions {
  clock?: Clock;
  migrate?: boolean;
  /** Use this venue instead of the configured one (tests, benchmarks). */
  venue?: Venue;
  /** Where the pipeline logs (simulation mode, stage errors). @default the console */
  log?: PipelineLogger;
  /** Refresh the most read market data in the background. @default true */
  warming?: boolean;
  /** Leader sources used instead of the configured ones, by source id (tests). */
  leaderSources?: CopyTradingDeps['leaderSources'];
  /** Where the services log. @default pino on stdout at LOG_LEVEL */
  logger?: Logger;
}

/** Logs an error at most once per `ms` per message (a failing source must not flood the log). */
function onceEvery(ms: number, log: (err: unknown, context: string) => void) {
  const last = new Map<string, number>();
  return (err: unknown, context: string) => {
    const key = err instanceof Error ? err.message : String(err);
    const now = Date.now();
    if ((last.get(key) ?? 0) + ms > now) return;
    if (last.size > 1_000) last.clear();
    last.set(key, now);
    log(err, context);
  };
}

export async function buildServices(config: Config, opts: BuildOptions = {}): Promise<Services> {
  const clock = opts.clock ?? systemClock;
  const logger = opts.logger ?? pino({ level: config.logLevel });
  const outages = new DependencyOutages(logger);
  const cache = createCache({
    clock,
    policies: cachePolicies(config),
    maxEntries: config.cacheMaxEntries,
    maxBytes: config.cacheMaxMb * 1024 * 1024,
    ...(config.redisUrl ? { redisUrl: config.redisUrl } : {}),
  });
  if (config.redisUrl) await cache.ready(3000).catch(() => {}); // serves L1-only until Redis answers
  const queries = new QueryStats({ slowMs: config.slowQueryMs, now: () => clock.now() });
  const rawDb = await openDatabase(config, outages);
  // Every statement timed per query family (slow ones kept with their plans), unless QUERY_TIMING=off.
  const db = config.queryTiming === 'on' ? timeDatabase(rawDb, queries) : rawDb;
  if (opts.migrate ?? true) await migrateToLatest(db);
  const venue = opts.venue ?? (await createVenue(venueConfig(config), clock));
  const marketData = new MarketData({
    venue,
    cache,
    clock,
    batchWindowMs: config.marketDataBatchWindowMs,
    maxQueue: config.marketDataMaxQueue,
  });
  const warming =
    (opts.warming ?? true)
      ? cache.startWarming({
          every: 5_000,
          top: 200,
          refresh: (kind, key) => marketData.refresh(kind, key),
          kinds: ['price', 'marketDetail', 'ohlcv', 'marketList'],
        })
      : undefined;
  const ledgerRepo = new LedgerRepository(db);
  const jobs = await createJobs({ db, clock, venueConfig: venueConfig(config), reports: outages }, config);
  const idempotencyRepo = new IdempotencyRepository(db);
  const jobStats = new JobStats(db, clock);
  const observability = createObservability({ config, clock, db, cache, marketData, queries });
  observability.connectJobs(() => jobStats.snapshot());
  observability.maintenance.addTask(jobs.resultPruneTask);
  observability.maintenance.addTask({
    name: 'expired idempotency keys',
    run: async (now) => `deleted ${await idempotencyRepo.sweep(now)} expired keys`,
  });
  // Each maintenance run is also a finished `maintenance` job in the first admin's jobs list.
  observability.maintenance.recordWith(async (run) => {
    const admin = await db.first<{ id: number }>(
      compile(db.kysely.selectFrom('users').select('id').where('is_admin', '=', 1).orderBy('id').limit(1)),
    );
    if (!admin) return;
    await jobs.recordFinished({
      type: 'maintenance',
      userId: Number(admin.id),
      params: { dialect: run.dialect },
      startedAt: Math.floor(run.startedAt),
      finishedAt: Math.ceil(run.startedAt + run.durationMs),
      ok: run.ok,
      result: run,
    });
  });
  const pipeline = await createPipeline(config, {
    db,
    cache,
    marketData,
    clock,
    ...(opts.log ? { log: opts.log } : {}),
  });
  const updates = new UpdateFanout();
  const orderRepo = new OrderRepository(db);
  const pairs = new TradingPairRepository(db);
  const fills = new FillLedger(ledgerRepo);
  const positionRepo = new PositionRepository(db);
  const { credentials, live } = createLiveTrading(config, {
    db,
    clock,
    logger,
    orders: orderRepo,
    pairs,
    fills,
    onRecorded: (users) => void Promise.all(users.map((u) => traders.changed(u))),
  });
  const copy = await createCopyTrading(config, {
    live,
    db,
    cache,
    clock,
    venue,
    marketData,
    updates,
    orders: orderRepo,
    pairs,
    fills,
    positions: positionRepo,
    ...(opts.leaderSources ? { leaderSources: opts.leaderSources } : {}),
    onError: onceEvery(10_000, (err, context) =>
      logger.warn({ err, context }, 'copy engine: %s failed', context),
    ),
  });
  const traders = new TraderService(db, new TraderRepository(db), ledgerRepo, cache, clock, updates, {
    checkAddress: copy.service.checkAddress,
    followsChanged: () => copy.engine?.followsChanged(),
    hasCredentials: live.followCheck,
  });
  if (copy.engine) {
    const engine = copy.engine;
    observability.connectCopy({
      stats: () => engine.stats.snapshot(),
      stalled: () => engine.stalled(config.copyWatchdogMs),
    });
  }
  copy.connect({
    changed: (userId) => traders.changed(userId),
    positionsChanged: (p) => positions.changed(p),
    marketsChanged: () => priceFeed.marketsChanged(),
    closed: () => positionNotifier.kick(),
  });
  const orders = new OrderService({
    db,
    orders: orderRepo,
    pairs,
    ledger: ledgerRepo,
    fills,
    clock,
    onChange: (userId) => traders.changed(userId),
  });
  const positionNotifier = new PositionNotifier(positionRepo.events, clock);
  const positionDeps = { db, repo: positionRepo, marketData, cache, clock, updates };
  const priceFeed: PriceFeed = new PriceFeed({
    ...positionDeps,
    delayMs: config.priceStreamDelayMs,
    maxRatePerMarket: config.priceStreamMaxRate,
    pollMs: config.pricePollMs,
    idleRepriceMs: config.priceIdleRepriceMs,
    idleRepriceBudget: config.priceIdleRepriceBudget,
    onClosed: () => positionNotifier.kick(),
    exits: copy.exits,
  });
  const positions = new PositionService({
    ...positionDeps,
    exits: copy.exits,
    onClosed: () => positionNotifier.kick(),
    onMarketsChanged: () => priceFeed.marketsChanged(),
  });
  registerStreamMetrics(observability.registry, () => priceFeed.stats());
  const fleet = await createFleet({
    db,
    clock,
    leaseMs: config.fleetLeaseMs,
    redisUrl: config.redisUrl,
    updates,
    logger,
  });
  const priceLease =
    config.priceStream === 'auto'
      ? fleet.lease('price-stream', { onAcquire: () => priceFeed.start(), onLose: () => priceFeed.pause() })
      : undefined;
  // The role is only "export the database-derived families"; nothing starts or stops with it.
  const metricsLease = fleet.lease('metrics', { onAcquire: () => undefined, onLose: () => undefined });
  let background = false;
  const pipelineRunner: PipelineRunner = new PipelineRunner({
    pipeline,
    state: new PipelineStateRepository(db),
    clock,
    pollMs: Math.max(500, Math.floor(config.fleetLeaseMs / 3)),
    holds: () => pipelineLease.held || !background,
    onError: (err) => logger.warn({ err }, 'pipeline: could not read whether it should run'),
  });
  const pipelineLease = fleet.lease('pipeline', {
    onAcquire: () => pipelineRunner.converge(true),
    onLose: () => pipeline.stop(),
  });
  observability.exportDatabaseFamiliesWhen(() => metricsLease.held);
  const tg = createTelegramState(config, clock, observability.registry);
  registerPushBusMetrics(observability.registry, () => fleet.pushBus?.stats);
  registerLeaseMetrics(observability.registry, () =>
    [priceLease, metricsLease, pipelineLease, tg.status.lease].filter((l) => l !== undefined),
  );
  const ready = async () => {
    try {
      await db.ping();
      return await migrationsAreCurrent(db);
    } catch {
      return false;
    }
  };
  return {
    config,
    clock,
    db,
    cache,
    venue,
    marketData,
    users: new UserService(new UserRepository(db), clock),
    credentials,
    traders,
    orders,
    positions,
    jobs,
    pipeline,
    pipelineRunner,
    observability,
    priceFeed,
    instanceId: fleet.instanceId,
    fleet,
    priceLease,
    metricsLease,
    jobStats,
    pushBus: fleet.pushBus,
    telegram: tg.status,
    telegramWebhook: tg.webhook,
    positionNotifier,
    updates,
    copy,
    live,
    logger,
    outages,
    idempotency: { repo: idempotencyRepo, clock, ttlMs: config.idempotencyKeyTtlMs },
    async startBackground() {
      if (background) return;
      background = true;
      positionNotifier.start();
      jobStats.start();
      observability.start();
      if (config.priceStream === 'on') await priceFeed.start();
      await priceLease?.start();
      await metricsLease.start();
      await copy.engine?.start();
      await live.start();
      if (config.pipelineAutostart === 'on') await pipelineRunner.start(null);
      await pipelineLease.start();
      pipelineRunner.begin();
    },
    ready,
    async readiness() {
      const timeoutMs = config.readyTimeoutMs;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      const dbReady = await Promise.race([ready(), late]).finally(() => clearTimeout(timer));
      if (!dbReady) {
        return {
          ok: false,
          dependency: 'database',
          message: `Database unreachable within ${timeoutMs} ms or migrations pending`,
        };
      }
      const dependency = jobs.dependency;
      if (dependency === undefined) return { ok: true };
      try {
        await jobs.check(timeoutMs);
        return { ok: true };
      } catch (err) {
        return { ok: false, dependency, message: err instanceof Error ? err.message : String(err) };
      }
    },
    async close() {
      warming?.stop();
      await pipelineRunner.end();
      await pipelineLease.stop();
      await copy.close();
      await live.stop();
      await priceLease?.stop();
      await metricsLease.stop();
      await priceFeed.stop();
      await fleet.close();
      await positionNotifier.close();
      await jobs.close();
      jobStats.stop();
      await observability.stop();
      await venue.close();
      await cache.close();
      await db.close();
    },
  };
}
