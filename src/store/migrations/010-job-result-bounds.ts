/**
 * Bounded job results: a result larger than JOB_RESULT_MAX_BYTES is stored
 * gzip-compressed in `result_gzip` (and `result` stays null); a result
 * dropped after JOB_RESULT_TTL_DAYS leaves both null and says so in
 * `result_note`. The index on `finished_at` serves that prune (and the
 * last-hour durations of the job metrics).
 */
import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database.js';

export function jobResultBounds(dialect: Dialect): Migration {
  const blob = dialect === 'sqlite' ? 'blob' : 'bytea';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('jobs').addColumn('result_gzip', blob).execute();
      await db.schema.alterTable('jobs').addColumn('result_note', 'text').execute();
      await db.schema.createIndex('jobs_finished_idx').on('jobs').column('finished_at').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('jobs_finished_idx').ifExists().execute();
      await db.schema.alterTable('jobs').dropColumn('result_note').execute();
      await db.schema.alterTable('jobs').dropColumn('result_gzip').execute();
    },
  };
}
