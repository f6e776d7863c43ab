/**
 * Telegram links and one-time link codes. A code is claimed by one
 * conditional UPDATE (`used_at is null and expires_at > now`), so two chats
 * racing with the same code cannot both win, on either dialect.
 */
import type { Database, SqlExecutor } from './database.js';
import { compile, prepare } from './prepared.js';

export interface LinkCodeRow {
  user_id: number;
  expires_at: number;
  used_at: number | null;
}

export class TelegramRepository {
  private readonly insertCodeQ;
  private readonly purgeCodesQ;
  private readonly claimCodeQ;
  private readonly codeByHashQ;
  private readonly upsertLinkQ;
  private readonly userForChatQ;
  private readonly chatsForUserQ;
  private readonly deleteLinkQ;
  private readonly deleteUserLinkQ;

  constructor(private readonly db: Database) {
    const k = db.kysely;
    this.insertCodeQ = prepare(k, (p) =>
      k
        .insertInto('telegram_link_codes')
        .values({ code_hash: p('hash'), user_id: p('userId'), expires_at: p('expiresAt'), used_at: null }),
    );
    this.purgeCodesQ = prepare(k, (p) =>
      k.deleteFrom('telegram_link_codes').where('expires_at', '<', p('before')),
    );
    this.claimCodeQ = prepare(k, (p) =>
      k
        .updateTable('telegram_link_codes')
        .set({ used_at: p('now') })
        .where('code_hash', '=', p('hash'))
        .where('used_at', 'is', null)
        .where('expires_at', '>', p('now'))
        .returning('user_id'),
    );
    this.codeByHashQ = prepare(k, (p) =>
      k
        .selectFrom('telegram_link_codes')
        .select(['user_id', 'expires_at', 'used_at'])
        .where('code_hash', '=', p('hash')),
    );
    this.upsertLinkQ = prepare(k, (p) =>
      k
        .insertInto('telegram_links')
        .values({ chat_id: p('chatId'), user_id: p('userId'), linked_at: p('now') })
        .onConflict((oc) => oc.column('chat_id').doUpdateSet({ user_id: p('userId'), linked_at: p('now') })),
    );
    this.userForChatQ = prepare(k, (p) =>
      k.selectFrom('telegram_links').select('user_id').where('chat_id', '=', p('chatId')),
    );
    this.chatsForUserQ = prepare(k, (p) =>
      k.selectFrom('telegram_links').select('chat_id').where('user_id', '=', p('userId')).orderBy('chat_id'),
    );
    this.deleteLinkQ = prepare(k, (p) => k.deleteFrom('telegram_links').where('chat_id', '=', p('chatId')));
    this.deleteUserLinkQ = prepare(k, (p) =>
      k.deleteFrom('telegram_links').where('chat_id', '=', p('chatId')).where('user_id', '=', p('userId')),
    );
  }

  async insertCode(hash: string, userId: number, expiresAt: number): Promise<void> {
    await this.db.run(this.insertCodeQ({ hash, userId, expiresAt }));
  }

  /** Deletes codes that expired before `before`; returns how many. */
  purgeCodes(before: number): Promise<number> {
    return this.db.run(this.purgeCodesQ({ before }));
  }

  /** Marks an unused, unexpired code used and returns its user; undefined when it is not claimable. */
  async claimCode(hash: string, now: number, ex: SqlExecutor = this.db): Promise<number | undefined> {
    return (await ex.first(this.claimCodeQ({ hash, now })))?.user_id;
  }

  findCode(hash: string, ex: SqlExecutor = this.db): Promise<LinkCodeRow | undefined> {
    return ex.first(this.codeByHashQ({ hash }));
  }

  /** Links `chatId` to `userId`, replacing any earlier link of that chat. */
  async upsertLink(chatId: string, userId: number, now: number, ex: SqlExecutor = this.db): Promise<void> {
    await ex.run(this.upsertLinkQ({ chatId, userId, now }));
  }

  async userForChat(chatId: string): Promise<number | undefined> {
    return (await this.db.first(this.userForChatQ({ chatId })))?.user_id;
  }

  async chatsForUser(userId: number): Promise<string[]> {
    return (await this.db.all(this.chatsForUserQ({ userId }))).map((r) => r.chat_id);
  }

  /** Chats linked to an admin: where operator alerts go. */
  async adminChats(): Promise<string[]> {
    const q = this.db.kysely
      .selectFrom('telegram_links as l')
      .innerJoin('users as u', 'u.id', 'l.user_id')
      .select('l.chat_id')
      .where('u.is_admin', '=', 1)
      .orderBy('l.chat_id');
    return (await this.db.all(compile(q))).map((r) => r.chat_id);
  }

  /** Chats of a user that take copy announcements. */
  async copyChatsForUser(userId: number): Promise<string[]> {
    const q = this.db.kysely
      .selectFrom('telegram_links')
      .select('chat_id')
      .where('user_id', '=', userId)
      .where('copies_muted', '=', 0);
    return (await this.db.all(compile(q))).map((r) => r.chat_id);
  }

  async setCopiesMuted(chatId: string, muted: boolean): Promise<boolean> {
    const q = this.db.kysely
      .updateTable('telegram_links')
      .set({ copies_muted: muted ? 1 : 0 })
      .where('chat_id', '=', chatId);
    return (await this.db.run(compile(q))) > 0;
  }

  async deleteLink(chatId: string): Promise<boolean> {
    return (await this.db.run(this.deleteLinkQ({ chatId }))) > 0;
  }

  /** Removes a chat's link only if it belongs to `userId`; returns whether it did. */
  async deleteUserLink(chatId: string, userId: number): Promise<boolean> {
    return (await this.db.run(this.deleteUserLinkQ({ chatId, userId }))) > 0;
  }
}
