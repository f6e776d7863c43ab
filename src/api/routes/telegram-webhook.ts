/**
 * POST /telegram/webhook: where Telegram posts updates in webhook mode
 * (TELEGRAM_WEBHOOK_URL), on every instance behind the load balancer. No
 * bearer token: the `X-Telegram-Bot-Api-Secret-Token` header is checked
 * (constant time) before the body is even read, and a request without the
 * right one is a 401 with nothing handled. The answer is an empty 200 once
 * the bot has handled the update; 503 while this instance's bot is not
 * running, so Telegram delivers it again (to whichever instance).
 */
import type { FastifyInstance } from 'fastify';
import { TELEGRAM_WEBHOOK_PATH } from '../../config/telegram-settings.js';
import type { TelegramWebhookIntake } from '../../telegram/webhook-intake.js';
import { SECRET_HEADER } from '../../telegram/webhook-secret.js';
import { errorBody } from '../error-mapper.js';

const REFUSALS = {
  unauthorized: ['UNAUTHORIZED', `Missing or wrong ${SECRET_HEADER} header`],
  invalid: ['VALIDATION_FAILED', 'The body is not a Telegram update (an object with a numeric update_id)'],
  unavailable: ['DEPENDENCY_UNAVAILABLE', 'The Telegram bot is not running on this instance yet'],
} as const;

export function telegramWebhookRoutes(app: FastifyInstance, intake: TelegramWebhookIntake): void {
  app.post(
    TELEGRAM_WEBHOOK_PATH,
    {
      onRequest: async (req, reply) => {
        if (intake.authorized(req.headers[SECRET_HEADER])) return;
        intake.answer('unauthorized');
        const [code, message] = REFUSALS.unauthorized;
        await reply.status(401).send(errorBody(code, message));
      },
    },
    async (req, reply) => {
      const answer = await intake.receive(req.headers[SECRET_HEADER], req.body);
      if (answer.outcome === 'handled') return reply.status(200).send();
      const [code, message] = REFUSALS[answer.outcome];
      if (answer.status === 503) reply.header('retry-after', '1');
      return reply.status(answer.status).send(errorBody(code, message));
    },
  );
}
