/**
 * Answer schemas of the observability reports under /api/v1/performance:
 * the database (admins), the process and host (admins), index usage
 * (admins), the monitor's samples and the alerts firing. Sent as built
 * (`reportOf`, see `performance.ts`).
 */
import { Type } from '../json-schema.js';
import { maintenanceFields } from './job-results.js';
import { reportOf } from './performance.js';

const Iso = Type.String({ description: 'ISO-8601' });
const NullableInteger = Type.Nullable(Type.Integer());

/** Connections: the pg pool's counters, or SQLite's writer/reader pair and its group commits. */
export const PoolJson = Type.Union([
  Type.Object({
    dialect: Type.Literal('postgres'),
    max: Type.Optional(NullableInteger),
    total: Type.Optional(Type.Integer()),
    idle: Type.Optional(Type.Integer()),
    waiting: Type.Optional(Type.Integer()),
  }),
  Type.Object({
    dialect: Type.Literal('sqlite'),
    connections: Type.Object({ writer: Type.Integer(), reader: Type.Integer() }),
    groupCommit: Type.Nullable(
      Type.Object({ batches: Type.Integer(), writes: Type.Integer(), largest: Type.Integer() }),
    ),
  }),
]);

export const DatabaseReportJson = reportOf(
  Type.Object(
    {
      dialect: Type.String(),
      pool: PoolJson,
      slowQueryThresholdMs: Type.Number(),
      slowQueries: Type.Array(
        Type.Object({
          sql: Type.String(),
          family: Type.String(),
          parameterCount: Type.Integer(),
          count: Type.Integer(),
          maxMs: Type.Number(),
          lastMs: Type.Number(),
          lastAt: Iso,
          plan: Type.Optional(Type.Array(Type.String(), { description: 'or why it could not be read' })),
        }),
      ),
      families: Type.Array(
        Type.Object({
          family: Type.String(),
          count: Type.Integer(),
          totalMs: Type.Number(),
          p50Ms: Type.Number(),
          p99Ms: Type.Number(),
        }),
      ),
      tableSizes: Type.Object({
        source: Type.String({ description: 'how the sizes were read' }),
        tables: Type.Array(Type.Object({ table: Type.String(), bytes: Type.Number() })),
      }),
      maintenance: Type.Array(Type.Object({ ...maintenanceFields, startedAt: Iso })),
    },
    { description: 'Database: pool, slow statements with plans, table sizes, maintenance' },
  ),
);

export const SystemReportJson = reportOf(
  Type.Object(
    {
      uptimeSeconds: Type.Integer(),
      cpu: Type.Object({
        percent: Type.Number({ description: 'of one core since the previous report' }),
        userSeconds: Type.Number(),
        systemSeconds: Type.Number(),
        cores: Type.Integer(),
        loadAverage: Type.Array(Type.Number()),
      }),
      memory: Type.Object({
        rssBytes: Type.Integer(),
        heapUsedBytes: Type.Integer(),
        heapTotalBytes: Type.Integer(),
        externalBytes: Type.Integer(),
        systemFreeBytes: Type.Integer(),
        systemTotalBytes: Type.Integer(),
      }),
      disk: Type.Nullable(
        Type.Object({ path: Type.String(), freeBytes: Type.Number(), totalBytes: Type.Number() }),
      ),
      eventLoopLagMs: Type.Object({
        p50Ms: Type.Number(),
        p99Ms: Type.Number(),
        maxMs: Type.Number(),
        samples: Type.Integer(),
      }),
    },
    { description: 'Process and host: memory, event loop, CPU, disk' },
  ),
);

export const IndexReportJson = reportOf(
  Type.Object(
    {
      dialect: Type.String(),
      usageCounts: Type.Boolean({ description: 'whether the database counts index scans' }),
      note: Type.Optional(Type.String()),
      indexes: Type.Array(
        Type.Object({
          name: Type.String(),
          table: Type.String(),
          scans: Type.Nullable(Type.Number()),
          bytes: Type.Nullable(Type.Number()),
        }),
      ),
    },
    { description: 'Index usage per table' },
  ),
);

export const MonitorReportJson = reportOf(
  Type.Object(
    {
      intervalMs: Type.Integer(),
      capacity: Type.Integer({ description: 'samples kept' }),
      samples: Type.Array(
        Type.Object({
          at: Iso,
          requests: Type.Integer(),
          p50Ms: Type.Number(),
          p99Ms: Type.Number(),
          eventLoopLagP99Ms: Type.Number(),
          rssBytes: Type.Integer(),
          cacheHitRate: Type.Nullable(Type.Number()),
          queueBacklog: NullableInteger,
        }),
      ),
    },
    { description: 'Monitor samples since a time' },
  ),
);

export const AlertJson = Type.Object({
  id: Type.String(),
  metric: Type.Enum([
    'cache_hit_rate',
    'route_p99_ms',
    'event_loop_lag_p99_ms',
    'job_queue_backlog',
    'copy_watcher_stalled',
  ]),
  labels: Type.Record(Type.String()),
  value: Type.Number(),
  threshold: Type.Number(),
  breach: Type.Enum(['below', 'above'], { description: '`below` a floor (hit rate), `above` a ceiling' }),
  since: Iso,
  message: Type.String(),
});

export const AlertsReportJson = reportOf(
  Type.Object({ alerts: Type.Array(AlertJson) }, { description: 'Alerts firing now' }),
);
