/**
 * Liveness and readiness at the root, without auth. With the Telegram bot
 * configured, /readyz also says what it does here (`polling`, `standby`
 * while another instance polls, `off`) and its last polling error; none of
 * them makes the instance unready.
 */
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../services.js';
import { errorBody } from '../error-mapper.js';

export function healthRoutes(app: FastifyInstance, s: Services): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    if (await s.ready())
      return s.config.telegramBotToken
        ? { status: 'ready', telegram: s.telegram.toJSON() }
        : { status: 'ready' };
    return reply
      .status(503)
      .send(errorBody('DEPENDENCY_UNAVAILABLE', 'Database unreachable or migrations pending'));
  });
}
