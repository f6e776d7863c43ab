/**
 * Where webhook updates enter an instance. The route (`POST
 * /telegram/webhook`, registered when the app is built) hands every request
 * here; the bot attaches its handler once it has started. A request without
 * the secret token is refused (401) before anything else is looked at; a
 * body that is not an update is a 400; before the bot is attached (or after
 * it stopped) the answer is 503, so Telegram delivers the update again
 * later. Telegram retries every non-2xx answer, so a handled update is
 * always a 200, even when its handler failed (the bot has already replied
 * with an apology and logged it; a redelivery could apply a close twice).
 * Free of grammY.
 *
 * @example
 * const intake = new TelegramWebhookIntake(status, webhookSecret(token));
 * const detach = intake.attach((update) => bot.handleUpdate(update));
 * await intake.receive(req.headers[SECRET_HEADER], req.body); // { status: 200, outcome: 'handled' }
 */
import type { TelegramStatus, WebhookOutcome } from './telegram-status.js';
import { secretMatches } from './webhook-secret.js';

/** An update as Telegram posts it: a JSON object with a numeric `update_id`. */
export interface WebhookUpdate {
  update_id: number;
  [field: string]: unknown;
}

export interface WebhookAnswer {
  status: 200 | 400 | 401 | 503;
  outcome: WebhookOutcome;
}

const STATUS: Record<WebhookOutcome, WebhookAnswer['status']> = {
  handled: 200,
  invalid: 400,
  unauthorized: 401,
  unavailable: 503,
};

export class TelegramWebhookIntake {
  private handler: ((update: WebhookUpdate) => Promise<void>) | undefined;

  constructor(
    private readonly status: Pick<TelegramStatus, 'webhookRequests'>,
    /** The secret token Telegram must send (and the leader passes to setWebhook). */
    readonly secret: string,
  ) {}

  /** Whether a request's secret header is the right one (constant time). */
  authorized(header: string | string[] | undefined): boolean {
    return secretMatches(header, this.secret);
  }

  /** The bot's handler (it must not throw); returns the function that detaches it. */
  attach(handler: (update: WebhookUpdate) => Promise<void>): () => void {
    this.handler = handler;
    return () => {
      if (this.handler === handler) this.handler = undefined;
    };
  }

  /** Checks and handles one request; resolves once the update has been handled. */
  async receive(header: string | string[] | undefined, body: unknown): Promise<WebhookAnswer> {
    if (!this.authorized(header)) return this.answer('unauthorized');
    if (!isUpdate(body)) return this.answer('invalid');
    const handler = this.handler;
    if (!handler) return this.answer('unavailable');
    await handler(body);
    return this.answer('handled');
  }

  /** Counts a request refused before `receive` (the route's early secret check). */
  answer(outcome: WebhookOutcome): WebhookAnswer {
    this.status.webhookRequests[outcome]++;
    return { status: STATUS[outcome], outcome };
  }
}

function isUpdate(body: unknown): body is WebhookUpdate {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const id = (body as { update_id?: unknown }).update_id;
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0;
}
