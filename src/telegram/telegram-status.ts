/**
 * What the Telegram bot is doing on this instance, for /readyz and /metrics.
 * Its mode is `polling` or `webhook` (TELEGRAM_WEBHOOK_URL). Its role:
 * `polling` (this instance holds the `telegram-bot` lease and long-polls),
 * `webhook` (it holds the lease and keeps the webhook set), `standby`
 * (another instance holds it; this one still sends messages, and in webhook
 * mode answers the webhook route) or `off` (not started, or stopped).
 * Failed `getUpdates` (or, in webhook mode, `setWebhook`) calls are counted
 * by kind, and an outage (consecutive failures) is kept until a call
 * succeeds again; webhook requests are counted by outcome. Free of grammY,
 * so the container can own it whether or not the bot is configured.
 */
import type { Clock } from '../domain/clock.js';

export type TelegramRole = 'polling' | 'webhook' | 'standby' | 'off';

/** How updates reach the bot: this fleet long-polls, or Telegram POSTs them to the webhook route. */
export type TelegramMode = 'polling' | 'webhook';

/** What became of a request to the webhook route. */
export type WebhookOutcome = 'handled' | 'unauthorized' | 'invalid' | 'unavailable';

/** Why a `getUpdates` call failed: Telegram's 409 and 401, no answer at all, or another refusal. */
export type PollErrorKind = 'conflict' | 'unauthorized' | 'network' | 'api';

export interface TelegramStatusJson {
  mode: TelegramMode;
  role: TelegramRole;
  /** When this role began (ISO time). */
  since: string;
  /** Start of the current polling outage (ISO time), or null while polls succeed. */
  failingSince: string | null;
  lastError: { kind: PollErrorKind; message: string; at: string } | null;
  /** In webhook mode: the URL, when this instance last set it (ISO time, null unless it did), requests by outcome. */
  webhook: { url: string; setAt: string | null; requests: Record<WebhookOutcome, number> } | null;
}

/** The fleet lease's state, as the lease metrics read it. */
export interface LeaseView {
  readonly name: string;
  readonly held: boolean;
  readonly acquisitions: number;
}

export class TelegramStatus {
  mode: TelegramMode = 'polling';
  role: TelegramRole = 'off';
  since: number;
  failingSince: number | undefined;
  lastError: { kind: PollErrorKind; message: string; at: number } | undefined;
  /** Failed `getUpdates` calls (and failed restarts), by kind, since start. */
  readonly pollErrors: Record<PollErrorKind, number> = { conflict: 0, unauthorized: 0, network: 0, api: 0 };
  /** The `telegram-bot` lease, once the bot runs in a fleet. */
  lease: LeaseView | undefined;
  /** In webhook mode, the URL Telegram posts updates to. */
  webhookUrl: string | undefined;
  /** When this instance last set the webhook (only while it holds the role). */
  webhookSetAt: number | undefined;
  /** Requests to the webhook route, by outcome, since start. */
  readonly webhookRequests: Record<WebhookOutcome, number> = {
    handled: 0,
    unauthorized: 0,
    invalid: 0,
    unavailable: 0,
  };

  /**
   * The bot's @username (without the @), from `getMe` once the bot has
   * started on this instance: what a `https://t.me/<username>?start=<code>`
   * deep link needs. Undefined while no bot runs here.
   */
  botUsername: string | undefined;

  constructor(private readonly clock: Clock) {
    this.since = clock.now();
  }

  setRole(role: TelegramRole): void {
    if (role === this.role) return;
    this.role = role;
    this.since = this.clock.now();
    if (role !== 'polling' && role !== 'webhook') this.failingSince = undefined;
    if (role !== 'webhook') this.webhookSetAt = undefined;
  }

  /** Webhook mode, with the URL Telegram posts to. */
  useWebhook(url: string): void {
    this.mode = 'webhook';
    this.webhookUrl = url;
  }

  /** Records a failure; true when it starts an outage. */
  failed(kind: PollErrorKind, message: string): boolean {
    const now = this.clock.now();
    this.pollErrors[kind]++;
    this.lastError = { kind, message, at: now };
    if (this.failingSince !== undefined) return false;
    this.failingSince = now;
    return true;
  }

  /** Records a successful poll; the outage's length in ms when this ends one. */
  succeeded(): number | undefined {
    if (this.failingSince === undefined) return undefined;
    const downMs = this.clock.now() - this.failingSince;
    this.failingSince = undefined;
    return downMs;
  }

  toJSON(): TelegramStatusJson {
    const iso = (ms: number) => new Date(ms).toISOString();
    return {
      mode: this.mode,
      role: this.role,
      since: iso(this.since),
      failingSince: this.failingSince === undefined ? null : iso(this.failingSince),
      lastError: this.lastError ? { ...this.lastError, at: iso(this.lastError.at) } : null,
      webhook:
        this.mode === 'webhook' && this.webhookUrl !== undefined
          ? {
              url: this.webhookUrl,
              setAt: this.webhookSetAt === undefined ? null : iso(this.webhookSetAt),
              requests: { ...this.webhookRequests },
            }
          : null,
    };
  }
}
