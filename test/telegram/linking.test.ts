/**
 * Linking a chat to a user on every database: codes are one-time, expire
 * after their TTL on the injected clock, are stored only as hashes, and a
 * race of two chats for one code has exactly one winner. The API routes go
 * through the same auth and error mapping as the rest of /api/v1.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAuth } from '../../src/api/auth.js';
import { AuthFailureLimiter } from '../../src/api/client-guard.js';
import { sendError } from '../../src/api/error-mapper.js';
import { telegramRoutes } from '../../src/api/routes/telegram.js';
import { validatorCompiler } from '../../src/api/validator.js';
import { systemClock } from '../../src/domain/clock.js';
import { LINK_CODE_ALPHABET } from '../../src/telegram/link-code.js';
import {
  createTelegramLinkService,
  LINK_CODE_TTL_MS,
  type TelegramLinkService,
} from '../../src/telegram/link-service.js';
import { databaseTargets } from '../support/databases.js';
import { type TestContext, testServices } from '../support/services.js';

for (const target of await databaseTargets()) {
  describe(`telegram linking (${target.name})`, () => {
    let t: TestContext;
    let links: TelegramLinkService;
    let app: FastifyInstance;
    let alice: { id: number; token: string };
    let bob: { id: number; token: string };
    /** What the route reads the bot's username from (the running bot sets it in TelegramStatus). */
    const bot: { botUsername: string | undefined } = { botUsername: undefined };

    beforeAll(async () => {
      t = await testServices(target);
      links = createTelegramLinkService(t.services.db, t.clock);
      const a = await t.services.users.create('alice');
      const b = await t.services.users.create('bob');
      alice = { id: a.user.id, token: a.token };
      bob = { id: b.user.id, token: b.token };
      app = Fastify();
      app.setValidatorCompiler(validatorCompiler);
      app.setErrorHandler((err, req, reply) => sendError(err, req, reply));
      await app.register(
        async (api) => {
          registerAuth(api, t.services.users, new AuthFailureLimiter(systemClock, 60));
          telegramRoutes(api, { links, bot });
        },
        { prefix: '/api/v1' },
      );
    });
    afterAll(async () => {
      await app.close();
      await t.close();
    });

    const codeError = (code: string, chat: number) =>
      links.link(code, chat).then(
        () => 'linked',
        (e: Error & { code?: string }) => `${e.code}: ${e.message}`,
      );

    it('links a chat with a fresh code, once, and stores only its hash', async () => {
      const { code, expiresAt } = await links.createCode(alice.id);
      expect(code).toMatch(new RegExp(`^[${LINK_CODE_ALPHABET}]{8}$`));
      expect(expiresAt).toBe(t.clock.now() + LINK_CODE_TTL_MS);
      const stored = await t.services.db.kysely.selectFrom('telegram_link_codes').selectAll().execute();
      expect(JSON.stringify(stored)).not.toContain(code);
      expect(await links.link(` ${code.slice(0, 4).toLowerCase()}-${code.slice(4)} `, 1001)).toBe(alice.id);
      expect(await links.userForChat(1001)).toBe(alice.id);
      expect(await codeError(code, 1002)).toBe(
        'VALIDATION_FAILED: This link code has already been used; ask the app for a new one',
      );
      expect(await links.userForChat(1002)).toBeUndefined();
    });

    it('rejects expired, unknown and malformed codes with a reason', async () => {
      const { code } = await links.createCode(alice.id);
      t.clock.advance(LINK_CODE_TTL_MS);
      expect(await codeError(code, 1003)).toBe(
        'VALIDATION_FAILED: This link code has expired; ask the app for a new one',
      );
      expect(await codeError('ABCDEFGH', 1003)).toBe(
        'NOT_FOUND: This link code is not known; check it or ask the app for a new one',
      );
      expect(await codeError('0OIL', 1003)).toBe(
        'VALIDATION_FAILED: A link code is 8 letters and digits, like K7QM4XPA',
      );
      expect(await links.userForChat(1003)).toBeUndefined();
    });

    it('lets exactly one of two chats racing with the same code win', async () => {
      const { code } = await links.createCode(bob.id);
      const results = await Promise.all([codeError(code, 2001), codeError(code, 2002)]);
      expect(results.filter((r) => r === 'linked')).toHaveLength(1);
      expect(await links.chatsForUser(bob.id)).toHaveLength(1);
    });

    it('relinks a chat to the newest code owner, lists and unlinks chats', async () => {
      await links.link((await links.createCode(alice.id)).code, 3001);
      await links.link((await links.createCode(alice.id)).code, 3002);
      await links.link((await links.createCode(bob.id)).code, 3002);
      expect(await links.userForChat(3002)).toBe(bob.id);
      expect(await links.chatsForUser(alice.id)).toEqual(expect.arrayContaining(['1001', '3001']));
      expect(await links.chatsForUser(alice.id)).not.toContain('3002');
      expect(await links.unlink(3001)).toBe(true);
      expect(await links.unlink(3001)).toBe(false);
      await expect(links.link('ABCDEFGH', 'not-a-chat')).rejects.toThrow(/is not a Telegram chat id/);
    });

    it('POST /telegram/link-code gives the caller a code that links to them', async () => {
      const r = await app.inject({
        method: 'POST',
        url: '/api/v1/telegram/link-code',
        headers: { authorization: `Bearer ${alice.token}` },
      });
      expect(r.statusCode).toBe(201);
      const body = r.json();
      expect(body).toEqual({
        code: expect.stringMatching(/^[A-Z2-9]{8}$/),
        expiresAt: new Date(t.clock.now() + LINK_CODE_TTL_MS).toISOString(),
        command: `/start ${body.code}`,
        // No bot runs here: no username, no deep link.
        botUsername: null,
        link: null,
      });
      expect(await links.link(body.code, 4001)).toBe(alice.id);
      const anonymous = await app.inject({ method: 'POST', url: '/api/v1/telegram/link-code' });
      expect(anonymous.statusCode).toBe(401);
    });

    it("adds a t.me deep link with the code once the bot's username is known", async () => {
      bot.botUsername = 'tradeloop_test_bot';
      try {
        const r = await app.inject({
          method: 'POST',
          url: '/api/v1/telegram/link-code',
          headers: { authorization: `Bearer ${bob.token}` },
        });
        expect(r.statusCode).toBe(201);
        const { code, command, botUsername, link } = r.json();
        expect(command).toBe(`/start ${code}`);
        expect(botUsername).toBe('tradeloop_test_bot');
        expect(link).toBe(`https://t.me/tradeloop_test_bot?start=${code}`);
        // Telegram passes the start parameter on as "/start <code>": the deep link's code links like a typed one.
        expect(new URL(link).searchParams.get('start')).toBe(code);
        expect(await links.link(new URL(link).searchParams.get('start')!, 4002)).toBe(bob.id);
      } finally {
        bot.botUsername = undefined;
      }
    });

    it("DELETE /telegram/links/:chatId unlinks the caller's chat, and only theirs", async () => {
      const del = (chat: string, who: { token: string }) =>
        app.inject({
          method: 'DELETE',
          url: `/api/v1/telegram/links/${chat}`,
          headers: { authorization: `Bearer ${who.token}` },
        });
      const notYours = await del('4001', bob);
      expect(notYours.statusCode).toBe(404);
      expect(notYours.json().error.code).toBe('NOT_FOUND');
      expect(await links.userForChat(4001)).toBe(alice.id);
      expect((await del('4001', alice)).statusCode).toBe(204);
      expect(await links.userForChat(4001)).toBeUndefined();
      expect((await del('abc', alice)).statusCode).toBe(400);
    });
  });
}
