/**
 * `traders_source_address_idx` covers only watched follows (`source <>
 * 'manual'`): it serves a leader's follows and the watched list, never a
 * manual trader. Over every trader it misled PostgreSQL's planner when the
 * statistics were stale (a table just filled, before autovacuum analysed
 * it): the grouped toggle of manual traders (trader-toggle-batch.ts) read
 * every manual trader through it, estimated at 2 rows, instead of each
 * toggled one by its key (1,000 traders: 0.55 ms a group instead of 0.08).
 * Partial, the index cannot match `source = 'manual'` at all, and it no
 * longer holds the manual traders.
 */
import { type Kysely, type Migration, sql } from 'kysely';

export const leaderFollowsIndex: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`drop index traders_source_address_idx`.execute(db);
    await db.schema
      .createIndex('traders_source_address_idx')
      .on('traders')
      .columns(['source', 'address'])
      .where(sql.ref('source'), '<>', 'manual')
      .execute();
  },
};
