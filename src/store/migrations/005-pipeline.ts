/**
 * The signal pipeline's record: one row per run (status, per-stage timings,
 * the error that stopped a stage), the candidates the scout ranked with
 * their indicators (signals), every decision with its reasons, and the
 * orders the execution stage placed on paper or on the exchange with their
 * fills. Lists are read newest first by (created_at, id) keyset cursors.
 */
import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database.js';
import { autoId, columnTypes } from './column-types.js';

export function pipeline(dialect: Dialect): Migration {
  const t = columnTypes(dialect);
  const id = autoId(dialect);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('pipeline_runs')
        .addColumn('id', t.id, id)
        .addColumn('mode', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('started_at', t.time, (c) => c.notNull())
        .addColumn('finished_at', t.time)
        .addColumn('scout_ms', t.float)
        .addColumn('analysis_ms', t.float)
        .addColumn('decision_ms', t.float)
        .addColumn('execution_ms', t.float)
        .addColumn('candidates', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('decisions', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('orders', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('error_stage', 'text')
        .addColumn('error', 'text')
        .execute();

      await db.schema
        .createTable('pipeline_signals')
        .addColumn('id', t.id, id)
        .addColumn('run_id', t.ref, (c) => c.notNull().references('pipeline_runs.id').onDelete('cascade'))
        .addColumn('symbol', 'text', (c) => c.notNull())
        .addColumn('rank', 'integer', (c) => c.notNull())
        .addColumn('score', t.float, (c) => c.notNull())
        .addColumn('price', t.amount, (c) => c.notNull())
        .addColumn('volume', t.float, (c) => c.notNull())
        .addColumn('volatility', t.float, (c) => c.notNull())
        .addColumn('momentum', t.float, (c) => c.notNull())
        .addColumn('indicators', 'text', (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .execute();
      // The candidates of one run, in rank order.
      await db.schema
        .createIndex('pipeline_signals_run_idx')
        .on('pipeline_signals')
        .columns(['run_id', 'rank'])
        .execute();

      await db.schema
        .createTable('pipeline_decisions')
        .addColumn('id', t.id, id)
        .addColumn('run_id', t.ref, (c) => c.notNull().references('pipeline_runs.id').onDelete('cascade'))
        .addColumn('mode', 'text', (c) => c.notNull())
        .addColumn('symbol', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('blocked_by', 'text')
        .addColumn('qty', t.amount, (c) => c.notNull())
        .addColumn('price', t.amount, (c) => c.notNull())
        .addColumn('bar_ts', t.time, (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .execute();
      // The last decisions, newest first (the API's list and its cursor).
      await db.schema
        .createIndex('pipeline_decisions_created_idx')
        .on('pipeline_decisions')
        .columns(['created_at desc', 'id desc'])
        .execute();

      await db.schema
        .createTable('pipeline_orders')
        .addColumn('id', t.id, id)
        .addColumn('run_id', t.ref, (c) => c.notNull().references('pipeline_runs.id').onDelete('cascade'))
        .addColumn('decision_id', t.ref, (c) => c.references('pipeline_decisions.id').onDelete('set null'))
        .addColumn('mode', 'text', (c) => c.notNull())
        .addColumn('symbol', 'text', (c) => c.notNull())
        .addColumn('side', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('quantity', t.amount, (c) => c.notNull())
        .addColumn('limit_price', t.amount)
        .addColumn('filled_quantity', t.amount, (c) => c.notNull())
        .addColumn('average_price', t.amount)
        .addColumn('fee', t.amount, (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('exchange_order_id', 'text')
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .execute();
      // Orders newest first, and the open ones the execution stage still works.
      await db.schema
        .createIndex('pipeline_orders_created_idx')
        .on('pipeline_orders')
        .columns(['created_at desc', 'id desc'])
        .execute();
      await db.schema
        .createIndex('pipeline_orders_status_idx')
        .on('pipeline_orders')
        .columns(['status', 'id'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('pipeline_orders').ifExists().execute();
      await db.schema.dropTable('pipeline_decisions').ifExists().execute();
      await db.schema.dropTable('pipeline_signals').ifExists().execute();
      await db.schema.dropTable('pipeline_runs').ifExists().execute();
    },
  };
}
