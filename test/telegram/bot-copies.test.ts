/**
 * Copy trading in the chat: /copies lists the latest decisions, /copies mute
 * and unmute switch this chat's announcements, and committed decisions are
 * announced (one message per user and page) only in chats that did not mute.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decimal } from '../../src/domain/decimal.js';
import type { CopyDecision } from '../../src/store/copy-repository.js';
import { databaseTargets } from '../support/databases.js';
import { type BotHarness, startBotHarness } from './bot-harness.js';

const ALICE_CHAT = 301;
const ALICE_PHONE = 302;

const decision = (over: Partial<CopyDecision>): CopyDecision => ({
  id: 1,
  userId: 0,
  traderId: 7,
  source: 'simulated',
  sourceTradeId: 't1',
  sourceTs: 0,
  detectedAt: 0,
  decidedAt: 0,
  status: 'copied',
  reason: null,
  reducedBy: null,
  side: 'buy',
  market: 'BTC/USDT',
  outcomeIndex: null,
  leaderSize: decimal('1'),
  leaderPrice: decimal('43000'),
  size: decimal('0.01'),
  price: decimal('43010'),
  orderId: 1,
  positionId: 1,
  latencyMs: 3,
  ...over,
});

for (const target of await databaseTargets()) {
  describe(`telegram bot copies (${target.name})`, () => {
    let h: BotHarness;
    beforeAll(async () => {
      h = await startBotHarness(target);
      await h.link(ALICE_CHAT, h.users.alice.id);
      await h.link(ALICE_PHONE, h.users.alice.id);
    });
    afterAll(async () => {
      expect(h.errors).toEqual([]);
      await h.close();
    });

    it('/copies says when there is nothing yet, and refuses an unknown argument', async () => {
      expect((await h.ask(ALICE_CHAT, '/copies')).text).toMatch(/^No copy decisions yet/);
      expect((await h.ask(ALICE_CHAT, '/copies loud')).text).toMatch(/Usage: \/copies/);
    });

    it('announces copies and skips in the chats that did not mute them', async () => {
      expect((await h.ask(ALICE_PHONE, '/copies mute')).text).toMatch(/no longer announced/);
      const before = h.tg.callsTo('sendMessage').length;
      await h.telegram.copies.announce([
        decision({ userId: h.users.alice.id }),
        decision({
          id: 2,
          userId: h.users.alice.id,
          status: 'skipped',
          reason: 'insufficient_balance',
          size: null,
          price: null,
        }),
      ]);
      const sent = h.tg.callsTo('sendMessage').slice(before);
      expect(sent.map((c) => String(c.params['chat_id']))).toEqual([String(ALICE_CHAT)]);
      expect(String(sent[0]!.params['text'])).toBe(
        '✅ #7 buy 0.01 BTC/USDT @ 43010\n⏭ #7 buy BTC/USDT skipped: paper balance too low',
      );
      expect((await h.ask(ALICE_PHONE, '/copies unmute')).text).toMatch(/announced here again/);
      const mid = h.tg.callsTo('sendMessage').length;
      await h.telegram.copies.announce([decision({ id: 3, userId: h.users.alice.id })]);
      expect(
        h.tg
          .callsTo('sendMessage')
          .slice(mid)
          .map((c) => String(c.params['chat_id']))
          .sort(),
      ).toEqual([String(ALICE_CHAT), String(ALICE_PHONE)]);
    });
  });
}
