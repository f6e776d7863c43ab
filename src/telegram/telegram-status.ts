/**
 * What the Telegram bot is doing on this instance, for /readyz and /metrics:
 * `polling` (this instance holds the `telegram-bot` lease and long-polls),
 * `standby` (another instance polls; this one still sends messages) or `off`
 * (not started, or stopped). Polling failures are counted by kind, and an
 * outage (consecutive failed `getUpdates` calls) is kept until a call
 * succeeds again. Free of grammY, so the container can own it whether or not
 * the bot is configured.
 */
import type { Clock } from '../domain/clock.js';

export type TelegramRole = 'polling' | 'standby' | 'off';

/** Why a `getUpdates` call failed: Telegram's 409 and 401, no answer at all, or another refusal. */
export type PollErrorKind = 'conflict' | 'unauthorized' | 'network' | 'api';

export interface TelegramStatusJson {
  role: TelegramRole;
  /** When this role began (ISO time). */
  since: string;
  /** Start of the current polling outage (ISO time), or null while polls succeed. */
  failingSince: string | null;
  lastError: { kind: PollErrorKind; message: string; at: string } | null;
}

/** The fleet lease's state, as the lease metrics read it. */
export interface LeaseView {
  readonly name: string;
  readonly held: boolean;
  readonly acquisitions: number;
}

export class TelegramStatus {
  role: TelegramRole = 'off';
  since: number;
  failingSince: number | undefined;
  lastError: { kind: PollErrorKind; message: string; at: number } | undefined;
  /** Failed `getUpdates` calls (and failed restarts), by kind, since start. */
  readonly pollErrors: Record<PollErrorKind, number> = { conflict: 0, unauthorized: 0, network: 0, api: 0 };
  /** The `telegram-bot` lease, once the bot runs in a fleet. */
  lease: LeaseView | undefined;

  constructor(private readonly clock: Clock) {
    this.since = clock.now();
  }

  setRole(role: TelegramRole): void {
    if (role === this.role) return;
    this.role = role;
    this.since = this.clock.now();
    if (role !== 'polling') this.failingSince = undefined;
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
      role: this.role,
      since: iso(this.since),
      failingSince: this.failingSince === undefined ? null : iso(this.failingSince),
      lastError: this.lastError ? { ...this.lastError, at: iso(this.lastError.at) } : null,
    };
  }
}
