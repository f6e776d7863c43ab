/**
 * Tells admins in Telegram when the copy watchdog fires and when it clears:
 * "stopped copying and nobody noticed" is what the watchdog exists to
 * prevent, and an alert nobody reads does not prevent it. Every `intervalMs`
 * the active alerts are read; one that was not active before is announced
 * in every chat linked to an admin, one that went away is announced as
 * resolved. Best effort: a message Telegram refuses is reported to
 * `onError` and not retried (the alert stays in /performance/alerts and
 * /metrics). Only the instance that long-polls (the holder of the
 * `telegram-bot` fleet lease) announces, so a fleet announces once.
 */
import type { Api } from 'grammy';
import type { Alert } from '../observability/alerts.js';
import type { TelegramLinkService } from './link-service.js';

/** The alerts announced: the copy watchdog. The others are for dashboards, not phones. */
const ANNOUNCED: ReadonlySet<Alert['metric']> = new Set(['copy_watcher_stalled']);

export class AlertAnnouncer {
  private known = new Map<string, Alert>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly api: Pick<Api, 'sendMessage'>,
    private readonly links: Pick<TelegramLinkService, 'adminChats'>,
    private readonly alerts: () => Alert[],
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  start(intervalMs: number): void {
    this.timer ??= setInterval(() => void this.check(), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One round: announces alerts that started and ended since the last round. */
  check(): Promise<void> {
    this.running ??= this.round().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async round(): Promise<void> {
    const now = new Map(
      this.alerts()
        .filter((a) => ANNOUNCED.has(a.metric))
        .map((a) => [a.id, a]),
    );
    const lines: string[] = [];
    for (const [id, a] of now) if (!this.known.has(id)) lines.push(`🚨 ${a.message}`);
    for (const [id, a] of this.known) if (!now.has(id)) lines.push(`✅ Resolved: ${resolvedText(a)}`);
    this.known = now;
    if (lines.length === 0) return;
    try {
      const chats = await this.links.adminChats();
      const text = lines.join('\n');
      await Promise.all(chats.map((chat) => this.api.sendMessage(chat, text).catch(this.onError)));
    } catch (err) {
      this.onError(err);
    }
  }
}

function resolvedText(a: Alert): string {
  if (a.metric === 'copy_watcher_stalled')
    return `copying ${a.labels['source']} leader ${a.labels['address']} is running again`;
  return a.message;
}
