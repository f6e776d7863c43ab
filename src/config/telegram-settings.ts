/**
 * Settings of the Telegram bot: its token and Bot API server, and webhook
 * mode (`TELEGRAM_WEBHOOK_URL`), in which Telegram POSTs updates to the
 * fleet's load balancer instead of one instance long-polling.
 */
import { setting, text } from './setting.js';

/** The route every instance serves in webhook mode; `TELEGRAM_WEBHOOK_URL` ends with it. */
export const TELEGRAM_WEBHOOK_PATH = '/telegram/webhook';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * A public webhook URL: https, or http on a loopback host (a local Bot API
 * server, tests), ending in the route path, without credentials or fragment.
 */
export function parseWebhookUrl(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
  if (!secure || url.username || url.password || url.hash || url.search) return undefined;
  if (!url.pathname.endsWith(TELEGRAM_WEBHOOK_PATH)) return undefined;
  return url.toString();
}

/** Telegram's rule for `secret_token`: 1-256 characters of A-Z, a-z, 0-9, `_` and `-`. */
export const WEBHOOK_SECRET_PATTERN = /^[A-Za-z0-9_-]{1,256}$/;

export const telegramSettings = {
  telegramBotToken: setting({
    env: 'TELEGRAM_BOT_TOKEN',
    form: 'a bot token from @BotFather',
    default: '',
    parse: text,
    secret: true,
    doc: 'Starts the Telegram bot when set (long polling, or webhook mode with TELEGRAM_WEBHOOK_URL). In a fleet every instance sends; the one holding the `telegram-bot` lease (FLEET_LEASE_MS) polls, or sets the webhook; another takes over when it dies.',
  }),
  telegramApiRoot: setting({
    env: 'TELEGRAM_API_ROOT',
    form: 'an http(s) URL',
    default: 'https://api.telegram.org',
    parse: (raw: string) => (/^https?:\/\/[^\s]+$/.test(raw) ? raw.replace(/\/+$/, '') : undefined),
    doc: 'Bot API server the bot talks to (a self-hosted Bot API server, or a loopback one in tests).',
  }),
  telegramWebhookUrl: setting({
    env: 'TELEGRAM_WEBHOOK_URL',
    form: `an https URL ending in ${TELEGRAM_WEBHOOK_PATH} (http only on 127.0.0.1, localhost or [::1]), without query or credentials`,
    default: '',
    parse: parseWebhookUrl,
    doc: `Webhook mode: the public URL of the fleet's load balancer, ending in ${TELEGRAM_WEBHOOK_PATH}. No instance polls; the \`telegram-bot\` lease holder calls setWebhook with it, and every instance answers POST ${TELEGRAM_WEBHOOK_PATH}. Unset: long polling (which deletes a webhook left set).`,
  }),
  telegramWebhookSecret: setting({
    env: 'TELEGRAM_WEBHOOK_SECRET',
    form: '1-256 characters of A-Z, a-z, 0-9, _ and -',
    default: '',
    parse: (raw: string) => (WEBHOOK_SECRET_PATTERN.test(raw) ? raw : undefined),
    secret: true,
    doc: 'The secret Telegram sends in X-Telegram-Bot-Api-Secret-Token with each webhook update; requests without it are refused (401). Must be the same on every instance. Default: derived from the bot token (HMAC-SHA256), so instances with the same token agree.',
  }),
};
