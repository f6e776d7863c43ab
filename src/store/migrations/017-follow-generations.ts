/**
 * A leader's follows change rarely and are read on every page of its trades
 * (a thousand rows for a popular leader). Each watcher row now carries a
 * generation that triggers bump whenever one of its leader's follows is
 * created, changed or deleted, by any process, even by hand in SQL; the
 * fan-out reads it (RETURNING of its cursor update) and re-reads the follows
 * only when it moved. On PostgreSQL the bump also orders toggles and pages:
 * both update the watcher row, so a toggle either commits before a page reads
 * the follows or waits for the page's commit.
 */
import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../database.js';

const bump = (row: 'new' | 'old') =>
  sql.raw(`update copy_watchers set follows_generation = follows_generation + 1
    where source = ${row}.source and address = ${row}.address`);

export function followGenerations(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await sql`alter table copy_watchers add column follows_generation integer not null default 0`.execute(
        db,
      );
      if (dialect === 'sqlite') {
        await sql`create trigger traders_follow_created after insert on traders
          when new.source <> 'manual' begin ${bump('new')}; end`.execute(db);
        await sql`create trigger traders_follow_changed after update on traders
          when old.source <> 'manual' or new.source <> 'manual'
          begin ${bump('old')}; ${bump('new')}; end`.execute(db);
        await sql`create trigger traders_follow_deleted after delete on traders
          when old.source <> 'manual' begin ${bump('old')}; end`.execute(db);
        return;
      }
      await sql`create function tradeloop_follow_changed() returns trigger language plpgsql as $$
        begin
          if tg_op <> 'INSERT' and old.source <> 'manual' then ${bump('old')}; end if;
          if tg_op <> 'DELETE' and new.source <> 'manual'
            and (tg_op = 'INSERT' or new.source <> old.source or new.address <> old.address)
            then ${bump('new')}; end if;
          return null;
        end $$`.execute(db);
      await sql`create trigger traders_follow_changed after insert or update or delete on traders
        for each row execute function tradeloop_follow_changed()`.execute(db);
    },
  };
}
