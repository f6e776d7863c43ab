/**
 * Every setting tradeloop reads, with its default and the form it expects.
 * Defaults live here and only here; the README's configuration table mirrors it.
 */

export interface Setting<T> {
  /** Environment variable name. */
  env: string;
  /** Human description of the expected form, used in error messages. */
  form: string;
  default: T;
  parse(raw: string): T | undefined;
  doc: string;
}

const int =
  (min: number, max: number) =>
  (raw: string): number | undefined => {
    if (!/^\d+$/.test(raw)) return undefined;
    const n = Number(raw);
    return n >= min && n <= max ? n : undefined;
  };

const oneOf =
  <T extends string>(...values: T[]) =>
  (raw: string): T | undefined =>
    (values as string[]).includes(raw.toLowerCase()) ? (raw.toLowerCase() as T) : undefined;

const text = (raw: string): string | undefined => (raw.length > 0 ? raw : undefined);

/** A decimal number (not exponent notation) from `min` to `max`. */
const num =
  (min: number, max: number) =>
  (raw: string): number | undefined => {
    if (!/^\d+(\.\d+)?$/.test(raw)) return undefined;
    const n = Number(raw);
    return n >= min && n <= max ? n : undefined;
  };

function setting<T>(s: Setting<T>): Setting<T> {
  return s;
}

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
  databaseUrl: setting({
    env: 'DATABASE_URL',
    form: 'sqlite:<path> or postgres://user@host:port/db',
    default: '',
    parse: (raw) => (/^(sqlite:|postgres(ql)?:\/\/)/.test(raw) ? raw : undefined),
    doc: 'Selects the database. Default `sqlite:<DATA_DIR>/tradeloop.db`.',
  }),
  databasePoolSize: setting({
    env: 'DATABASE_POOL_SIZE',
    form: 'an integer from 1 to 200',
    default: 10,
    parse: int(1, 200),
    doc: 'PostgreSQL connection pool size (SQLite always uses one writer and one reader connection).',
  }),
  sqliteSynchronous: setting({
    env: 'SQLITE_SYNCHRONOUS',
    form: 'normal or full',
    default: 'normal' as 'normal' | 'full',
    parse: oneOf('normal', 'full'),
    doc: 'NORMAL survives a process crash (kill -9); FULL also survives power loss, at a cost per commit.',
  }),
  sqliteCacheMb: setting({
    env: 'SQLITE_CACHE_MB',
    form: 'an integer from 1 to 4096',
    default: 16,
    parse: int(1, 4096),
    doc: 'SQLite page cache per connection, in MiB.',
  }),
  sqliteMmapMb: setting({
    env: 'SQLITE_MMAP_MB',
    form: 'an integer from 0 to 65536',
    default: 64,
    parse: int(0, 65536),
    doc: 'SQLite memory-mapped I/O size, in MiB (0 disables).',
  }),
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
    form: 'on or off',
    default: 'on' as 'on' | 'off',
    parse: oneOf('on', 'off'),
    doc: 'Apply the venue’s live ticks to open positions (TP/SL, PnL). In a fleet, turn it on in one or two instances only.',
  }),
  priceStreamDelayMs: setting({
    env: 'PRICE_STREAM_DELAY_MS',
    form: 'an integer from 0 to 60000',
    default: 100,
    parse: int(0, 60_000),
    doc: 'Longest a tick waits before the flush that writes it: at most 1000 / this write transactions a second.',
  }),
  priceStreamMaxRate: setting({
    env: 'PRICE_STREAM_MAX_RATE',
    form: 'an integer from 1 to 1000',
    default: 10,
    parse: int(1, 1000),
    doc: 'Most price writes a second per market; faster ticks are coalesced and the last one always lands.',
  }),
  pricePollMs: setting({
    env: 'PRICE_POLL_MS',
    form: 'an integer from 100 to 3600000',
    default: 5_000,
    parse: int(100, 3_600_000),
    doc: 'For venues without a tick stream: how often the prices of markets with open positions are polled (TP/SL, PnL).',
  }),
  telegramBotToken: setting({
    env: 'TELEGRAM_BOT_TOKEN',
    form: 'a bot token from @BotFather',
    default: '',
    parse: text,
    doc: 'Starts the Telegram bot (long polling) when set.',
  }),
  telegramApiRoot: setting({
    env: 'TELEGRAM_API_ROOT',
    form: 'an http(s) URL',
    default: 'https://api.telegram.org',
    parse: (raw: string) => (/^https?:\/\/[^\s]+$/.test(raw) ? raw.replace(/\/+$/, '') : undefined),
    doc: 'Bot API server the bot talks to (a self-hosted Bot API server, or a loopback one in tests).',
  }),
  maxConcurrentJobs: setting({
    env: 'MAX_CONCURRENT_JOBS',
    form: 'an integer from 0 to 256 (0 = one per CPU)',
    default: 0,
    parse: int(0, 256),
    doc: 'Research jobs (backtests, Monte Carlo) run at once per process, each in a worker thread; 0 = one per CPU (at least 1).',
  }),
  jobTimeoutMs: setting({
    env: 'JOB_TIMEOUT_MS',
    form: 'an integer from 1000 to 86400000',
    default: 600_000,
    parse: int(1000, 86_400_000),
    doc: 'Longest a job may run (a request may ask for less); then it is stopped and marked timed_out.',
  }),
  jobExecutor: setting({
    env: 'JOB_EXECUTOR',
    form: 'auto, embedded or bullmq',
    default: 'auto' as 'auto' | 'embedded' | 'bullmq',
    parse: oneOf('auto', 'embedded', 'bullmq'),
    doc: 'Where jobs queue: `embedded` (worker threads in this process), `bullmq` (Redis queue shared with `tradeloop worker` processes); `auto` = bullmq when REDIS_URL is set.',
  }),
  jobApiWorker: setting({
    env: 'JOB_API_WORKER',
    form: 'on or off',
    default: 'on' as 'on' | 'off',
    parse: oneOf('on', 'off'),
    doc: 'With BullMQ: the API process also runs jobs (on), or only queues them for `tradeloop worker` processes (off).',
  }),
  jobStallMs: setting({
    env: 'JOB_STALL_MS',
    form: 'an integer from 500 to 600000',
    default: 30_000,
    parse: int(500, 600_000),
    doc: 'With BullMQ: a job whose worker stopped renewing its lock this long is retried once on another worker, then failed.',
  }),
  jobQueuePrefix: setting({
    env: 'JOB_QUEUE_PREFIX',
    form: 'letters, digits, - _ . : (1 to 64)',
    default: 'tradeloop',
    parse: (raw) => (/^[\w.:-]{1,64}$/.test(raw) ? raw : undefined),
    doc: 'With BullMQ: Redis key prefix of the job queue; API and workers of one deployment share it.',
  }),
  // Signal pipeline (src/signals): scout -> analysis -> decision -> execution.
  pipelineIntervalMs: setting({
    env: 'PIPELINE_INTERVAL_MS',
    form: 'an integer from 1000 to 86400000',
    default: 60_000,
    parse: int(1000, 86_400_000),
    doc: 'Time between the starts of two pipeline runs (one run at a time; a slow run delays the next).',
  }),
  pipelineTimeframe: setting({
    env: 'PIPELINE_TIMEFRAME',
    form: 'a fixed-length timeframe such as 15m, 1h, 4h or 1d',
    default: '1h',
    parse: (raw) => (/^[1-9]\d{0,3}[mhdw]$/.test(raw) ? raw : undefined),
    doc: 'Candles the pipeline scores, analyses and trades on; new candles are seen at most one `ohlcv` cache TTL after they close.',
  }),
  pipelineStrategy: setting({
    env: 'PIPELINE_STRATEGY',
    form: 'a strategy id listed at GET /api/v1/strategies (sma-cross, rsi-reversion, breakout)',
    default: 'sma-cross',
    parse: (raw) => (/^[a-z][a-z0-9-]{0,63}$/.test(raw) ? raw : undefined),
    doc: 'Strategy the pipeline trades with: the same code a backtest runs.',
  }),
  pipelineStrategyParams: setting({
    env: 'PIPELINE_STRATEGY_PARAMS',
    form: 'a JSON object such as {"fast":10,"slow":50}',
    default: '{}',
    parse: (raw) => {
      try {
        const v: unknown = JSON.parse(raw);
        return typeof v === 'object' && v !== null && !Array.isArray(v) ? raw : undefined;
      } catch {
        return undefined;
      }
    },
    doc: 'Parameters of PIPELINE_STRATEGY; checked against the strategy when the pipeline is built.',
  }),
  pipelineTopN: setting({
    env: 'PIPELINE_TOP_N',
    form: 'an integer from 1 to 100',
    default: 10,
    parse: int(1, 100),
    doc: 'Candidates the scout keeps per run (best score first).',
  }),
  pipelineSymbols: setting({
    env: 'PIPELINE_SYMBOLS',
    form: 'a comma-separated list of symbols such as BTC/USDT,ETH/USDT',
    default: '',
    parse: (raw) => (/^[A-Za-z0-9._:/-]+(,[A-Za-z0-9._:/-]+)*$/.test(raw) ? raw : undefined),
    doc: 'Restricts the scout to these symbols; empty scans every active spot market.',
  }),
  pipelineScanLimit: setting({
    env: 'PIPELINE_SCAN_LIMIT',
    form: 'an integer from 1 to 5000',
    default: 300,
    parse: int(1, 5000),
    doc: 'Most symbols the scout reads candles for per run (the rest of the listing is priced but not scored).',
  }),
  pipelineLookbackBars: setting({
    env: 'PIPELINE_LOOKBACK_BARS',
    form: 'an integer from 30 to 1000',
    default: 200,
    parse: int(30, 1000),
    doc: 'Candles read per symbol for scoring and analysis.',
  }),
  pipelineWarmupBars: setting({
    env: 'PIPELINE_WARMUP_BARS',
    form: 'an integer from 0 to 1000',
    default: 200,
    parse: int(0, 1000),
    doc: 'History a new candidate’s strategy is warmed on (indicators only, no orders) before it trades; 0 trades from the first new candle.',
  }),
  pipelineInitialCapital: setting({
    env: 'PIPELINE_INITIAL_CAPITAL',
    form: 'a number from 1 to 1000000000000',
    default: 10_000,
    parse: num(1, 1e12),
    doc: 'Cash of the paper account (paper mode).',
  }),
  pipelineFeeRate: setting({
    env: 'PIPELINE_FEE_RATE',
    form: 'a number from 0 to 0.1',
    default: 0.001,
    parse: num(0, 0.1),
    doc: 'Paper fee per fill as a fraction of notional.',
  }),
  pipelineSlippageBps: setting({
    env: 'PIPELINE_SLIPPAGE_BPS',
    form: 'an integer from 0 to 1000',
    default: 5,
    parse: int(0, 1000),
    doc: 'Paper price impact of market and stop fills, in basis points.',
  }),
  pipelinePositionFraction: setting({
    env: 'PIPELINE_POSITION_FRACTION',
    form: 'a number from 0.0001 to 1',
    default: 0.1,
    parse: num(0.0001, 1),
    doc: 'Share of equity per entry when PIPELINE_RISK_PER_TRADE is 0.',
  }),
  pipelineRiskPerTrade: setting({
    env: 'PIPELINE_RISK_PER_TRADE',
    form: 'a number from 0 to 0.5',
    default: 0.01,
    parse: num(0, 0.5),
    doc: 'Share of equity risked per entry: size = equity x this / (2 x ATR(14)) or / the strategy’s stop distance; 0 sizes by PIPELINE_POSITION_FRACTION.',
  }),
  pipelineMaxOpenPositions: setting({
    env: 'PIPELINE_MAX_OPEN_POSITIONS',
    form: 'an integer from 1 to 1000',
    default: 5,
    parse: int(1, 1000),
    doc: 'Most positions held or being entered at once; further entries are skipped with this reason.',
  }),
  pipelineMaxSymbolExposure: setting({
    env: 'PIPELINE_MAX_SYMBOL_EXPOSURE',
    form: 'a number from 0.0001 to 1',
    default: 0.2,
    parse: num(0.0001, 1),
    doc: 'Most of the equity one symbol may hold; entries are cut down to it.',
  }),
  pipelineDailyLossLimit: setting({
    env: 'PIPELINE_DAILY_LOSS_LIMIT',
    form: 'a number from 0 to 1',
    default: 0.03,
    parse: num(0, 1),
    doc: 'Loss from the UTC day’s opening equity that stops new entries until the next day; 0 = off. Exits are never blocked.',
  }),
  pipelineAutostart: setting({
    env: 'PIPELINE_AUTOSTART',
    form: 'on or off',
    default: 'off' as 'on' | 'off',
    parse: oneOf('on', 'off'),
    doc: 'Start the pipeline loop when the server starts (otherwise an admin starts it with POST /api/v1/pipeline/start).',
  }),
  exchangeApiKey: setting({
    env: 'EXCHANGE_API_KEY',
    form: 'the API key of the CCXT_EXCHANGE account',
    default: '',
    parse: text,
    doc: 'With EXCHANGE_API_SECRET and VENUE=ccxt, the pipeline trades live on CCXT_EXCHANGE; unset, it trades on paper (simulation mode).',
  }),
  exchangeApiSecret: setting({
    env: 'EXCHANGE_API_SECRET',
    form: 'the API secret of the CCXT_EXCHANGE account',
    default: '',
    parse: text,
    doc: 'Secret of EXCHANGE_API_KEY. Never logged nor returned by the API.',
  }),
  queryTiming: setting({
    env: 'QUERY_TIMING',
    form: 'on or off',
    default: 'on' as 'on' | 'off',
    parse: oneOf('on', 'off'),
    doc: 'Time every SQL statement per query family (for /metrics and /api/v1/performance/database).',
  }),
  slowQueryMs: setting({
    env: 'SLOW_QUERY_MS',
    form: 'an integer from 0 to 600000',
    default: 10,
    parse: int(0, 600_000),
    doc: 'Statements at least this slow are kept (SQL, parameter count, plan on request) in the slow-query list.',
  }),
  maintenanceIntervalMs: setting({
    env: 'MAINTENANCE_INTERVAL_MS',
    form: 'an integer from 0 to 604800000',
    default: 6 * 3_600_000,
    parse: int(0, 604_800_000),
    doc: 'How often database maintenance runs (SQLite ANALYZE / PRAGMA optimize / incremental vacuum, PostgreSQL ANALYZE); 0 = never.',
  }),
  alertCacheHitRate: setting({
    env: 'ALERT_CACHE_HIT_RATE',
    form: 'a number from 0 to 1',
    default: 0.5,
    parse: num(0, 1),
    doc: 'Alert when a cache kind’s hit rate falls under this share (over at least ALERT_CACHE_MIN_REQUESTS reads).',
  }),
  alertCacheMinRequests: setting({
    env: 'ALERT_CACHE_MIN_REQUESTS',
    form: 'an integer from 1 to 1000000000',
    default: 100,
    parse: int(1, 1_000_000_000),
    doc: 'Reads a cache kind needs before its hit rate is judged.',
  }),
  alertRouteP99Ms: setting({
    env: 'ALERT_ROUTE_P99_MS',
    form: 'an integer from 0 to 600000',
    default: 500,
    parse: int(0, 600_000),
    doc: 'Alert when a route’s p99 latency (over its recent requests) is above this budget.',
  }),
  alertEventLoopLagMs: setting({
    env: 'ALERT_EVENT_LOOP_LAG_MS',
    form: 'an integer from 0 to 600000',
    default: 200,
    parse: int(0, 600_000),
    doc: 'Alert when the event-loop lag p99 is above this.',
  }),
  alertJobBacklog: setting({
    env: 'ALERT_JOB_BACKLOG',
    form: 'an integer from 0 to 1000000000',
    default: 1000,
    parse: int(0, 1_000_000_000),
    doc: 'Alert when more jobs than this wait in the queue.',
  }),
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
