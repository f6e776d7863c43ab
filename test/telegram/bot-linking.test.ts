/**
 * The bot's linking flow against the loopback Bot API: /start with a good,
 * reused, expired, unknown or malformed code; /help; and the "link first"
 * answer an unlinked chat gets for every account command.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LINK_FIRST } from '../../src/telegram/bot-context.js';
import { HELP_TEXT } from '../../src/telegram/commands/linking.js';
import { LINK_CODE_TTL_MS } from '../../src/telegram/link-service.js';
import { databaseTargets } from '../support/databases.js';
import { type BotHarness, startBotHarness } from './bot-harness.js';

for (const target of await databaseTargets()) {
  describe(`telegram bot linking (${target.name})`, () => {
    let h: BotHarness;
    beforeAll(async () => {
      h = await startBotHarness(target);
    });
    afterAll(async () => {
      expect(h.errors).toEqual([]);
      await h.close();
    });

    it("keeps its username from getMe, for the dashboard's deep link", () => {
      expect(h.telegram.status.botUsername).toBe('tradeloop_test_bot');
    });

    it('registers its command menu at start', () => {
      expect(h.tg.chats.commands.map((c) => c.command)).toEqual([
        'positions',
        'markets',
        'traders',
        'toggle',
        'copies',
        'tpsl',
        'close',
        'start',
        'unlink',
        'help',
      ]);
    });

    it('explains how to link on a bare /start, and /help lists the commands', async () => {
      expect((await h.ask(100, '/start')).text).toBe(
        'Welcome to tradeloop. To link this chat, create a link code in tradeloop ' +
          '(POST /api/v1/telegram/link-code) and send it here as /start <code>.',
      );
      const help = await h.ask(100, '/help');
      expect(help.text).toBe(HELP_TEXT);
      expect(help.text).toContain(
        '/tpsl <id> <tp> <sl> — Set take-profit / stop-loss ("-" keeps, "off" clears)',
      );
    });

    it('answers every account command in an unlinked chat with how to link', async () => {
      for (const cmd of ['/positions', '/markets btc', '/traders', '/toggle 1', '/tpsl 1 2 3', '/close 1']) {
        expect((await h.ask(101, cmd)).text).toBe(LINK_FIRST);
      }
    });

    it('links with a good code, then refuses it a second time', async () => {
      const { code } = await h.telegram.links.createCode(h.users.alice.id);
      const linked = await h.ask(102, `/start ${code}`);
      expect(linked.text).toBe(
        '✅ Linked. This chat now belongs to your tradeloop account; take-profit and stop-loss fills ' +
          'will be announced here. /help lists what I can do.',
      );
      expect(await h.telegram.links.userForChat(102)).toBe(h.users.alice.id);
      expect((await h.ask(102, '/start')).text).toBe(
        'This chat is linked to your tradeloop account. /help lists what I can do.',
      );
      expect((await h.ask(103, `/start ${code}`)).text).toBe(
        '⚠️ This link code has already been used; ask the app for a new one',
      );
      expect(await h.telegram.links.userForChat(103)).toBeUndefined();
    });

    it('refuses expired, unknown and malformed codes, naming the problem', async () => {
      const { code } = await h.telegram.links.createCode(h.users.bob.id);
      h.clock.advance(LINK_CODE_TTL_MS + 1);
      expect((await h.ask(104, `/start ${code}`)).text).toBe(
        '⚠️ This link code has expired; ask the app for a new one',
      );
      expect((await h.ask(104, '/start ZZZZZZZZ')).text).toBe(
        '🔍 This link code is not known; check it or ask the app for a new one',
      );
      expect((await h.ask(104, '/start hello!')).text).toBe(
        '⚠️ A link code is 8 letters and digits, like K7QM4XPA',
      );
      expect(await h.telegram.links.userForChat(104)).toBeUndefined();
    });

    it('links only in private chats', async () => {
      const { code } = await h.telegram.links.createCode(h.users.bob.id);
      expect((await h.ask(-500, `/start ${code}`, { chatType: 'group' })).text).toBe(
        'For your account’s safety, link me in a private chat, not a group.',
      );
      expect(await h.telegram.links.userForChat(-500)).toBeUndefined();
    });

    it('unlinks on /unlink, and never stays silent on unknown input', async () => {
      await h.link(105, h.users.bob.id);
      expect((await h.ask(105, '/unlink')).text).toBe(
        'Unlinked. This chat gets no more messages about your account.',
      );
      expect((await h.ask(105, '/positions')).text).toBe(LINK_FIRST);
      expect((await h.ask(105, '/frobnicate')).text).toBe(
        'I don’t know that command. /help lists what I can do.',
      );
      expect((await h.ask(105, 'hello?')).text).toBe('Send me a command; /help lists them.');
    });
  });
}
