/**
 * /positions, /close and /tpsl with their buttons, on real positions opened
 * through the PositionService: exact messages and keyboards, the close
 * confirmation, TP/SL set and cleared, and clear replies for malformed
 * numbers, unknown positions and another user's position.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Position } from '../../src/domain/position.js';
import { databaseTargets } from '../support/databases.js';
import { type BotHarness, startBotHarness } from './bot-harness.js';

const ALICE_CHAT = 301;
const BOB_CHAT = 302;

for (const target of await databaseTargets()) {
  describe(`telegram bot positions (${target.name})`, () => {
    let h: BotHarness;
    let eth: Position;
    let pm: Position;
    beforeAll(async () => {
      h = await startBotHarness(target);
      await h.link(ALICE_CHAT, h.users.alice.id);
      await h.link(BOB_CHAT, h.users.bob.id);
    });
    afterAll(async () => {
      expect(h.errors).toEqual([]);
      await h.close();
    });

    const position = (id: number) => h.services.positions.get(h.users.alice.id, id);

    it('says so when there is no open position', async () => {
      expect((await h.ask(ALICE_CHAT, '/positions')).text).toBe('You have no open positions.');
    });

    it('lists open positions with price, PnL, TP/SL and a Close and TP/SL button each', async () => {
      const { items } = await h.services.marketData.markets(1000, null);
      const ethMarket = items.find((m) => m.symbol === 'ETH/USDT')!;
      const binary = items.find((m) => m.kind === 'binary')!;
      const price = Number((await h.services.marketData.prices(['ETH/USDT'])).items[0]!.price);
      eth = await h.services.positions.open(h.users.alice.id, {
        marketId: ethMarket.id,
        size: '2',
        takeProfit: String(Math.round(price * 2)),
        stopLoss: String(Math.round(price / 2)),
      });
      pm = await h.services.positions.open(h.users.alice.id, {
        marketId: binary.id,
        outcome: 'Yes',
        size: '10',
      });
      const r = await h.ask(ALICE_CHAT, '/positions');
      expect(r.text).toBe(
        [
          'Your open positions (2):',
          '',
          `#${pm.id} ${binary.symbol} · Yes 10 @ ${pm.entryPrice}`,
          `Price ${pm.currentPrice} · PnL 0 · TP none · SL none`,
          '',
          `#${eth.id} ETH/USDT · long 2 @ ${eth.entryPrice}`,
          `Price ${eth.currentPrice} · PnL 0 · TP ${eth.takeProfit} · SL ${eth.stopLoss}`,
        ].join('\n'),
      );
      expect(r.buttons).toEqual([
        { text: `Close #${pm.id}`, data: `pos:close:${pm.id}` },
        { text: `TP/SL #${pm.id}`, data: `pos:tpsl:${pm.id}` },
        { text: `Close #${eth.id}`, data: `pos:close:${eth.id}` },
        { text: `TP/SL #${eth.id}`, data: `pos:tpsl:${eth.id}` },
      ]);
    });

    it('asks before closing, keeps the position when told to', async () => {
      const list = await h.ask(ALICE_CHAT, '/positions');
      const ask = await h.tap(ALICE_CHAT, list.messageId, `pos:close:${eth.id}`);
      expect(ask.map((c) => c.method)).toEqual(['sendMessage', 'answerCallbackQuery']);
      const confirm = h.asReply(ask[0]!);
      expect(confirm.text).toBe(
        `Close #${eth.id} ETH/USDT · long 2 @ ${eth.entryPrice} at the market?\nLast price ${eth.currentPrice} · PnL 0`,
      );
      expect(confirm.buttons).toEqual([
        { text: `Yes, close #${eth.id}`, data: `pos:closeok:${eth.id}` },
        { text: 'Keep it open', data: `pos:keep:${eth.id}` },
      ]);
      const keep = await h.tap(ALICE_CHAT, confirm.messageId, `pos:keep:${eth.id}`);
      expect(keep[0]).toMatchObject({ method: 'editMessageText', params: { text: `Kept #${eth.id} open.` } });
      expect((await position(eth.id)).status).toBe('open');
    });

    it('sets TP/SL by command, and refuses malformed numbers and rule violations', async () => {
      expect((await h.ask(ALICE_CHAT, `/tpsl ${pm.id} 0.99 0.01`)).text).toBe(
        `Updated #${pm.id} ${pm.symbol} · Yes 10 @ ${pm.entryPrice}\nTake-profit 0.99 · stop-loss 0.01`,
      );
      expect(await position(pm.id)).toMatchObject({ takeProfit: '0.99', stopLoss: '0.01' });
      const replies = {
        [`/tpsl ${pm.id} abc -`]:
          '⚠️ take-profit "abc" is not a price. Use a number such as 0.75, "-" to keep it or "off" to clear it',
        [`/tpsl ${pm.id} - -0.5`]:
          '⚠️ stop-loss "-0.5" is not a price. Use a number such as 0.75, "-" to keep it or "off" to clear it',
        [`/tpsl ${pm.id} 1e3 -`]:
          '⚠️ take-profit "1e3" is not a price. Use a number such as 0.75, "-" to keep it or "off" to clear it',
        [`/tpsl ${pm.id} - -`]:
          '⚠️ Nothing to change: "-" keeps a level.\nUsage: /tpsl <position id> <take-profit> <stop-loss>, e.g. /tpsl 12 0.8 0.4\n"-" keeps a level, "off" clears it: /tpsl 12 - off',
        [`/tpsl ${pm.id} 0.9`]:
          '⚠️ Usage: /tpsl <position id> <take-profit> <stop-loss>, e.g. /tpsl 12 0.8 0.4\n"-" keeps a level, "off" clears it: /tpsl 12 - off',
        '/tpsl twelve 0.9 0.1': '⚠️ "twelve" is not a position id. Use the number, e.g. /tpsl 12 0.8 0.4',
        [`/tpsl ${pm.id} 0.2 0.3`]: '⚠️ takeProfit 0.2 must be above stopLoss 0.3 for a long position',
        '/tpsl 999999 0.9 -': '🔍 Position 999999 does not exist',
      };
      for (const [command, reply] of Object.entries(replies)) {
        expect((await h.ask(ALICE_CHAT, command)).text).toBe(reply);
      }
      expect(await position(pm.id)).toMatchObject({ takeProfit: '0.99', stopLoss: '0.01', version: 2 });
    });

    it('shows TP/SL by button and clears a level with a tap', async () => {
      const list = await h.ask(ALICE_CHAT, '/positions');
      const shown = await h.tap(ALICE_CHAT, list.messageId, `pos:tpsl:${pm.id}`);
      const view = h.asReply(shown[0]!);
      expect(view.text).toBe(
        `#${pm.id} ${pm.symbol} · Yes 10 @ ${pm.entryPrice}\nTake-profit 0.99 · stop-loss 0.01\n\n` +
          `To change them send /tpsl ${pm.id} <take-profit> <stop-loss>, e.g. /tpsl ${pm.id} 0.99 -\n` +
          '"-" keeps a level, "off" clears it.',
      );
      expect(view.buttons).toEqual([
        { text: 'Clear take-profit', data: `pos:tpoff:${pm.id}` },
        { text: 'Clear stop-loss', data: `pos:sloff:${pm.id}` },
      ]);
      const cleared = await h.tap(ALICE_CHAT, view.messageId, `pos:tpoff:${pm.id}`);
      expect(cleared.map((c) => c.method)).toEqual(['editMessageText', 'answerCallbackQuery']);
      expect(cleared[0]!.params['reply_markup']).toEqual({
        inline_keyboard: [[{ text: 'Clear stop-loss', callback_data: `pos:sloff:${pm.id}` }]],
      });
      expect(cleared[1]!.params['text']).toBe('Take-profit cleared');
      expect(await position(pm.id)).toMatchObject({ takeProfit: null, stopLoss: '0.01' });
      expect((await h.ask(ALICE_CHAT, `/tpsl ${pm.id} - off`)).text).toMatch(
        /Take-profit none · stop-loss none$/,
      );
    });

    it("refuses another user's position, unknown ids and missing arguments", async () => {
      expect((await h.ask(BOB_CHAT, `/close ${eth.id}`)).text).toBe(`⛔ Position ${eth.id} is not yours`);
      expect((await h.ask(BOB_CHAT, `/tpsl ${eth.id} 1 -`)).text).toBe(`⛔ Position ${eth.id} is not yours`);
      expect((await h.ask(ALICE_CHAT, '/close 999999')).text).toBe('🔍 Position 999999 does not exist');
      expect((await h.ask(ALICE_CHAT, '/close #x')).text).toBe(
        '⚠️ "#x" is not a position id. Use the number, e.g. /close 12',
      );
      expect((await h.ask(ALICE_CHAT, '/close')).text).toBe(
        '⚠️ Usage: /close <position id>, e.g. /close 12 (/positions lists the ids)',
      );
      // A forged confirm for Alice's position from Bob's chat acts as Bob, and is refused.
      const bobsMessage = await h.ask(BOB_CHAT, '/help');
      const forged = await h.tap(BOB_CHAT, bobsMessage.messageId, `pos:closeok:${eth.id}`, { forged: true });
      expect(forged.map((c) => c.method)).toEqual(['answerCallbackQuery', 'sendMessage']);
      expect(forged[1]!.params['text']).toBe(`⛔ Position ${eth.id} is not yours`);
      expect((await position(eth.id)).status).toBe('open');
    });

    it('closes by /close and a confirming tap, exactly once', async () => {
      const confirm = await h.ask(ALICE_CHAT, `/close ${eth.id}`);
      const done = await h.tap(ALICE_CHAT, confirm.messageId, `pos:closeok:${eth.id}`);
      const closed = await position(eth.id);
      expect(closed.status).toBe('closed');
      expect(done.map((c) => c.method)).toEqual(['editMessageText', 'answerCallbackQuery']);
      expect(done[0]!.params['text']).toBe(
        `Closed #${eth.id} ETH/USDT · long 2 @ ${eth.entryPrice} at ${closed.closePrice}. Realised PnL ${closed.realizedPnl}.`,
      );
      expect(done[0]!.params['reply_markup']).toBeUndefined();
      expect(done[1]!.params['text']).toBe(`Closed #${eth.id}`);
      const twice = await h.tap(ALICE_CHAT, confirm.messageId, `pos:closeok:${eth.id}`, { forged: true });
      expect(twice[1]!.params['text']).toBe(`⚠️ Position ${eth.id} is already closed`);
      expect((await h.ask(ALICE_CHAT, `/close ${eth.id}`)).text).toBe(
        `⚠️ Position #${eth.id} is already closed`,
      );
      expect((await h.ask(ALICE_CHAT, '/positions')).text).not.toContain(`#${eth.id} `);
    });
  });
}
