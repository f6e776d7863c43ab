/**
 * Links Telegram chats to tradeloop users. The API hands a signed-in user a
 * one-time code (10 minutes by default); sending it to the bot links that
 * chat. A code links one chat once, even when two chats race with it.
 */
import type { Clock } from '../domain/clock.js';
import { NotFoundError, ValidationError } from '../domain/errors.js';
import type { Database } from '../store/database.js';
import { TelegramRepository } from '../store/telegram-repository.js';
import { generateLinkCode, hashLinkCode, LINK_CODE_LENGTH, normalizeLinkCode } from './link-code.js';

export const LINK_CODE_TTL_MS = 10 * 60_000;
/** Used and expired codes are kept this long, so a late attempt hears "expired", not "unknown". */
const CODE_RETENTION_MS = 24 * 3_600_000;
const CHAT_ID = /^-?\d{1,20}$/;

export interface LinkCode {
  code: string;
  /** Epoch milliseconds after which the code no longer links. */
  expiresAt: number;
}

/** A chat id as stored (text); refuses anything that is not a Telegram chat id. */
export function chatKey(chatId: number | string): string {
  const key = String(chatId);
  if (!CHAT_ID.test(key)) {
    throw new ValidationError(`${JSON.stringify(key.slice(0, 30))} is not a Telegram chat id`, {
      details: [{ path: 'chatId', message: 'must be an integer' }],
    });
  }
  return key;
}

export class TelegramLinkService {
  constructor(
    private readonly db: Database,
    private readonly repo: TelegramRepository,
    private readonly clock: Clock,
    private readonly ttlMs = LINK_CODE_TTL_MS,
  ) {}

  /**
   * A new one-time code for `userId`.
   *
   * @example
   * const { code } = await links.createCode(user.id); // the user sends "/start <code>" to the bot
   */
  async createCode(userId: number): Promise<LinkCode> {
    const now = this.clock.now();
    await this.repo.purgeCodes(now - CODE_RETENTION_MS);
    const code = generateLinkCode();
    const expiresAt = now + this.ttlMs;
    await this.repo.insertCode(hashLinkCode(code), userId, expiresAt);
    return { code, expiresAt };
  }

  /** Links `chatId` with a code; returns the user it now belongs to. */
  async link(code: string, chatId: number | string): Promise<number> {
    const chat = chatKey(chatId);
    const canonical = normalizeLinkCode(code);
    if (canonical === null) {
      throw new ValidationError(`A link code is ${LINK_CODE_LENGTH} letters and digits, like K7QM4XPA`, {
        details: [{ path: 'code', message: 'malformed' }],
      });
    }
    const hash = hashLinkCode(canonical);
    const now = this.clock.now();
    const userId = await this.db.transaction(async (tx) => {
      const owner = await this.repo.claimCode(hash, now, tx);
      if (owner !== undefined) await this.repo.upsertLink(chat, owner, now, tx);
      return owner;
    });
    if (userId !== undefined) return userId;
    const row = await this.repo.findCode(hash);
    if (!row) throw new NotFoundError('This link code is not known; check it or ask the app for a new one');
    if (row.used_at !== null) {
      throw new ValidationError('This link code has already been used; ask the app for a new one', {
        details: [{ path: 'code', message: 'used' }],
      });
    }
    throw new ValidationError('This link code has expired; ask the app for a new one', {
      details: [{ path: 'code', message: 'expired' }],
    });
  }

  /** The user a chat is linked to, or undefined. */
  userForChat(chatId: number | string): Promise<number | undefined> {
    return this.repo.userForChat(chatKey(chatId));
  }

  chatsForUser(userId: number): Promise<string[]> {
    return this.repo.chatsForUser(userId);
  }

  /** Chats linked to an admin, for operator alerts. */
  adminChats(): Promise<string[]> {
    return this.repo.adminChats();
  }

  /** The user's chats that take copy announcements (not muted). */
  copyChatsForUser(userId: number): Promise<string[]> {
    return this.repo.copyChatsForUser(userId);
  }

  /** Mutes or unmutes copy announcements in a chat; false when the chat is not linked. */
  setCopiesMuted(chatId: number | string, muted: boolean): Promise<boolean> {
    return this.repo.setCopiesMuted(chatKey(chatId), muted);
  }

  /** Unlinks a chat (from the chat itself); returns whether it was linked. */
  unlink(chatId: number | string): Promise<boolean> {
    return this.repo.deleteLink(chatKey(chatId));
  }

  /** Unlinks one of `userId`'s chats; another user's chat is as unknown as a missing one. */
  async unlinkForUser(userId: number, chatId: number | string): Promise<void> {
    if (!(await this.repo.deleteUserLink(chatKey(chatId), userId))) {
      throw new NotFoundError(`Chat ${chatKey(chatId)} is not linked to your account`);
    }
  }
}

/**
 * The link service over `db`; stateless, so the API and the bot may each hold one.
 *
 * @example
 * telegramRoutes(api, { links: createTelegramLinkService(s.db, s.clock), bot: s.telegram });
 */
export function createTelegramLinkService(db: Database, clock: Clock): TelegramLinkService {
  return new TelegramLinkService(db, new TelegramRepository(db), clock);
}
