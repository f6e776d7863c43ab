/**
 * The bot's context: grammY's, plus the tradeloop user the chat is linked to
 * (resolved once per update). Commands that act on an account go through
 * `linkedOnly`, so an unlinked chat always hears how to link, never silence.
 */
import type { Context, MiddlewareFn } from 'grammy';
import type { BotDeps } from './bot-deps.js';

export type BotContext = Context & { userId: number | undefined };

export const LINK_FIRST =
  'This chat is not linked to a tradeloop account yet. Create a link code in tradeloop ' +
  '(POST /api/v1/telegram/link-code) and send it here as /start <code>.';

/** The answer to a button pressed outside a chat with the bot (an inline-mode message). */
export const NO_CHAT =
  'This button works only in your chat with the bot; open it and send /positions or /traders.';

/** Resolves `ctx.userId` from the chat's link. */
export function resolveLinkedUser(deps: BotDeps): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    ctx.userId = ctx.chat ? await deps.links.userForChat(ctx.chat.id) : undefined;
    await next();
  };
}

/** Runs `handler` with the linked user, or tells an unlinked chat how to link. */
export function linkedOnly<C extends BotContext>(
  handler: (ctx: C, userId: number) => Promise<unknown>,
): (ctx: C) => Promise<void> {
  return async (ctx) => {
    if (!ctx.chat) {
      // A button on an inline-mode message: no chat, so no linked account to act for.
      if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: NO_CHAT, show_alert: true });
      return;
    }
    if (ctx.userId === undefined) {
      if (ctx.callbackQuery) await ctx.answerCallbackQuery();
      await ctx.reply(LINK_FIRST);
      return;
    }
    await handler(ctx, ctx.userId);
  };
}
