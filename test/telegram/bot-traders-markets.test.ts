/**
 * /traders with its on/off buttons, /toggle by id and by name, and
 * /markets search, against real services: a tap really changes the trader in
 * the database, and another user's trader or a forged button is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { priceDecimal } from '../../src/domain/position.js';
import type { Trader } from '../../src/domain/trader.js';
import { databaseTargets } from '../support/databases.js';
import { type BotHarness, startBotHarness } from './bot-harness.js';

const ALICE_CHAT = 201;
const BOB_CHAT = 202;

for (const target of await databaseTargets()) {
  describe(`telegram bot traders and markets (${target.name})`, () => {
    let h: BotHarness;
    let ansem: Trader;
    let cobie: Trader;
    let bobs: Trader;
    beforeAll(async () => {
      h = await startBotHarness(target);
      await h.link(ALICE_CHAT, h.users.alice.id);
      await h.link(BOB_CHAT, h.users.bob.id);
    });
    afterAll(async () => {
      expect(h.errors).toEqual([]);
      await h.close();
    });

    const enabled = async (t: Trader) => (await h.services.traders.get(t.userId, t.id)).enabled;

    it('says so when the user follows no trader', async () => {
      expect(await h.ask(ALICE_CHAT, '/traders')).toEqual({
        text: 'You follow no traders yet. Add them in tradeloop (POST /api/v1/traders).',
        buttons: [],
        messageId: expect.any(Number),
      });
    });

    it('lists traders with their state and one toggle button each', async () => {
      const create = (userId: number, name: string, on: boolean) =>
        h.services.traders.create(userId, { name, source: 'manual', address: `${name}-wallet`, enabled: on });
      ansem = await create(h.users.alice.id, 'Ansem', true);
      cobie = await create(h.users.alice.id, 'Cobie', false);
      bobs = await create(h.users.bob.id, 'Hsaka', true);
      const r = await h.ask(ALICE_CHAT, '/traders');
      expect(r.text).toBe(`Your traders (2):\n#${ansem.id} Ansem: on\n#${cobie.id} Cobie: off`);
      expect(r.buttons).toEqual([
        { text: 'Turn off Ansem', data: `trader:off:${ansem.id}` },
        { text: 'Turn on Cobie', data: `trader:on:${cobie.id}` },
      ]);
    });

    it('toggles a trader by button, redraws the list and really changes the trader', async () => {
      const list = await h.ask(ALICE_CHAT, '/traders');
      const calls = await h.tap(ALICE_CHAT, list.messageId, `trader:off:${ansem.id}`);
      expect(calls.map((c) => c.method)).toEqual(['editMessageText', 'answerCallbackQuery']);
      expect(calls[0]!.params).toMatchObject({
        message_id: list.messageId,
        text: `Your traders (2):\n#${ansem.id} Ansem: off\n#${cobie.id} Cobie: off`,
        reply_markup: {
          inline_keyboard: [
            [{ text: 'Turn on Ansem', callback_data: `trader:on:${ansem.id}` }],
            [{ text: 'Turn on Cobie', callback_data: `trader:on:${cobie.id}` }],
          ],
        },
      });
      expect(calls[1]!.params['text']).toBe(`Ansem (#${ansem.id}) is now off.`);
      expect(await enabled(ansem)).toBe(false);

      // A second tap of the old button (a slow client) changes nothing and still answers.
      const again = await h.tap(ALICE_CHAT, list.messageId, `trader:off:${ansem.id}`, { forged: true });
      expect(again.map((c) => [c.method, c.ok])).toEqual([
        ['editMessageText', false],
        ['answerCallbackQuery', true],
      ]);
      expect((await h.services.traders.get(ansem.userId, ansem.id)).version).toBe(2);
    });

    it('toggles by /toggle with an id or a name', async () => {
      expect((await h.ask(ALICE_CHAT, `/toggle ${ansem.id}`)).text).toBe(`Ansem (#${ansem.id}) is now on.`);
      expect((await h.ask(ALICE_CHAT, '/toggle cobie')).text).toBe(`Cobie (#${cobie.id}) is now on.`);
      expect([await enabled(ansem), await enabled(cobie)]).toEqual([true, true]);
    });

    it("refuses another user's trader, unknown traders and missing arguments", async () => {
      expect((await h.ask(ALICE_CHAT, `/toggle ${bobs.id}`)).text).toBe(`⛔ Trader ${bobs.id} is not yours`);
      expect((await h.ask(ALICE_CHAT, '/toggle Hsaka')).text).toBe(
        '🔍 You follow no trader named "Hsaka"; /traders lists them',
      );
      expect((await h.ask(ALICE_CHAT, '/toggle 999999')).text).toBe('🔍 Trader 999999 does not exist');
      expect((await h.ask(ALICE_CHAT, '/toggle')).text).toBe(
        '⚠️ Usage: /toggle <trader id or name>, e.g. /toggle 3 or /toggle Ansem (/traders lists them)',
      );
      expect(await enabled(bobs)).toBe(true);
    });

    it("refuses forged button data: another user's trader, or data that is not ours", async () => {
      const list = await h.ask(ALICE_CHAT, '/traders');
      const stolen = await h.tap(ALICE_CHAT, list.messageId, `trader:off:${bobs.id}`, { forged: true });
      expect(stolen.map((c) => c.method)).toEqual(['answerCallbackQuery', 'sendMessage']);
      expect(stolen[1]!.params['text']).toBe(`⛔ Trader ${bobs.id} is not yours`);
      expect(await enabled(bobs)).toBe(true);
      for (const data of ['trader:off:0', 'trader:maybe:1', 'pos:close:1;drop table', 'x'.repeat(64)]) {
        const r = await h.tap(ALICE_CHAT, list.messageId, data, { forged: true });
        expect(r.map((c) => c.method)).toEqual(['answerCallbackQuery', 'sendMessage']);
        expect(r[1]!.params['text']).toBe('⚠️ That button is not one I know; /help lists what I can do');
      }
    });

    it('finds markets by symbol or question, best match first, with prices', async () => {
      const r = await h.ask(ALICE_CHAT, '/markets btc');
      const { items: listing } = await h.services.marketData.markets(1000, null);
      const matching = listing.filter(
        (m) => m.symbol.toLowerCase().includes('btc') || m.question?.toLowerCase().includes('btc'),
      );
      const [first, ...rest] = r.text.split('\n\n');
      const shown = Math.min(10, matching.length);
      expect(first).toBe(
        `Markets matching "btc" (${matching.length > 10 ? `10 of ${matching.length}` : matching.length}):`,
      );
      const lines = rest.join('\n\n').split('\n');
      expect(lines).toHaveLength(shown * 2);
      const { items: prices } = await h.services.marketData.prices(['BTC/USDT']);
      expect(lines.slice(0, 2)).toEqual(['BTC/USDT', `  ${priceDecimal(prices[0]!.price)}`]);
      for (let i = 2; i < lines.length; i += 2) {
        expect(lines[i]).toMatch(/^PM-\d{4} · Will .*BTC.*\?$/);
        expect(lines[i + 1]).toMatch(/^ {2}Yes 0\.\d+$/);
      }
    });

    it('answers a search without matches or without a query', async () => {
      expect((await h.ask(ALICE_CHAT, '/markets zzzz')).text).toBe(
        'No market matches "zzzz". Try a symbol such as BTC or a word from a market\'s question.',
      );
      expect((await h.ask(ALICE_CHAT, '/markets')).text).toBe(
        '⚠️ Usage: /markets <query>, e.g. /markets BTC or /markets ETF',
      );
    });
  });
}
