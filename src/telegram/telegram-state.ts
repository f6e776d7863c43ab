/**
 * The bot's state that the container owns whether or not the bot runs: its
 * status (for /readyz and /metrics, with the metrics registered) and, in
 * webhook mode (TELEGRAM_WEBHOOK_URL with a token), the intake the webhook
 * route hands updates to. Free of grammY; the bot attaches to both when it
 * starts.
 */
import type { Registry } from 'prom-client';
import type { Config } from '../config/schema.js';
import type { Clock } from '../domain/clock.js';
import { registerTelegramMetrics } from '../observability/telegram-metrics.js';
import { TelegramStatus } from './telegram-status.js';
import { TelegramWebhookIntake } from './webhook-intake.js';
import { webhookSecret } from './webhook-secret.js';

export function createTelegramState(
  config: Pick<Config, 'telegramBotToken' | 'telegramWebhookUrl' | 'telegramWebhookSecret'>,
  clock: Clock,
  registry: Registry,
): { status: TelegramStatus; webhook: TelegramWebhookIntake | undefined } {
  const status = new TelegramStatus(clock);
  const webhook =
    config.telegramBotToken && config.telegramWebhookUrl
      ? new TelegramWebhookIntake(
          status,
          webhookSecret(config.telegramBotToken, config.telegramWebhookSecret),
        )
      : undefined;
  if (webhook) status.useWebhook(config.telegramWebhookUrl);
  registerTelegramMetrics(registry, () => status);
  return { status, webhook };
}
