/**
 * What the container (`container.ts`) builds and hands to the server, the
 * CLI, the tests and the benchmarks, and the options it is built with.
 */
import type { Logger } from 'pino';
import type { IdempotencyDeps } from './api/idempotency.js';
import type { Readiness } from './api/routes/health.js';
import type { LayeredCache } from './cache/cache-options.js';
import type { Config } from './config/schema.js';
import type { CopyTrading, CopyTradingDeps } from './copytrading/create-copy-trading.js';
import type { OrderService } from './copytrading/order-service.js';
import type { TraderService } from './copytrading/trader-service.js';
import type { Clock } from './domain/clock.js';
import type { Fleet } from './fleet/create-fleet.js';
import type { FleetLease } from './fleet/fleet-lease.js';
import type { PushBus } from './fleet/push-bus.js';
import type { JobManager } from './jobs/index.js';
import type { LiveCopies } from './live-wiring.js';
import type { MarketData } from './marketdata/market-data.js';
import type { DependencyOutages } from './observability/dependency-outages.js';
import type { Observability } from './observability/observability.js';
import type { Pipeline, PipelineLogger } from './pipeline/pipeline.js';
import type { PipelineRunner } from './pipeline/pipeline-runner.js';
import type { PositionNotifier } from './positions/position-notifier.js';
import type { PositionService } from './positions/position-service.js';
import type { PriceFeed } from './positions/price-feed.js';
import type { Database } from './store/database.js';
import type { JobStats } from './store/job-stats.js';
import type { TelegramStatus } from './telegram/telegram-status.js';
import type { TelegramWebhookIntake } from './telegram/webhook-intake.js';
import type { UpdateFanout } from './updates/update-fanout.js';
import type { CredentialService } from './users/credential-service.js';
import type { UserService } from './users/user-service.js';
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
