/**
 * Liveness and readiness at the root, without auth. /readyz answers 503
 * naming the first dependency that is not ready within READY_TIMEOUT_MS:
 * the database (and its migrations), then Redis when the job queue uses it.
 * With the Telegram bot configured, it also says its mode (`polling` or
 * `webhook`), what the bot does here (`polling`, `webhook` on the instance
 * that keeps the webhook set, `standby` while another instance leads,
 * `off`), its last Bot API error and, in webhook mode, the webhook's URL and
 * requests; none of them makes the instance unready.
 */
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config/schema.js';
import type { TelegramStatus } from '../../telegram/telegram-status.js';
import { ErrorEnvelope, HealthJson, ReadyJson } from '../answers/common.js';
import { errorBody } from '../error-mapper.js';

/** Whether the instance can serve: ok, or the first dependency that is not ready. */
export type Readiness = { ok: true } | { ok: false; dependency: string; message: string };

export interface HealthDeps {
  readiness(): Promise<Readiness>;
  telegram: TelegramStatus;
  config: Pick<Config, 'telegramBotToken'>;
}

export function healthRoutes(app: FastifyInstance, s: HealthDeps): void {
  app.get('/healthz', { schema: { response: { 200: HealthJson } } }, async () => ({ status: 'ok' }));
  app.get(
    '/readyz',
    { schema: { response: { 200: ReadyJson, 503: ErrorEnvelope } } },
    async (_req, reply) => {
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
    },
  );
}
