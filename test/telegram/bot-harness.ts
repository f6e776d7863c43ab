/**
 * A running bot for a test: real services on a fresh database, the loopback
 * Bot API server, and the real bot long-polling it. Helpers act as a chat
 * user and return what the bot sent while handling that update.
 */
import type { InlineKeyboardMarkup } from 'grammy/types';
import {
  type RunningTelegramBot,
  startTelegramBot,
  type TelegramBotOptions,
} from '../../src/telegram/start-telegram-bot.js';
import { BotApiServer, buttonsOf, type RecordedCall } from '../fakes/telegram/bot-api-server.js';
import type { DatabaseTarget } from '../support/databases.js';
import { testServices } from '../support/services.js';

export const TOKEN = '424242:loopback-test-token';

export interface Reply {
  text: string;
  buttons: { text: string; data?: string }[];
  messageId: number;
}

export async function startBotHarness(
  target: DatabaseTarget,
  botOptions: Omit<Partial<TelegramBotOptions>, 'token' | 'apiRoot'> = {},
  /** Prepares the Bot API before the bot starts (e.g. refusals of its first calls). */
  beforeStart?: (tg: BotApiServer) => void,
) {
  const ctx = await testServices(target, { marketDataBatchWindowMs: 0 });
  const tg = await BotApiServer.start({ token: TOKEN });
  beforeStart?.(tg);
  const errors: unknown[] = [];
  const telegram: RunningTelegramBot = await startTelegramBot(
    { ...ctx.services, copies: ctx.services.copy.service },
    {
      token: TOKEN,
      apiRoot: tg.apiRoot,
      onError: (e) => errors.push(e),
      ...botOptions,
    },
  );
  const users = {
    alice: (await ctx.services.users.create('alice')).user,
    bob: (await ctx.services.users.create('bob')).user,
  };

  const asReply = (c: RecordedCall): Reply => ({
    text: String(c.params['text']),
    buttons: buttonsOf(c.params['reply_markup'] as InlineKeyboardMarkup | undefined),
    messageId: (c.result as { message_id: number }).message_id,
  });

  /** Every call the bot made while handling a chat message. */
  const say = (chatId: number, text: string, opts: { chatType?: 'private' | 'group' } = {}) =>
    tg.exchange(tg.sendText(chatId, text, opts));

  /** The one message the bot sent back (fails if it sent none or several). */
  async function ask(
    chatId: number,
    text: string,
    opts: { chatType?: 'private' | 'group' } = {},
  ): Promise<Reply> {
    const sent = (await say(chatId, text, opts)).filter((c) => c.method === 'sendMessage');
    if (sent.length !== 1) throw new Error(`expected one reply to ${text}, got ${JSON.stringify(sent)}`);
    return asReply(sent[0]!);
  }

  /** Taps a button; returns the calls the bot made while handling the tap. */
  const tap = (chatId: number, messageId: number, data: string, opts: { forged?: boolean } = {}) =>
    tg.exchange(tg.tapButton(chatId, messageId, data, opts));

  async function link(chatId: number, userId: number): Promise<void> {
    const { code } = await telegram.links.createCode(userId);
    await ask(chatId, `/start ${code}`);
  }

  return {
    ...ctx,
    tg,
    telegram,
    users,
    errors,
    asReply,
    say,
    ask,
    tap,
    link,
    async close() {
      await telegram.stop();
      await tg.close();
      await ctx.close();
    },
  };
}

export type BotHarness = Awaited<ReturnType<typeof startBotHarness>>;
