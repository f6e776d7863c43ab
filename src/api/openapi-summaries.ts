/**
 * One line per route for the OpenAPI document and the /docs page, keyed by
 * `METHOD /url` as Fastify registers it. test/api/openapi.test.ts fails when
 * a documented route has no summary, so a new route must add its line here.
 */
export const ROUTE_SUMMARIES: Readonly<Record<string, string>> = {
  'GET /healthz': 'Liveness: the process answers',
  'GET /readyz': 'Readiness: the database is reachable and migrated',
  'GET /metrics': 'Prometheus metrics (text exposition format)',
  'GET /api/v1/stream': 'WebSocket stream of price, position and order updates (send an upgrade request)',
  'POST /api/v1/traders': 'Follow a trader',
  'GET /api/v1/traders': 'List followed traders',
  'GET /api/v1/traders/performance': 'Per-trader performance (fills, PnL, volume, fees)',
  'GET /api/v1/traders/:id': 'Get a followed trader',
  'PATCH /api/v1/traders/:id':
    'Change a trader (name, enabled, allocation, follow options); If-Match for versions',
  'POST /api/v1/traders/batch': 'Change many traders in one transaction',
  'DELETE /api/v1/traders/:id': 'Unfollow a trader',
  'GET /api/v1/traders/:id/copies':
    "A followed trader's copy decisions (copied or skipped with a reason), newest first",
  'GET /api/v1/copies': "All of the user's copy decisions, newest first",
  'GET /api/v1/copies/watchers':
    'How each followed trader is watched: last leader trade, when its source last answered, lag, stalled',
  'GET /api/v1/leaders':
    'Discover leaders of a source, ranked by PnL, win rate, volume or trades (cached 1 h)',
  'GET /api/v1/leaders/:source/:address/trades': "A leader's trades as its source reports them",
  'GET /api/v1/paper-account': "The user's paper account on this venue",
  'POST /api/v1/paper-account/reset': 'Reset the paper account to its initial (or a given) balance',
  'GET /api/v1/performance/copy': 'Copy engine per source: watchers, events, copies, skips, lag and latency',
  'GET /api/v1/overview':
    "The dashboard's Home in one answer: equity, PnL windows, daily profit, open positions, last copies, the bot, alerts",
  'GET /api/v1/overview/markets':
    'Profit per market: closed positions, wins, win rate, realised PnL (exact), orders and their fees',
  'GET /api/v1/pipeline/runs':
    "The signal bot's last runs (default 10, at most 100) with their stage timings, newest first",
  'POST /api/v1/orders': 'Record an order',
  'POST /api/v1/orders/bulk': 'Import up to 10,000 orders in one transaction',
  'GET /api/v1/orders': 'List orders, filtered by status and pair',
  'GET /api/v1/orders/:id': 'Get an order',
  'GET /api/v1/stats/daily-volume': 'Traded volume per day',
  'POST /api/v1/positions': 'Open a position at the market price',
  'GET /api/v1/positions': 'List positions with their markets',
  'GET /api/v1/positions/:id': 'Get a position',
  'PATCH /api/v1/positions/:id': 'Set or clear take-profit / stop-loss',
  'POST /api/v1/positions/:id/close': 'Close a position at the market price',
  'POST /api/v1/telegram/link-code': 'Create a code that links a Telegram chat to this user',
  'DELETE /api/v1/telegram/links/:chatId': 'Unlink a Telegram chat',
  'GET /api/v1/strategies': 'Strategies and their parameters, for backtests',
  'POST /api/v1/backtests': 'Submit a backtest job',
  'POST /api/v1/montecarlo': 'Submit a Monte Carlo job',
  'GET /api/v1/jobs/:id': 'Get a job, its progress and result',
  'GET /api/v1/jobs': 'List jobs',
  'DELETE /api/v1/jobs/:id': 'Cancel a job',
  'GET /api/v1/performance/database': 'Database report: query families, slow queries, sizes (admin)',
  'GET /api/v1/performance/system': 'Process and machine report: memory, CPU, event-loop lag, disk (admin)',
  'GET /api/v1/performance/indexes': 'Index usage (admin)',
  'GET /api/v1/performance/monitor': 'Performance monitor samples since a time',
  'GET /api/v1/performance/alerts': 'Active performance alerts',
  'GET /api/v1/performance/cache': 'Cache metrics per kind',
  'GET /api/v1/performance/streams': 'Price feed, close notifier and WebSocket statistics',
  'GET /api/v1/performance/marketdata': 'Market-data traffic per venue',
  'POST /api/v1/performance/cache/invalidate': 'Invalidate cache tags or keys (admin)',
  'GET /api/v1/pipeline/status': 'Signal pipeline status',
  'POST /api/v1/pipeline/start': 'Start the signal pipeline (admin)',
  'POST /api/v1/pipeline/stop': 'Stop the signal pipeline (admin)',
  'GET /api/v1/pipeline/decisions': 'List pipeline decisions',
  'GET /api/v1/pipeline/model-calls': 'List the pipeline model call log',
  'GET /api/v1/prices': 'Latest prices for symbols',
  'GET /api/v1/ohlcv/:symbol': 'Candles for a symbol',
  'GET /api/v1/markets': 'List markets',
  'GET /api/v1/markets/:id': 'Get a market',
  'POST /api/v1/markets/batch': 'Get many markets by id',
};
