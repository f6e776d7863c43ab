/**
 * The pipeline's model stages (src/pipeline/ai): a call log with one row per
 * model call or skipped call (stage, model, prompt hash, tokens, latency,
 * cost estimate, outcome, and the validated answer so a backtest can replay
 * it), plus who decided each decision and why a model was not followed, and
 * the analyst's answer beside each signal. Budgets count the log's rows of
 * the last hour and day; answers are found again by prompt hash.
 */
import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database.js';
import { autoId, columnTypes } from './column-types.js';

export function modelCalls(dialect: Dialect): Migration {
  const t = columnTypes(dialect);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('pipeline_model_calls')
        .addColumn('id', t.id, autoId(dialect))
        .addColumn('run_id', t.ref, (c) => c.references('pipeline_runs.id').onDelete('set null'))
        .addColumn('stage', 'text', (c) => c.notNull())
        .addColumn('symbol', 'text', (c) => c.notNull())
        .addColumn('bar_ts', t.time, (c) => c.notNull())
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('template_version', 'text', (c) => c.notNull())
        .addColumn('prompt_hash', 'text', (c) => c.notNull())
        .addColumn('tokens_in', 'integer', (c) => c.notNull())
        .addColumn('tokens_out', 'integer', (c) => c.notNull())
        .addColumn('latency_ms', t.float, (c) => c.notNull())
        .addColumn('cost', t.amount)
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('detail', 'text')
        .addColumn('answer', 'text')
        .addColumn('created_at', t.time, (c) => c.notNull())
        .execute();
      // Newest first (the API's list and its cursor), and the budget windows.
      await db.schema
        .createIndex('pipeline_model_calls_created_idx')
        .on('pipeline_model_calls')
        .columns(['created_at desc', 'id desc'])
        .execute();
      // An answer found again by its exact prompt (cache below the cache; backtest replay).
      await db.schema
        .createIndex('pipeline_model_calls_prompt_idx')
        .on('pipeline_model_calls')
        .columns(['prompt_hash', 'outcome'])
        .execute();
      // The calls behind one decision or signal.
      await db.schema
        .createIndex('pipeline_model_calls_bar_idx')
        .on('pipeline_model_calls')
        .columns(['symbol', 'bar_ts'])
        .execute();
      await db.schema
        .alterTable('pipeline_decisions')
        .addColumn('decided_by', 'text', (c) => c.notNull().defaultTo('rules'))
        .execute();
      await db.schema.alterTable('pipeline_decisions').addColumn('model_note', 'text').execute();
      await db.schema.alterTable('pipeline_signals').addColumn('model_analysis', 'text').execute();
      await db.schema.alterTable('pipeline_signals').addColumn('model_note', 'text').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('pipeline_signals').dropColumn('model_note').execute();
      await db.schema.alterTable('pipeline_signals').dropColumn('model_analysis').execute();
      await db.schema.alterTable('pipeline_decisions').dropColumn('model_note').execute();
      await db.schema.alterTable('pipeline_decisions').dropColumn('decided_by').execute();
      await db.schema.dropTable('pipeline_model_calls').ifExists().execute();
    },
  };
}
