/**
 * Fleet leases in the database: one row per role. Taking or renewing is one
 * guarded upsert — it writes only when the row is free, expired or already
 * ours — so two instances racing for an expired lease cannot both win: the
 * database serialises the upserts and the second finds the first's fresh
 * `until`.
 */
import { sql } from 'kysely';
import type { Database } from './database.js';
import { compile } from './prepared.js';

export interface LeaseHolder {
  owner: string;
  until: number;
  acquiredAt: number;
}

export class LeaseRepository {
  constructor(private readonly db: Database) {}

  /** Takes or renews `name` for `owner` until `until`; true when `owner` holds it now. */
  async acquire(name: string, owner: string, now: number, until: number): Promise<boolean> {
    const q = this.db.kysely
      .insertInto('fleet_leases')
      .values({ name, owner, until, acquired_at: now })
      .onConflict((oc) =>
        oc
          .column('name')
          .doUpdateSet({
            owner: (eb) => eb.ref('excluded.owner'),
            until: (eb) => eb.ref('excluded.until'),
            acquired_at: sql`case when fleet_leases.owner = excluded.owner then fleet_leases.acquired_at else excluded.acquired_at end`,
          })
          .where((eb) => eb.or([eb('fleet_leases.owner', '=', owner), eb('fleet_leases.until', '<', now)])),
      );
    return (await this.db.run(compile(q))) > 0;
  }

  /** Gives `name` up at once if `owner` holds it (a clean shutdown: no wait for expiry). */
  async release(name: string, owner: string): Promise<void> {
    await this.db.run(
      compile(
        this.db.kysely
          .updateTable('fleet_leases')
          .set({ until: 0 })
          .where('name', '=', name)
          .where('owner', '=', owner),
      ),
    );
  }

  /** The fleet's id: created by the first instance, read by every other (one row). */
  async fleetId(candidate: string, now: number): Promise<string> {
    await this.db.run(
      compile(
        this.db.kysely
          .insertInto('fleet')
          .values({ singleton: 1, id: candidate, created_at: now })
          .onConflict((oc) => oc.column('singleton').doNothing()),
      ),
    );
    const r = await this.db.first(
      compile(this.db.kysely.selectFrom('fleet').select('id').where('singleton', '=', 1)),
    );
    return r?.id ?? candidate;
  }

  async holder(name: string): Promise<LeaseHolder | undefined> {
    const r = await this.db.first(
      compile(this.db.kysely.selectFrom('fleet_leases').selectAll().where('name', '=', name)),
    );
    return r && { owner: r.owner, until: Number(r.until), acquiredAt: Number(r.acquired_at) };
  }
}
