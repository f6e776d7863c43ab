/**
 * Bounded job results: a result larger than JOB_RESULT_MAX_BYTES is stored
 * gzip-compressed in `result_gzip` (and `result` stays null); a result
 * dropped after JOB_RESULT_TTL_DAYS leaves both null and says so in
 * `result_note`. The prune finds old results through a partial index of
 * the rows that still hold one, so rows already pruned cost it nothing.
 */
import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../database.js';

export function jobResultBounds(dialect: Dialect): Migration {
  const blob = dialect === 'sqlite' ? 'blob' : 'bytea';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('jobs').addColumn('result_gzip', blob).execute();
      await db.schema.alterTable('jobs').addColumn('result_note', 'text').execute();
      await db.schema
        .createIndex('jobs_result_finished_idx')
        .on('jobs')
        .column('finished_at')
        .where(sql<boolean>`result is not null or result_gzip is not null`)
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('jobs_result_finished_idx').ifExists().execute();
      await db.schema.alterTable('jobs').dropColumn('result_note').execute();
      await db.schema.alterTable('jobs').dropColumn('result_gzip').execute();
    },
  };
}
