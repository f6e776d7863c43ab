/**
 * Settings of the research jobs (executors, limits, the BullMQ queue) and of the
 * signal pipeline (schedule, strategy, risk, paper account, exchange keys).
 */
import { int, num, oneOf, setting, text } from './setting.js';

export const tradingSettings = {
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
  jobSubmitTimeoutMs: setting({
    env: 'JOB_SUBMIT_TIMEOUT_MS',
    form: 'an integer from 50 to 60000',
    default: 2000,
    parse: int(50, 60_000),
    doc: 'Longest a job submit waits for the queue (Redis with BullMQ); then it answers 503 DEPENDENCY_UNAVAILABLE with Retry-After and leaves no job behind.',
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
  // Signal pipeline (src/pipeline): scout -> analysis -> decision -> execution.
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
    doc: 'Candles the pipeline scores, analyses and trades on; each closed candle is seen in the first run after it closes (cached candles read before a bar closed are not fresh, whatever the `ohlcv` TTL). A timeframe the venue lacks does not stop the server: the pipeline uses the venue’s closest one and its status says so.',
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
    doc: 'Start the pipeline loop when the server starts (otherwise an admin starts it with POST /api/v1/pipeline/start; a started pipeline resumes after a restart either way).',
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
};
