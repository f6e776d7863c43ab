/**
 * Runs the bot's long polling so that no error stops it for good. grammY's
 * `bot.start()` retries most failed `getUpdates` calls itself (network
 * errors, 5xx, 429 after `retry_after`, every 3 s), but rejects on 409
 * Conflict (another poller on the same token) and 401; then nothing polls
 * again. Here a rejected `bot.start()` is started again after an
 * exponential, jittered, capped backoff; the failures grammY retries itself
 * are stretched to the same backoff by an API transformer on `getUpdates`
 * (grammY's documented hook on outgoing calls), which also sees every
 * outcome: an outage is logged once when it starts and once when a poll
 * succeeds again, with its length, never once per retry.
 *
 * @example
 * const poller = new BotPoller({ bot, status, clock, onOutage, onRecovery });
 * poller.start(); // polls until stop(), whatever getUpdates answers
 * await poller.stop();
 */
import { type Bot, GrammyError, HttpError, type PollingOptions } from 'grammy';
import type { Clock } from '../domain/clock.js';
import type { BotContext } from './bot-context.js';
import { type BackoffRange, DEFAULT_POLL_BACKOFF, pollBackoff } from './poll-backoff.js';
import type { PollErrorKind, TelegramStatus } from './telegram-status.js';

/** grammY's own pause before it retries a failed `getUpdates` it does not rethrow. */
const GRAMMY_RETRY_MS = 3_000;

export interface BotPollerOptions {
  bot: Bot<BotContext>;
  status: TelegramStatus;
  clock: Clock;
  allowedUpdates?: PollingOptions['allowed_updates'];
  /** @default 1 s doubling to 30 s */
  backoff?: BackoffRange;
  /** Once per outage, with its first error. */
  onOutage?(err: unknown, kind: PollErrorKind): void;
  /** Once per outage, when a poll succeeds again. */
  onRecovery?(downMs: number, failures: number): void;
}

export class BotPoller {
  private running: Promise<void> | undefined;
  private stopping = false;
  /** Consecutive failures (0 while polls succeed). */
  private failures = 0;
  private wake: (() => void) | undefined;

  constructor(private readonly o: BotPollerOptions) {
    o.bot.api.config.use(async (prev, method, payload, signal) => {
      if (method !== 'getUpdates' || this.stopping) return prev(method, payload, signal);
      let res: Awaited<ReturnType<typeof prev>>;
      try {
        res = await prev(method, payload, signal);
      } catch (err) {
        if (signal?.aborted || this.stopping) throw err;
        this.failed(err);
        await this.pause(this.delay() - GRAMMY_RETRY_MS, signal);
        throw err;
      }
      if (res.ok) this.succeeded();
      else {
        this.failed(new GrammyError('Call to getUpdates failed!', res, method, payload));
        // 409 and 401 reject bot.start(); the restart waits. The rest grammY retries after 3 s.
        if (res.error_code !== 409 && res.error_code !== 401)
          await this.pause(this.delay() - GRAMMY_RETRY_MS, signal);
      }
      return res;
    });
  }

  /** True between start() and stop(), outages included. */
  get active(): boolean {
    return this.running !== undefined;
  }

  /** Starts polling in the background (returns at once; failures are retried, never thrown). */
  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.o.status.setRole('polling');
    this.running = this.supervise();
  }

  /** Stops polling (confirming handled updates) and waits for the loop to end. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.stopping = true;
    this.wake?.();
    // Stopping confirms handled updates with one last getUpdates; if that fails, they come again.
    if (this.o.bot.isRunning()) await this.o.bot.stop().catch(() => {});
    await this.running;
    this.running = undefined;
    this.failures = 0;
  }

  private async supervise(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.o.bot.start({
          ...(this.o.allowedUpdates ? { allowed_updates: this.o.allowedUpdates } : {}),
        });
        return; // stopped
      } catch (err) {
        if (this.stopping) return;
        // A getUpdates refusal was counted by the transformer; anything else (setup) is counted here.
        if (!(err instanceof GrammyError && err.method === 'getUpdates')) this.failed(err);
        await this.pause(this.delay());
      }
    }
  }

  private delay(): number {
    return pollBackoff(this.failures, this.o.backoff ?? DEFAULT_POLL_BACKOFF);
  }

  private failed(err: unknown): void {
    const kind = kindOf(err);
    this.failures++;
    if (this.o.status.failed(kind, err instanceof Error ? err.message : String(err)))
      this.o.onOutage?.(err, kind);
  }

  private succeeded(): void {
    const downMs = this.o.status.succeeded();
    if (downMs !== undefined) this.o.onRecovery?.(downMs, this.failures);
    this.failures = 0;
  }

  /** Waits `ms` of the clock's time; stop() or the abort signal cut it short. */
  private pause(ms: number, signal?: AbortLike): Promise<void> {
    if (ms <= 0 || this.stopping || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        cancel();
        signal?.removeEventListener('abort', done);
        if (this.wake === done) this.wake = undefined;
        resolve();
      };
      const cancel = this.o.clock.setTimer(ms, done);
      signal?.addEventListener('abort', done);
      this.wake = done;
    });
  }
}

/** grammY's AbortSignal type (from its abort-controller shim), narrowed to what `pause` uses. */
interface AbortLike {
  readonly aborted: boolean;
  addEventListener(type: 'abort', fn: () => void): void;
  removeEventListener(type: 'abort', fn: () => void): void;
}

/** Which kind of failure a Bot API call met: 409, 401, no answer, or another refusal. */
export function kindOf(err: unknown): PollErrorKind {
  if (err instanceof GrammyError) {
    if (err.error_code === 409) return 'conflict';
    if (err.error_code === 401) return 'unauthorized';
    return 'api';
  }
  return err instanceof HttpError ? 'network' : 'api';
}
