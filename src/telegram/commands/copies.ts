/** /copies: the latest copy decisions; /copies mute and /copies unmute for this chat's announcements. */
import { Composer } from 'grammy';
import { ValidationError } from '../../domain/errors.js';
import { type BotContext, linkedOnly } from '../bot-context.js';
import type { BotDeps } from '../bot-deps.js';
import { copiesView } from '../views/copies-view.js';

const SHOWN = 10;

export function copyCommands(copies: BotDeps['copies'], links: BotDeps['links']): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.command(
    'copies',
    linkedOnly(async (ctx, userId) => {
      const arg = ctx.match.trim().toLowerCase();
      if (arg === 'mute' || arg === 'unmute') {
        await links.setCopiesMuted(ctx.chat.id, arg === 'mute');
        await ctx.reply(
          arg === 'mute'
            ? '🔕 Copies and skips are no longer announced here (take-profit and stop-loss fills still are).'
            : '🔔 Copies and skips are announced here again.',
        );
        return;
      }
      if (arg !== '') throw new ValidationError('Usage: /copies, /copies mute or /copies unmute');
      const list = await copies.decisions(userId, { limit: SHOWN, beforeId: null });
      await ctx.reply(copiesView(list));
    }),
  );
  return c;
}
