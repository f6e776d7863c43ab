/**
 * Research jobs: one row per backtest or Monte Carlo run, written when the job
 * is accepted and updated as it runs. Every state change is a conditional
 * update on the current status, so a cancel, a timeout and a finishing worker
 * racing on one job leave exactly one outcome.
 */
import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database.js';
import { autoId, columnTypes } from './column-types.js';

export function jobs(dialect: Dialect): Migration {
  const t = columnTypes(dialect);
  const id = autoId(dialect);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('jobs')
        .addColumn('id', t.id, id)
        .addColumn('user_id', t.ref, (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('priority', 'integer', (c) => c.notNull())
        .addColumn('params', 'text', (c) => c.notNull())
        .addColumn('progress', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('result', 'text')
        .addColumn('error_code', 'text')
        .addColumn('error_message', 'text')
        .addColumn('timeout_ms', 'integer', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('submitted_at', t.time, (c) => c.notNull())
        .addColumn('started_at', t.time)
        .addColumn('finished_at', t.time)
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .execute();
      // A user's jobs newest first, optionally by status: the list and its cursor.
      await db.schema.createIndex('jobs_user_idx').on('jobs').columns(['user_id', 'id desc']).execute();
      await db.schema
        .createIndex('jobs_user_status_idx')
        .on('jobs')
        .columns(['user_id', 'status', 'id desc'])
        .execute();
      // Queued and running jobs at start-up (embedded executor recovery).
      await db.schema
        .createIndex('jobs_status_idx')
        .on('jobs')
        .columns(['status', 'priority', 'id'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('jobs').ifExists().execute();
    },
  };
}
