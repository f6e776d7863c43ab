/**
 * /api/v1/telegram: one-time codes that link a Telegram chat to the caller
 * (with a deep link that opens the bot with the code when the bot runs
 * here and its username is known), and unlinking.
 */
import type { FastifyInstance } from 'fastify';
import type { TelegramLinkService } from '../../telegram/link-service.js';
import type { TelegramStatus } from '../../telegram/telegram-status.js';
import { NoContent } from '../answers/common.js';
import { LinkCodeJson } from '../answers/telegram.js';
import { currentUser } from '../auth.js';
import { Type } from '../json-schema.js';
import { typedRoutes } from '../type-provider.js';

export interface TelegramRouteDeps {
  links: Pick<TelegramLinkService, 'createCode' | 'unlinkForUser'>;
  /** Where the running bot's username is kept (set once the bot has started). */
  bot: Pick<TelegramStatus, 'botUsername'>;
}

const ChatParams = Type.Object(
  { chatId: Type.String({ pattern: '^-?[0-9]{1,20}$' }) },
  { additionalProperties: false },
);

export function telegramRoutes(server: FastifyInstance, deps: TelegramRouteDeps): void {
  const app = typedRoutes(server);
  app.post('/telegram/link-code', { schema: { response: { 201: LinkCodeJson } } }, async (req, reply) => {
    const { code, expiresAt } = await deps.links.createCode(currentUser(req).id);
    const botUsername = deps.bot.botUsername ?? null;
    reply.status(201);
    return {
      code,
      expiresAt: new Date(expiresAt).toISOString(),
      command: `/start ${code}`,
      botUsername,
      link: botUsername === null ? null : `https://t.me/${botUsername}?start=${code}`,
    };
  });

  app.delete(
    '/telegram/links/:chatId',
    { schema: { params: ChatParams, response: { 204: NoContent('Unlinked') } } },
    async (req, reply) => {
      await deps.links.unlinkForUser(currentUser(req).id, req.params.chatId);
      return reply.status(204).send();
    },
  );
}
