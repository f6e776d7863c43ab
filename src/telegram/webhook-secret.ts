/**
 * The webhook's secret token: what Telegram sends in
 * `X-Telegram-Bot-Api-Secret-Token` with every update, and the only proof a
 * POST to the webhook route comes from Telegram. Every instance of a fleet
 * must hold the same one (the load balancer sends each update to any of
 * them), so without `TELEGRAM_WEBHOOK_SECRET` it is derived from the bot
 * token, which they share: HMAC-SHA256 of a fixed label keyed by the token,
 * base64url (43 characters, all allowed by Telegram). It reveals nothing of
 * the token, and changes when the token is rotated. Free of grammY.
 *
 * @example
 * const secret = webhookSecret(config.telegramBotToken, config.telegramWebhookSecret);
 * secretMatches(req.headers['x-telegram-bot-api-secret-token'], secret); // constant time
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** The request header Telegram puts the secret token in. */
export const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

const LABEL = 'tradeloop telegram webhook secret v1';

/** The configured secret, or one derived from the bot token when none is set. */
export function webhookSecret(botToken: string, configured = ''): string {
  if (configured !== '') return configured;
  return createHmac('sha256', botToken).update(LABEL).digest('base64url');
}

/**
 * Whether a request's header carries `secret`, compared in constant time
 * (digests of equal length, so neither the content nor the length leaks).
 */
export function secretMatches(header: string | string[] | undefined, secret: string): boolean {
  if (typeof header !== 'string') return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(header), digest(secret));
}
