/**
 * The bot's rough edges, each through the loopback Bot API: a huge /toggle
 * argument still gets an answer (echoes are cut), a button on a message that
 * can no longer be edited answers with a new message, "Keep it open" on a
 * position closed meanwhile says so, and a button on an inline-mode message
 * (no chat) is answered exactly once, with no error logged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Position } from '../../src/domain/position.js';
import { NO_CHAT } from '../../src/telegram/bot-context.js';
import { MAX_ECHO } from '../../src/telegram/views/user-text.js';
import { databaseTargets } from '../support/databases.js';
import { type BotHarness, startBotHarness } from './bot-harness.js';

const ALICE_CHAT = 401;

for (const target of await databaseTargets()) {
  describe(`telegram bot rough edges (${target.name})`, () => {
    let h: BotHarness;
    beforeAll(async () => {
      h = await startBotHarness(target);
      await h.link(ALICE_CHAT, h.users.alice.id);
    });
    afterAll(async () => {
      await h.close();
    });

    async function openPosition(): Promise<Position> {
      const { items } = await h.services.marketData.markets(1000, null);
      const eth = items.find((m) => m.symbol === 'ETH/USDT')!;
      return h.services.positions.open(h.users.alice.id, { marketId: eth.id, size: '1' });
    }

    it('answers a /toggle with a 5,000-character argument, quoting only its start', async () => {
      const name = 'x'.repeat(5_000);
      const r = await h.ask(ALICE_CHAT, `/toggle ${name}`);
      expect(r.text).toBe(`🔍 You follow no trader named "${'x'.repeat(MAX_ECHO)}…"; /traders lists them`);
      expect(h.tg.callsTo('sendMessage').every((c) => c.ok)).toBe(true);
      expect(h.errors).toEqual([]);
    });

    it('lists at most ten ids when many traders share a name', async () => {
      for (let i = 0; i < 12; i++) {
        await h.services.traders.create(h.users.alice.id, {
          name: 'Twin',
          source: 'manual',
          address: `twin-wallet-${i}`,
          enabled: true,
        });
      }
      const r = await h.ask(ALICE_CHAT, '/toggle twin');
      expect(r.text).toMatch(
        /^⚠️ Several traders are named "twin"; use an id: (\/toggle \d+, ){9}\/toggle \d+ and 2 more$/,
      );
      expect(h.errors).toEqual([]);
    });

    it('sends the result as a new message when the button’s message can no longer be edited', async () => {
      const p = await openPosition();
      const confirm = await h.ask(ALICE_CHAT, `/close ${p.id}`);
      h.tg.refuse('editMessageText', { errorCode: 400, description: "Bad Request: message can't be edited" });
      const calls = await h.tap(ALICE_CHAT, confirm.messageId, `pos:closeok:${p.id}`);
      const closed = await h.services.positions.get(h.users.alice.id, p.id);
      expect(closed.status).toBe('closed');
      expect(calls.map((c) => [c.method, c.ok])).toEqual([
        ['editMessageText', false],
        ['sendMessage', true],
        ['answerCallbackQuery', true],
      ]);
      expect(calls[1]!.params['text']).toBe(
        `Closed #${p.id} ETH/USDT · long 1 @ ${p.entryPrice} at ${closed.closePrice}. Realised PnL ${closed.realizedPnl}.`,
      );
      expect(calls[2]!.params['text']).toBe(`Closed #${p.id}`);
      expect(h.errors).toEqual([]);
    });

    it('says a position is already closed when "Keep it open" is tapped after it closed', async () => {
      const p = await openPosition();
      const confirm = await h.ask(ALICE_CHAT, `/close ${p.id}`);
      const closed = await h.services.positions.close(h.users.alice.id, p.id);
      const calls = await h.tap(ALICE_CHAT, confirm.messageId, `pos:keep:${p.id}`);
      expect(calls.map((c) => [c.method, c.ok])).toEqual([
        ['editMessageText', true],
        ['answerCallbackQuery', true],
      ]);
      expect(calls[0]!.params['text']).toBe(
        `#${p.id} ETH/USDT · long 1 @ ${p.entryPrice} is already closed, at ${closed.closePrice}. Realised PnL ${closed.realizedPnl}.`,
      );
      expect(h.errors).toEqual([]);
    });

    it('still says "Kept open" while the position is open', async () => {
      const p = await openPosition();
      const confirm = await h.ask(ALICE_CHAT, `/close ${p.id}`);
      const calls = await h.tap(ALICE_CHAT, confirm.messageId, `pos:keep:${p.id}`);
      expect(calls[0]!.params['text']).toBe(`Kept #${p.id} open.`);
      expect((await h.services.positions.get(h.users.alice.id, p.id)).status).toBe('open');
    });

    it('answers a button on an inline-mode message exactly once, and logs nothing', async () => {
      const calls = await h.tg.exchange(h.tg.tapInlineButton(ALICE_CHAT, 'AgAAAinline', 'pos:close:1'));
      expect(calls.map((c) => [c.method, c.ok, c.params['text']])).toEqual([
        ['answerCallbackQuery', true, NO_CHAT],
      ]);
      expect(h.errors).toEqual([]);
    });
  });
}
