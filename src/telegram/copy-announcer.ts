/**
 * Announces copy decisions (copies and skips) in the chats of their users
 * that did not mute them: one message per user per committed page, at most
 * ten lines. Best effort: a message Telegram refuses is logged, not retried
 * (the decisions themselves are in the database and in /copies); TP/SL and
 * leader-exit closes go through the positions outbox, which retries.
 */
import type { Api } from 'grammy';
import type { CopyDecision } from '../store/copy-repository.js';
import type { TelegramLinkService } from './link-service.js';
import { copyLine } from './views/copies-view.js';

const MAX_LINES = 10;

export class CopyAnnouncer {
  constructor(
    private readonly api: Pick<Api, 'sendMessage'>,
    private readonly links: Pick<TelegramLinkService, 'copyChatsForUser'>,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  async announce(decisions: readonly CopyDecision[]): Promise<void> {
    const byUser = new Map<number, CopyDecision[]>();
    for (const d of decisions) {
      const list = byUser.get(d.userId) ?? [];
      list.push(d);
      byUser.set(d.userId, list);
    }
    for (const [userId, list] of byUser) {
      const chats = await this.links.copyChatsForUser(userId);
      if (chats.length === 0) continue;
      const lines = list.slice(0, MAX_LINES).map((d) => copyLine(d));
      if (list.length > MAX_LINES) lines.push(`… and ${list.length - MAX_LINES} more (/copies)`);
      const text = lines.join('\n');
      await Promise.all(chats.map((chat) => this.api.sendMessage(chat, text).catch(this.onError)));
    }
  }
}
