/**
 * Wires the store, cache, venue, market data and services together from a
 * Config. Used by the HTTP server, the CLI and the tests, so all of them run
 * the same objects.
 */
import { pino } from 'pino';
import { createCache } from './cache/create-cache.js';
import type { Config } from './config/schema.js';
import type { BuildOptions, Services } from './container-types.js';
import { createCopyTrading } from './copytrading/create-copy-trading.js';
import { FillLedger } from './copytrading/fill-ledger.js';
import { OrderService } from './copytrading/order-service.js';
import { TraderService } from './copytrading/trader-service.js';
import { systemClock } from './domain/clock.js';
import { createFleet } from './fleet/create-fleet.js';
import { createJobs } from './jobs/index.js';
import { onceEveryPerMessage } from './lib/once-every.js';
import { createLiveTrading } from './live-wiring.js';
import { MarketData } from './marketdata/market-data.js';
import { DependencyOutages } from './observability/dependency-outages.js';
import { registerLeaseMetrics, registerPushBusMetrics } from './observability/fleet-metrics.js';
import { createObservability } from './observability/observability.js';
import { QueryStats } from './observability/query-stats.js';
import { registerStreamMetrics } from './observability/stream-metrics.js';
import { timeDatabase } from './observability/timed-database.js';
import { cachePolicies, venueConfig } from './part-config.js';
import { createPipeline } from './pipeline/create-pipeline.js';
import { PipelineRunner } from './pipeline/pipeline-runner.js';
import { PositionNotifier } from './positions/position-notifier.js';
import { PositionService } from './positions/position-service.js';
import { PriceFeed } from './positions/price-feed.js';
import { readinessChecks } from './readiness.js';
import { IdempotencyRepository } from './store/idempotency-repository.js';
import { JobStats } from './store/job-stats.js';
import { LedgerRepository } from './store/ledger-repository.js';
import { migrateToLatest } from './store/migrate.js';
import { openDatabase } from './store/open-database.js';
import { OrderRepository } from './store/order-repository.js';
import { PipelineStateRepository } from './store/pipeline-state-repository.js';
import { PositionRepository } from './store/position-repository.js';
import { compile } from './store/prepared.js';
import { TraderRepository } from './store/trader-repository.js';
import { TradingPairRepository } from './store/trading-pair-repository.js';
import { UserRepository } from './store/user-repository.js';
import { createTelegramState } from './telegram/telegram-state.js';
import { UpdateFanout } from './updates/update-fanout.js';
import { UserService } from './users/user-service.js';
import { createVenue } from './venues/registry.js';

export type { BuildOptions, Services };

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
  const pipeline = await createPipeline(config, {
    db,
    cache,
    marketData,
    clock,
    ...(opts.log ? { log: opts.log } : {}),
  });
  // A backtest's modelReplay reads the decider answers the pipeline recorded about its venue's bars.
  const recordedAnswers = {
    venue: config.venue,
    timeframe: pipeline.timeframe,
    defaultModel: config.aiDeciderModel,
    read: pipeline.history.recordedDecisions.bind(pipeline.history),
  };
  const jobs = await createJobs(
    {
      db,
      clock,
      venueConfig: venueConfig(config),
      reports: outages,
      recordedAnswers,
      onError: onceEveryPerMessage<void>(10_000, (err) => logger.warn({ err }, 'jobs: %s', String(err))),
    },
    config,
  );
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
    onError: onceEveryPerMessage(10_000, (err, context) =>
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
      stalled: () => engine.stalled(),
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
    // A failed flush is retried and counted; a failed poll or resubscription is retried on the next round.
    onError: onceEveryPerMessage<void>(10_000, (err) =>
      logger.warn({ err }, 'price feed: a flush, poll or resubscription failed'),
    ),
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
  const { ready, readiness } = readinessChecks(db, jobs, config.readyTimeoutMs);
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
    readiness,
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
