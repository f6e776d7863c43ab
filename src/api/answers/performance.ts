/**
 * Answer schemas of the operator reports under /api/v1/performance: the
 * cache, market data, the live streams and the copy engine (this file), and
 * the database, the process, indexes, the monitor and alerts
 * (`observability.ts`). Each is gathered from several modules and sent as
 * they report it (`reportOf`: documented and checked by the compiler
 * against what the route returns, written by JSON.stringify so that no
 * figure a module adds is dropped unseen; test/api/openapi.test.ts checks
 * real reports have no field these do not name).
 */
import { type TSchema, Type } from '../json-schema.js';

/** A report: documented and typed as `shape`, sent as the route builds it. */
export const reportOf = <T>(shape: TSchema<T>): TSchema<T> => Type.Documented(shape);

/** Percentiles of a bounded window of samples, and how many it holds. */
export const WindowJson = Type.Object({ p50: Type.Number(), p99: Type.Number(), count: Type.Integer() });

const Counts = Type.Record(Type.Integer());

export const CacheKindJson = Type.Object({
  kind: Type.String({ description: 'price, ticker, ohlcv, marketList, aiDecision...' }),
  hits: Type.Integer(),
  misses: Type.Integer(),
  staleServed: Type.Integer(),
  evictions: Type.Integer(),
  errors: Type.Integer(),
  loads: Type.Integer(),
  hitRate: Type.Nullable(Type.Number({ description: 'hits / (hits + misses); null before the first read' })),
  factoryLatencyMs: WindowJson,
});

export const CacheReportJson = reportOf(
  Type.Object({ kinds: Type.Array(CacheKindJson) }, { description: 'Cache figures per kind' }),
);

export const VenueTrafficJson = Type.Object({
  venue: Type.String(),
  requests: Type.Integer(),
  upstreamCalls: Type.Integer(),
  callsSavedPct: Type.Nullable(
    Type.Number({ description: 'requests that needed no upstream call, percent; null before the first' }),
  ),
  staleServed: Type.Integer(),
  errors: Type.Integer(),
  batches: Type.Object({ count: Type.Integer(), avgSize: Type.Number(), maxSize: Type.Integer() }),
  queueWaitMs: WindowJson,
  queued: Type.Integer({ description: 'requests waiting for the rate limit now' }),
});

export const MarketDataReportJson = reportOf(
  Type.Object({ venues: Type.Array(VenueTrafficJson) }, { description: 'Market-data traffic per venue' }),
);

export const StreamsReportJson = reportOf(
  Type.Object(
    {
      priceFeed: Type.Object({
        ticksReceived: Type.Integer(),
        ticksCoalesced: Type.Integer({
          description: 'replaced by a later tick of the market before a write',
        }),
        flushes: Type.Integer(),
        failedFlushes: Type.Integer(),
        rowsUpdated: Type.Integer(),
        pendingKeys: Type.Integer(),
        tickToFlushMs: WindowJson,
        positionsClosed: Type.Integer(),
        ticksDropped: Type.Integer(),
        idleRepriceMs: Type.Number(),
        streamedMarkets: Type.Integer({ description: 'markets this instance streams now' }),
        followsAbandoned: Type.Integer({
          description: 'resubscriptions given up after 10 s without an answer',
        }),
      }),
      positionNotifier: Type.Object({ delivered: Type.Integer(), failed: Type.Integer() }),
      websocket: Type.Object({
        connections: Type.Integer(),
        subscriptions: Type.Integer(),
        published: Type.Integer(),
        sent: Type.Integer(),
        conflated: Type.Integer(),
        slowDisconnects: Type.Integer(),
      }),
    },
    { description: 'Live streams: ticks into positions, the close outbox, WebSocket clients' },
  ),
);

const P50P99 = Type.Object({ p50: Type.Number(), p99: Type.Number() });

export const CopyReportJson = reportOf(
  Type.Object(
    {
      instanceId: Type.Nullable(Type.String({ description: 'the instance running the copy engine' })),
      sources: Type.Array(
        Type.Object({
          source: Type.String(),
          watchers: Type.Integer(),
          watchersHeld: Type.Integer({ description: 'watchers this instance runs' }),
          events: Type.Integer(),
          copies: Type.Integer(),
          skips: Counts,
          failedReads: Type.Integer(),
          detectionLagMs: P50P99,
          decisionLatencyMs: P50P99,
          lastEventAt: Type.Nullable(Type.Integer({ description: 'ms since the epoch' })),
          oldestWatcherAgeMs: Type.Nullable(Type.Number()),
          erroring: Type.Integer(),
        }),
      ),
    },
    { description: 'Copy engine per source: watchers, events, copies, skips, lag, latency' },
  ),
);
