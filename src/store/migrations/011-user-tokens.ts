/**
 * Users' names are unique (case-insensitively; earlier duplicates get their id
 * appended), and every change to who a token belongs to — a user deleted, a
 * token revoked or rotated, admin rights changed — is announced to the other
 * processes sharing the database, so a revoked token stops working at once on
 * every instance rather than when its cached lookup expires:
 * - SQLite bumps a generation counter (read when `PRAGMA data_version` says
 *   another connection committed);
 * - PostgreSQL notifies `tradeloop_auth` with the schema's name (instances LISTEN).
 * Triggers, so that a user deleted by hand in SQL is covered too.
 */
import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../database.js';

export const AUTH_CHANNEL = 'tradeloop_auth';

export function userTokens(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await sql`update users set name = name || ' #' || cast(id as text)
        where id not in (select min(id) from users group by lower(name))`.execute(db);
      await sql`create unique index users_name_unique on users (lower(name))`.execute(db);
      if (dialect === 'sqlite') {
        await sql`create table auth_generation (
          singleton integer primary key check (singleton = 1),
          value integer not null)`.execute(db);
        await sql`insert into auth_generation (singleton, value) values (1, 0)`.execute(db);
        await sql`create trigger users_auth_deleted after delete on users
          begin update auth_generation set value = value + 1; end`.execute(db);
        await sql`create trigger users_auth_updated after update of token_hash, is_admin, name on users
          begin update auth_generation set value = value + 1; end`.execute(db);
        return;
      }
      await sql`create function tradeloop_auth_changed() returns trigger language plpgsql as $$
        begin perform pg_notify(${sql.lit(AUTH_CHANNEL)}, current_schema()); return null; end $$`.execute(db);
      await sql`create trigger users_auth_changed
        after delete or update of token_hash, is_admin, name on users
        for each statement execute function tradeloop_auth_changed()`.execute(db);
    },
  };
}
