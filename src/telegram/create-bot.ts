/**
 * Builds the tradeloop bot on grammY: the linked user is resolved once per
 * update, commands and buttons answer from the same services as the API, and
 * one handler turns every failure into a clear reply (an unanswered button
 * spinner or a silent chat is never the outcome).
 */
import { Bot, type BotConfig } from 'grammy';
import { type BotContext, resolveLinkedUser } from './bot-context.js';
import type { BotDeps } from './bot-deps.js';
import { buttonHandlers } from './commands/buttons.js';
import { copyCommands } from './commands/copies.js';
import { linkingCommands } from './commands/linking.js';
import { marketCommands } from './commands/markets.js';
import { positionCommands } from './commands/positions.js';
import { traderCommands } from './commands/traders.js';
import { errorReply } from './error-replies.js';
import { fitMessage } from './views/user-text.js';

export interface CreateBotOptions {
  /** Bot API origin, without a trailing slash. @default https://api.telegram.org */
  apiRoot?: string;
  /** Skips the `getMe` call at start when the bot's identity is known. */
  botInfo?: BotConfig<BotContext>['botInfo'];
}

const UNKNOWN_COMMAND = 'I don’t know that command. /help lists what I can do.';
const NOT_A_COMMAND = 'Send me a command; /help lists them.';

export function createBot(token: string, deps: BotDeps, opts: CreateBotOptions = {}): Bot<BotContext> {
  const bot = new Bot<BotContext>(token, {
    ...(opts.apiRoot ? { client: { apiRoot: opts.apiRoot } } : {}),
    ...(opts.botInfo ? { botInfo: opts.botInfo } : {}),
  });

  bot.use(async (ctx, next) => {
    // A callback query may be answered once; the handler may have answered it before failing.
    let answered = false;
    ctx.api.config.use((prev, method, payload, signal) => {
      if (method === 'answerCallbackQuery') answered = true;
      return prev(method, payload, signal);
    });
    try {
      await next();
    } catch (err) {
      const { text, unexpected } = errorReply(err);
      if (unexpected) deps.onError?.(err);
      if (ctx.callbackQuery && !answered) await ctx.answerCallbackQuery().catch(() => {});
      if (ctx.chat) await ctx.reply(fitMessage(text));
    }
  });
  bot.use(resolveLinkedUser(deps));
  bot.use(linkingCommands(deps.links));
  bot.use(positionCommands(deps.positions));
  bot.use(traderCommands(deps.traders));
  bot.use(copyCommands(deps.copies, deps.links));
  bot.use(marketCommands(deps.marketData));
  bot.use(buttonHandlers(deps));
  bot.on('message', (ctx) => ctx.reply(ctx.message.text?.startsWith('/') ? UNKNOWN_COMMAND : NOT_A_COMMAND));
  // What still fails (the error reply itself could not be sent) is logged, never thrown at the poller.
  bot.catch((e) => deps.onError?.(e.error));
  return bot;
}
