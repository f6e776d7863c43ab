/**
 * The Telegram bot in /metrics: whether this instance long-polls (summed
 * over a fleet it must be 1 when the bot is configured) and its failed
 * `getUpdates` calls by kind (conflict = another poller on the token).
 */
import type { Registry } from 'prom-client';
import { registerCollected, SnapshotMetric } from './collected-metric.js';

export interface TelegramState {
  role: string;
  pollErrors: Readonly<Record<string, number>>;
}

export function registerTelegramMetrics(registry: Registry, state: () => TelegramState): void {
  registerCollected(
    registry,
    new SnapshotMetric(
      'tradeloop_telegram_polling',
      'This instance long-polls the Telegram Bot API (1) or not (0: standby or off)',
      'gauge',
      () => [{ labels: {}, value: state().role === 'polling' ? 1 : 0 }],
    ),
  );
  registerCollected(
    registry,
    new SnapshotMetric(
      'tradeloop_telegram_poll_errors_total',
      'Failed Telegram getUpdates calls (and restarts) by kind: conflict, unauthorized, network, api',
      'counter',
      () => Object.entries(state().pollErrors).map(([kind, value]) => ({ labels: { kind }, value })),
    ),
  );
}
