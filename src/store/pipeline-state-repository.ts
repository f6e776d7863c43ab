/**
 * Whether the signal bot should be running, as an admin last set it: one
 * row (migration 014), read by the fleet's pipeline holder to resume the bot
 * after a restart and to follow a start or stop sent to any instance.
 */
import type { Database } from './database.js';

export interface PipelineWanted {
  running: boolean;
  /** The user who last started or stopped it (null: the server, e.g. PIPELINE_AUTOSTART). */
  changedBy: number | null;
  changedAt: number;
}

export class PipelineStateRepository {
  constructor(private readonly db: Database) {}

  /** What was last asked; never asked is "not running". */
  async wanted(): Promise<PipelineWanted> {
    const row = await this.db.kysely
      .selectFrom('pipeline_state')
      .select(['running', 'changed_by', 'changed_at'])
      .where('singleton', '=', 1)
      .executeTakeFirst();
    return row
      ? {
          running: Number(row.running) === 1,
          changedBy: row.changed_by === null ? null : Number(row.changed_by),
          changedAt: Number(row.changed_at),
        }
      : { running: false, changedBy: null, changedAt: 0 };
  }

  async setWanted(running: boolean, changedBy: number | null, now: number): Promise<void> {
    await this.db.kysely
      .insertInto('pipeline_state')
      .values({ singleton: 1, running: running ? 1 : 0, changed_by: changedBy, changed_at: now })
      .onConflict((oc) =>
        oc
          .column('singleton')
          .doUpdateSet({ running: running ? 1 : 0, changed_by: changedBy, changed_at: now }),
      )
      .execute();
  }
}
