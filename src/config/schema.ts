/**
 * Every setting tradeloop reads, with its default and the form it expects:
 * the core ones here, the database, HTTP, job, pipeline, AI, copy, observability
 * and Telegram groups in their own files, merged into one table. Defaults live in these files only; the
 * README's configuration table mirrors them.
 */

import { aiSettings } from './ai-settings.js';
import { copySettings } from './copy-settings.js';
import { databaseSettings } from './database-settings.js';
import { httpSettings } from './http-settings.js';
import { jobLimitSettings } from './job-limit-settings.js';
import { leaderSourceSettings } from './leader-source-settings.js';
import { liveSettings } from './live-settings.js';
import { observabilitySettings } from './observability-settings.js';
import { int, oneOf, setting, text } from './setting.js';
import { telegramSettings } from './telegram-settings.js';
import { tradingSettings } from './trading-settings.js';

export type { Setting } from './setting.js';

export const settings = {
  host: setting({
    env: 'HOST',
    form: 'an interface address',
    default: '127.0.0.1',
    parse: text,
    doc: 'Address the HTTP server listens on. Loopback unless you mean to expose it.',
  }),
  port: setting({
    env: 'PORT',
    form: 'an integer from 0 to 65535',
    default: 8080,
    parse: int(0, 65535),
    doc: 'HTTP port (0 picks a free one).',
  }),
  dataDir: setting({
    env: 'DATA_DIR',
    form: 'a directory path',
    default: './data',
    parse: text,
    doc: 'Where the SQLite file (by default) and the local token file live.',
  }),
  ...databaseSettings,
  bodyLimitBytes: setting({
    env: 'BODY_LIMIT_BYTES',
    form: 'an integer from 1024 to 104857600',
    default: 1_048_576,
    parse: int(1024, 104_857_600),
    doc: 'Largest accepted JSON body for ordinary routes; larger answers 413.',
  }),
  bulkBodyLimitBytes: setting({
    env: 'BULK_BODY_LIMIT_BYTES',
    form: 'an integer from 1024 to 104857600',
    default: 8_388_608,
    parse: int(1024, 104_857_600),
    doc: 'Largest accepted body for `POST /orders/bulk` (10,000 orders fit in about 3 MiB).',
  }),
  rateLimitMax: setting({
    env: 'RATE_LIMIT_MAX',
    form: 'an integer from 1 to 100000000',
    default: 6000,
    parse: int(1, 100_000_000),
    doc: 'Requests allowed per token per window; beyond it the API answers 429 with Retry-After.',
  }),
  rateLimitWindowMs: setting({
    env: 'RATE_LIMIT_WINDOW_MS',
    form: 'an integer from 100 to 86400000',
    default: 60_000,
    parse: int(100, 86_400_000),
    doc: 'Length of the rate-limit window in milliseconds.',
  }),
  idempotencyKeyTtlMs: setting({
    env: 'IDEMPOTENCY_KEY_TTL_MS',
    form: 'an integer from 60000 to 604800000',
    default: 86_400_000,
    parse: int(60_000, 604_800_000),
    doc: 'How long an `Idempotency-Key` and the answer it replays are kept, per user; expired keys are swept by maintenance.',
  }),
  readyTimeoutMs: setting({
    env: 'READY_TIMEOUT_MS',
    form: 'an integer from 50 to 30000',
    default: 1000,
    parse: int(50, 30_000),
    doc: 'How long `/readyz` waits for each dependency (the database, Redis when REDIS_URL is set) before answering 503 naming it.',
  }),
  performanceCacheTtlMs: setting({
    env: 'PERFORMANCE_CACHE_TTL_MS',
    form: 'an integer from 0 to 3600000',
    default: 2000,
    parse: int(0, 3_600_000),
    doc: 'How long `GET /traders/performance` answers are cached (invalidated earlier by that user’s changes).',
  }),
  shutdownTimeoutMs: setting({
    env: 'SHUTDOWN_TIMEOUT_MS',
    form: 'an integer from 0 to 600000',
    default: 10_000,
    parse: int(0, 600_000),
    doc: 'How long a graceful shutdown waits for in-flight requests.',
  }),
  venue: setting({
    env: 'VENUE',
    form: 'simulated, replay, ccxt or polymarket',
    default: 'simulated' as 'simulated' | 'replay' | 'ccxt' | 'polymarket',
    parse: oneOf('simulated', 'replay', 'ccxt', 'polymarket'),
    doc: 'Market-data venue. `simulated` is a seeded, realistic market that needs no network.',
  }),
  venueSeed: setting({
    env: 'VENUE_SEED',
    form: 'an integer from 0 to 4294967295',
    default: 1,
    parse: int(0, 4_294_967_295),
    doc: 'Seed of the simulated venue: the same seed gives the same markets and prices.',
  }),
  ccxtExchange: setting({
    env: 'CCXT_EXCHANGE',
    form: 'a ccxt exchange id such as bingx',
    default: 'bingx',
    parse: (raw) => (/^[a-z0-9]{2,30}$/.test(raw) ? raw : undefined),
    doc: 'Exchange used when VENUE=ccxt.',
  }),
  venueApiOrigin: setting({
    env: 'VENUE_API_ORIGIN',
    form: 'an http(s) origin such as https://api.example.com',
    default: '',
    parse: (raw) => (/^https?:\/\/[^/\s]+$/.test(raw) ? raw : undefined),
    doc: 'Overrides the REST origin of the ccxt or Polymarket venue (a proxy, or a loopback fake in tests).',
  }),
  redisUrl: setting({
    env: 'REDIS_URL',
    form: 'redis://host:port[/db]',
    default: '',
    parse: (raw) => (/^rediss?:\/\//.test(raw) ? raw : undefined),
    doc: 'Adds a Redis L2 cache and invalidation bus shared by every instance. Unset: in-process cache only.',
  }),
  cacheMaxEntries: setting({
    env: 'CACHE_MAX_ENTRIES',
    form: 'an integer from 100 to 10000000',
    default: 100_000,
    parse: int(100, 10_000_000),
    doc: 'Most entries in the in-process cache (L1).',
  }),
  cacheMaxMb: setting({
    env: 'CACHE_MAX_MB',
    form: 'an integer from 1 to 65536',
    default: 64,
    parse: int(1, 65_536),
    doc: 'Most memory the in-process cache may hold, in MiB (estimated from entry sizes).',
  }),
  cacheTtlOverrides: setting({
    env: 'CACHE_TTL_OVERRIDES',
    form: 'kind[.ttl|.grace|.soft|.hard]=duration pairs, e.g. price=5s,orderBook.grace=0',
    default: '',
    parse: text,
    doc: 'Overrides the TTL of cache kinds (defaults in the README).',
  }),
  marketDataBatchWindowMs: setting({
    env: 'MARKETDATA_BATCH_WINDOW_MS',
    form: 'an integer from 0 to 1000',
    default: 2,
    parse: int(0, 1000),
    doc: 'How long single-symbol misses are collected into one upstream call.',
  }),
  marketDataMaxQueue: setting({
    env: 'MARKETDATA_MAX_QUEUE',
    form: 'an integer from 1 to 1000000',
    default: 1000,
    parse: int(1, 1_000_000),
    doc: 'Requests that may wait for a venue’s rate limit; beyond it callers get RATE_LIMITED.',
  }),
  priceStream: setting({
    env: 'PRICE_STREAM',
    form: 'auto, on or off',
    default: 'auto' as 'auto' | 'on' | 'off',
    parse: oneOf('auto', 'on', 'off'),
    doc: 'Apply the venue’s live ticks to every open position in the database (TP/SL, trailing stops, PnL). `auto`: the instance holding the fleet lease streams, another takes over within FLEET_LEASE_MS x 1.33 of its death; `on`/`off`: placed by hand.',
  }),
  fleetLeaseMs: setting({
    env: 'FLEET_LEASE_MS',
    form: 'an integer from 1000 to 60000',
    default: 6_000,
    parse: int(1_000, 60_000),
    doc: 'Time-to-live of a fleet lease (the price stream under PRICE_STREAM=auto, the Telegram poller, the `metrics` exporter of database-derived families, the signal `pipeline`); renewed every third of it, so a dead holder’s role moves within about 1.33 x this.',
  }),
  priceStreamDelayMs: setting({
    env: 'PRICE_STREAM_DELAY_MS',
    form: 'an integer from 0 to 60000',
    default: 100,
    parse: int(0, 60_000),
    doc: "How long a market's first unflushed tick waits for the flush that writes it (up to half as long again when a flush has just started); markets due within half of it share the flush, so at most 2000 / this write transactions a second.",
  }),
  priceStreamMaxRate: setting({
    env: 'PRICE_STREAM_MAX_RATE',
    form: 'an integer from 1 to 1000',
    default: 10,
    parse: int(1, 1000),
    doc: 'Most price writes a second per market; faster ticks are coalesced and the last one always lands.',
  }),
  priceIdleRepriceMs: setting({
    env: 'PRICE_IDLE_REPRICE_MS',
    form: 'an integer from 0 to 60000',
    default: 1_000,
    parse: int(0, 60_000),
    doc: 'Positions without TP, SL or trailing stop are repriced (price, PnL, push) once in this interval, each at a turn of its own; armed ones on every flush. 0: every flush.',
  }),
  priceIdleRepriceBudget: setting({
    env: 'PRICE_IDLE_REPRICE_BUDGET',
    form: 'an integer from 0 to 10000000',
    default: 20_000,
    parse: int(0, 10_000_000),
    doc: 'Idle positions (no TP, SL or trailing stop) repriced per second at most; beyond it their interval lengthens in proportion, up to a minute. 0: no limit.',
  }),
  pricePollMs: setting({
    env: 'PRICE_POLL_MS',
    form: 'an integer from 100 to 3600000',
    default: 5_000,
    parse: int(100, 3_600_000),
    doc: 'For venues without a tick stream: how often the prices of markets with open positions are polled (TP/SL, PnL).',
  }),
  ...httpSettings,
  ...tradingSettings,
  ...aiSettings,
  ...jobLimitSettings,
  ...copySettings,
  ...liveSettings,
  ...leaderSourceSettings,
  ...observabilitySettings,
  ...telegramSettings,
  logLevel: setting({
    env: 'LOG_LEVEL',
    form: 'fatal, error, warn, info, debug, trace or silent',
    default: 'info' as 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent',
    parse: oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'),
    doc: 'pino log level.',
  }),
};

export type SettingName = keyof typeof settings;
export type Config = { readonly [K in SettingName]: (typeof settings)[K]['default'] };
