/**
 * Take-profit / stop-loss fills reach every chat linked to the owner, through
 * the real outbox (price feed -> position_events -> PositionNotifier); manual
 * closes stay quiet; a refusal Telegram may lift is thrown (the outbox
 * retries), while a chat that blocked the bot is unlinked instead.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decimal as d } from '../../src/domain/decimal.js';
import { RateLimitedError, UnavailableError } from '../../src/domain/errors.js';
import type { Position } from '../../src/domain/position.js';
import { databaseTargets } from '../support/databases.js';
import { type BotHarness, startBotHarness } from './bot-harness.js';

const PHONE = 401;
const LAPTOP = 402;
const BOB_CHAT = 403;

for (const target of await databaseTargets()) {
  describe(`telegram fill notifications (${target.name})`, () => {
    let h: BotHarness;
    let ethId: string;
    let ethPrice: number;
    beforeAll(async () => {
      h = await startBotHarness(target);
      await h.link(PHONE, h.users.alice.id);
      await h.link(LAPTOP, h.users.alice.id);
      await h.link(BOB_CHAT, h.users.bob.id);
      ethId = (await h.services.marketData.markets(1000, null)).items.find(
        (m) => m.symbol === 'ETH/USDT',
      )!.id;
      ethPrice = (await h.services.marketData.prices(['ETH/USDT'])).items[0]!.price;
      await h.services.priceFeed.start();
      // Ticks are fed by hand below, before any stream subscription would have loaded the listing.
      await h.services.priceFeed.loadMarkets();
      h.services.positionNotifier.add((e) => h.telegram.notifier.notify(e));
    });
    afterAll(async () => {
      expect(h.errors).toEqual([]);
      await h.close();
    });

    const sentTo = (chat: number) =>
      h.tg.callsTo('sendMessage').filter((c) => c.ok && String(c.params['chat_id']) === String(chat));

    async function tick(price: number): Promise<void> {
      h.services.priceFeed.ingest([{ symbol: 'ETH/USDT', last: price, ts: h.clock.now() }]);
      await h.services.priceFeed.drain();
      await h.services.positionNotifier.idle();
    }

    it('announces a take-profit fill in every chat linked to the owner, once', async () => {
      const tp = String(Math.round(ethPrice * 1.1));
      const p: Position = await h.services.positions.open(h.users.alice.id, {
        marketId: ethId,
        size: '2',
        takeProfit: tp,
      });
      const before = {
        phone: sentTo(PHONE).length,
        laptop: sentTo(LAPTOP).length,
        bob: sentTo(BOB_CHAT).length,
      };
      await tick(Number(tp) + 1);
      const closed = await h.services.positions.get(h.users.alice.id, p.id);
      expect(closed).toMatchObject({ status: 'closed', closeReason: 'take_profit' });
      const text = `🎯 Take-profit hit: #${p.id} ETH/USDT long 2 closed at ${closed.closePrice}. Realised PnL +${closed.realizedPnl}.`;
      expect(
        sentTo(PHONE)
          .slice(before.phone)
          .map((c) => c.params['text']),
      ).toEqual([text]);
      expect(
        sentTo(LAPTOP)
          .slice(before.laptop)
          .map((c) => c.params['text']),
      ).toEqual([text]);
      expect(sentTo(BOB_CHAT)).toHaveLength(before.bob);
      await tick(Number(tp) + 2);
      expect(sentTo(PHONE)).toHaveLength(before.phone + 1);
    });

    it('announces a stop-loss fill and stays quiet about manual closes', async () => {
      const sl = String(Math.round(ethPrice * 0.9));
      const p = await h.services.positions.open(h.users.bob.id, { marketId: ethId, size: '1', stopLoss: sl });
      const manual = await h.services.positions.open(h.users.bob.id, { marketId: ethId, size: '1' });
      const before = sentTo(BOB_CHAT).length;
      await h.services.positions.close(h.users.bob.id, manual.id);
      await tick(Number(sl) - 1);
      const closed = await h.services.positions.get(h.users.bob.id, p.id);
      expect(
        sentTo(BOB_CHAT)
          .slice(before)
          .map((c) => c.params['text']),
      ).toEqual([
        `🛑 Stop-loss hit: #${p.id} ETH/USDT long 1 closed at ${closed.closePrice}. Realised PnL ${closed.realizedPnl}.`,
      ]);
      expect(closed.realizedPnl.startsWith('-')).toBe(true);
    });

    const event = {
      userId: 0,
      positionId: 77,
      kind: 'take_profit' as const,
      price: d('0.9'),
      realizedPnl: d('4.5'),
      symbol: 'PM-0001',
    };

    it('throws a retryable error when Telegram refuses, with its retry_after', async () => {
      const alice = { ...event, userId: h.users.alice.id };
      h.tg.refuse('sendMessage', { errorCode: 500, description: 'Internal Server Error' });
      const failed = await h.telegram.notifier.notify(alice).catch((e: unknown) => e);
      expect(failed).toBeInstanceOf(UnavailableError);
      expect(failed).toMatchObject({
        retryable: true,
        message: 'Telegram refused 1 of 2 notifications for position 77',
      });
      h.tg.refuse('sendMessage', {
        errorCode: 429,
        description: 'Too Many Requests: retry after 7',
        parameters: { retry_after: 7 },
      });
      const limited = await h.telegram.notifier.notify(alice).catch((e: unknown) => e);
      expect(limited).toBeInstanceOf(RateLimitedError);
      expect((limited as RateLimitedError).retryAfterMs).toBe(7000);
      await expect(h.telegram.notifier.notify(alice)).resolves.toBeUndefined();
    });

    it('unlinks a chat that blocked the bot instead of retrying forever', async () => {
      h.tg.chats.block(LAPTOP);
      await expect(
        h.telegram.notifier.notify({ ...event, userId: h.users.alice.id }),
      ).resolves.toBeUndefined();
      expect(await h.telegram.links.chatsForUser(h.users.alice.id)).toEqual([String(PHONE)]);
      expect(sentTo(PHONE).at(-1)?.params['text']).toBe(
        '🎯 Take-profit hit: #77 PM-0001 closed at 0.9. Realised PnL +4.5.',
      );
    });
  });
}
