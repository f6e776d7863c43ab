/**
 * Telegram linking: which chat belongs to which user, and the one-time codes
 * that link them. Only a SHA-256 of each code is stored; a code is claimed by a
 * conditional update on `used_at is null`, so it links at most one chat.
 */
import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database.js';
import { columnTypes } from './column-types.js';

export function telegram(dialect: Dialect): Migration {
  const t = columnTypes(dialect);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('telegram_links')
        .addColumn('chat_id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', t.ref, (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('linked_at', t.time, (c) => c.notNull())
        .execute();
      // The chats to notify for a user.
      await db.schema.createIndex('telegram_links_user_idx').on('telegram_links').column('user_id').execute();

      await db.schema
        .createTable('telegram_link_codes')
        .addColumn('code_hash', 'text', (c) => c.primaryKey())
        .addColumn('user_id', t.ref, (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('expires_at', t.time, (c) => c.notNull())
        .addColumn('used_at', t.time)
        .execute();
      // Purging expired codes.
      await db.schema
        .createIndex('telegram_link_codes_expiry_idx')
        .on('telegram_link_codes')
        .column('expires_at')
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('telegram_link_codes').ifExists().execute();
      await db.schema.dropTable('telegram_links').ifExists().execute();
    },
  };
}
