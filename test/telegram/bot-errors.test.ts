/**
 * The bot's last line of defence, over the loopback Bot API: an unexpected
 * failure in a handler is answered with an apology (no internals), reported
 * to `onError`, and the bot keeps serving; a tap in an unlinked chat is
 * answered and told to link.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LINK_FIRST } from '../../src/telegram/bot-context.js';
import type { BotDeps } from '../../src/telegram/bot-deps.js';
import { createBot } from '../../src/telegram/create-bot.js';
import { SOMETHING_WENT_WRONG } from '../../src/telegram/error-replies.js';
import { BotApiServer } from '../fakes/telegram/bot-api-server.js';

const TOKEN = '777:errors-test';
const LINKED = 11;

describe('telegram bot failures', () => {
  let tg: BotApiServer;
  let bot: ReturnType<typeof createBot>;
  let polling: Promise<void>;
  const errors: unknown[] = [];

  beforeAll(async () => {
    tg = await BotApiServer.start({ token: TOKEN });
    const broken = () => Promise.reject(new TypeError("Cannot read properties of undefined (reading 'id')"));
    const deps = {
      links: {
        userForChat: async (chat: number | string) => (String(chat) === String(LINKED) ? 1 : undefined),
        link: broken,
        unlink: async () => false,
      },
      positions: { get: broken, list: broken, setTpSl: broken, close: broken },
      traders: { get: broken, list: broken, update: broken },
      marketData: { markets: broken, prices: broken },
      onError: (e: unknown) => errors.push(e),
    } as unknown as BotDeps;
    bot = createBot(TOKEN, deps, { apiRoot: tg.apiRoot });
    await new Promise<void>((resolve) => {
      polling = bot.start({ onStart: () => resolve() });
    });
  });
  afterAll(async () => {
    await bot.stop();
    await polling;
    await tg.close();
  });

  it('apologises for an unexpected failure, reports it, and keeps serving', async () => {
    const calls = await tg.exchange(tg.sendText(LINKED, '/traders'));
    expect(calls.map((c) => [c.method, c.params['text']])).toEqual([['sendMessage', SOMETHING_WENT_WRONG]]);
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toMatch(/Cannot read properties/);
    const help = await tg.exchange(tg.sendText(LINKED, '/help'));
    expect(help).toHaveLength(1);
  });

  it('answers a tap in an unlinked chat and says how to link', async () => {
    const m = (await tg.exchange(tg.sendText(12, '/help')))[0]!.result as { message_id: number };
    const calls = await tg.exchange(tg.tapButton(12, m.message_id, 'pos:close:1', { forged: true }));
    expect(calls.map((c) => [c.method, c.params['text']])).toEqual([
      ['answerCallbackQuery', undefined],
      ['sendMessage', LINK_FIRST],
    ]);
  });
});
