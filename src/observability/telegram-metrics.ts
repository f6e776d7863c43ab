/**
 * The Telegram bot in /metrics: its mode (polling or webhook), whether this
 * instance leads (long-polls, or has set the webhook; summed over a fleet
 * each must be 1 when the bot is configured), its failed `getUpdates` /
 * `setWebhook` calls by kind (conflict = another poller on the token), and
 * the requests its webhook route answered, by outcome.
 */
import type { Registry } from 'prom-client';
import { registerCollected, SnapshotMetric } from './collected-metric.js';

export interface TelegramState {
  mode: string;
  role: string;
  pollErrors: Readonly<Record<string, number>>;
  webhookSetAt: number | undefined;
  webhookRequests: Readonly<Record<string, number>>;
}

const MODES = ['polling', 'webhook'] as const;

export function registerTelegramMetrics(registry: Registry, state: () => TelegramState): void {
  const families = [
    new SnapshotMetric(
      'tradeloop_telegram_polling',
      'This instance long-polls the Telegram Bot API (1) or not (0: webhook mode, standby or off)',
      'gauge',
      () => [{ labels: {}, value: state().role === 'polling' ? 1 : 0 }],
    ),
    new SnapshotMetric(
      'tradeloop_telegram_mode',
      'How updates reach the bot on this instance: 1 for its mode (polling or webhook), 0 for the other',
      'gauge',
      () => MODES.map((mode) => ({ labels: { mode }, value: state().mode === mode ? 1 : 0 })),
    ),
    new SnapshotMetric(
      'tradeloop_telegram_webhook_set',
      'This instance holds the webhook role and has set the webhook at Telegram (1) or not (0)',
      'gauge',
      () => [{ labels: {}, value: state().role === 'webhook' && state().webhookSetAt !== undefined ? 1 : 0 }],
    ),
    new SnapshotMetric(
      'tradeloop_telegram_poll_errors_total',
      'Failed Telegram getUpdates calls and restarts (webhook mode: setWebhook calls) by kind: conflict, unauthorized, network, api',
      'counter',
      () => Object.entries(state().pollErrors).map(([kind, value]) => ({ labels: { kind }, value })),
    ),
    new SnapshotMetric(
      'tradeloop_telegram_webhook_requests_total',
      'Requests to POST /telegram/webhook by outcome: handled, unauthorized (wrong secret), invalid, unavailable (bot not running)',
      'counter',
      () =>
        Object.entries(state().webhookRequests).map(([outcome, value]) => ({ labels: { outcome }, value })),
    ),
  ];
  for (const family of families) registerCollected(registry, family);
}
