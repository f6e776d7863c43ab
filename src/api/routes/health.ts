/**
 * Liveness and readiness at the root, without auth. /readyz answers 503
 * naming the first dependency that is not ready within READY_TIMEOUT_MS:
 * the database (and its migrations), then Redis when the job queue uses it.
 * With the Telegram bot configured, it also says what the bot does here
 * (`polling`, `standby` while another instance polls, `off`) and its last
 * polling error; none of them makes the instance unready.
 */
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../services.js';
import { errorBody } from '../error-mapper.js';

export function healthRoutes(app: FastifyInstance, s: Services): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const r = await s.readiness();
    if (r.ok)
      return s.config.telegramBotToken
        ? { status: 'ready', telegram: s.telegram.toJSON() }
        : { status: 'ready' };
    return reply
      .status(503)
      .send(
        errorBody('DEPENDENCY_UNAVAILABLE', `${r.dependency} not ready: ${r.message}`, [
          { path: r.dependency, message: r.message },
        ]),
      );
  });
}
