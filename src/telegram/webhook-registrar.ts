/**
 * Keeps Telegram's webhook pointed at the fleet: the holder of the
 * `telegram-bot` lease calls `setWebhook` with the load balancer's URL, the
 * secret token and the update types, once when it takes the role (so once
 * per fleet, and again after a failover, harmlessly: the call is
 * idempotent). A refused or unanswered call is retried after an
 * exponential, jittered, capped backoff until it succeeds or the role is
 * lost; an outage is logged once when it starts and once when it ends.
 * Leaving the role does not delete the webhook: the other instances still
 * answer it, and the next holder sets it again.
 *
 * @example
 * const registrar = new WebhookRegistrar({ api: bot.api, url, secret, status, clock });
 * registrar.start(); // sets the webhook in the background, retrying
 * await registrar.stop();
 */
import type { Bot } from 'grammy';
import type { Clock } from '../domain/clock.js';
import type { BotContext } from './bot-context.js';
import { kindOf } from './bot-poller.js';
import { type BackoffRange, DEFAULT_POLL_BACKOFF, pollBackoff } from './poll-backoff.js';
import type { PollErrorKind, TelegramStatus } from './telegram-status.js';

export interface WebhookRegistrarOptions {
  api: Pick<Bot<BotContext>['api'], 'setWebhook'>;
  /** The public URL Telegram posts to (TELEGRAM_WEBHOOK_URL). */
  url: string;
  /** Sent back by Telegram in X-Telegram-Bot-Api-Secret-Token. */
  secret: string;
  allowedUpdates: readonly ('message' | 'callback_query')[];
  status: TelegramStatus;
  clock: Clock;
  /** @default 1 s doubling to 30 s */
  backoff?: BackoffRange;
  /** Once per outage, with its first error. */
  onOutage?(err: unknown, kind: PollErrorKind): void;
  /** Once per outage, when setWebhook succeeds again. */
  onRecovery?(downMs: number, failures: number): void;
}

export class WebhookRegistrar {
  private running: Promise<void> | undefined;
  private stopping = false;
  private failures = 0;
  private wake: (() => void) | undefined;

  constructor(private readonly o: WebhookRegistrarOptions) {}

  /** Takes the role and sets the webhook in the background (returns at once; failures are retried). */
  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.o.status.setRole('webhook');
    this.running = this.register();
  }

  /** Gives up retrying and waits for the call under way. The webhook stays set. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.stopping = true;
    this.wake?.();
    await this.running;
    this.running = undefined;
    this.failures = 0;
  }

  private async register(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.o.api.setWebhook(this.o.url, {
          secret_token: this.o.secret,
          allowed_updates: [...this.o.allowedUpdates],
        });
        if (this.stopping) return;
        this.o.status.webhookSetAt = this.o.clock.now();
        const downMs = this.o.status.succeeded();
        if (downMs !== undefined) this.o.onRecovery?.(downMs, this.failures);
        this.failures = 0;
        return;
      } catch (err) {
        if (this.stopping) return;
        const kind = kindOf(err);
        this.failures++;
        if (this.o.status.failed(kind, err instanceof Error ? err.message : String(err)))
          this.o.onOutage?.(err, kind);
        await this.pause(pollBackoff(this.failures, this.o.backoff ?? DEFAULT_POLL_BACKOFF));
      }
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        cancel();
        this.wake = undefined;
        resolve();
      };
      const cancel = this.o.clock.setTimer(ms, done);
      this.wake = done;
    });
  }
}
