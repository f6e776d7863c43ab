/**
 * Starts the Telegram bot from the same services as the API and hands back
 * its notifier for the positions outbox. A wrong token or an unreachable Bot
 * API fails the start (`getMe`, `setMyCommands`). Updates arrive one of two
 * ways:
 *
 * - long polling (the default): Telegram allows one poller per token, so in
 *   a fleet (`fleet` given) only the instance holding the `telegram-bot`
 *   lease polls (grammY deletes a webhook left set before its first poll);
 *   polling failures never stop the bot (see `BotPoller`);
 * - webhook (`webhook` given): nobody polls; the lease holder sets the
 *   webhook (see `WebhookRegistrar`) and every instance handles the updates
 *   its webhook route receives (see `TelegramWebhookIntake`).
 *
 * Either way the lease holder also runs `whileLeading` (the alert
 * announcer); every instance sends messages (sendMessage never conflicts),
 * and another takes the lease when the holder dies. Without `fleet` this
 * instance leads at once.
 *
 * @example
 * if (config.telegramBotToken) {
 *   const telegram = await startTelegramBot(services, { token: config.telegramBotToken,
 *     fleet: { store: new LeaseRepository(db), owner: instanceId, ttlMs: config.fleetLeaseMs } });
 *   // outbox: await telegram.notifier.notify(event); on shutdown: await telegram.stop();
 * }
 */
import { type Bot, BotError } from 'grammy';
import type { Update } from 'grammy/types';
import { type Clock, systemClock } from '../domain/clock.js';
import { FleetLease } from '../fleet/fleet-lease.js';
import type { Database } from '../store/database.js';
import type { LeaseRepository } from '../store/lease-repository.js';
import type { BotContext } from './bot-context.js';
import type { BotDeps, PositionsPort } from './bot-deps.js';
import { BotPoller, type BotPollerOptions } from './bot-poller.js';
import { COMMANDS } from './commands/linking.js';
import { CopyAnnouncer } from './copy-announcer.js';
import { createBot } from './create-bot.js';
import { createTelegramLinkService, type TelegramLinkService } from './link-service.js';
import { TelegramNotifier } from './notifier.js';
import type { BackoffRange } from './poll-backoff.js';
import { TelegramStatus } from './telegram-status.js';
import type { TelegramWebhookIntake } from './webhook-intake.js';
import { WebhookRegistrar } from './webhook-registrar.js';

/** The fleet lease name of the bot's poller (or, in webhook mode, of the instance that sets the webhook). */
export const TELEGRAM_LEASE = 'telegram-bot';

/** The services the bot reads; `Services` (with `positions`) satisfies it. */
export interface TelegramBotServices {
  db: Database;
  clock: Clock;
  traders: BotDeps['traders'];
  marketData: BotDeps['marketData'];
  positions: PositionsPort;
  copies: BotDeps['copies'];
}

export interface TelegramBotOptions {
  token: string;
  /** @default https://api.telegram.org */
  apiRoot?: string;
  /** Clock for link-code expiry. @default services.clock */
  clock?: Clock;
  /** Unexpected errors (handlers, the lease store). @default console.error */
  onError?: (err: unknown) => void;
  /** Lead (poll, or set the webhook) only while holding the `telegram-bot` lease. @default lead at once */
  fleet?: {
    store: Pick<LeaseRepository, 'acquire' | 'release'>;
    /** This instance's id. */
    owner: string;
    ttlMs: number;
  };
  /** Where the role and polling errors are kept. @default a new one */
  status?: TelegramStatus;
  /**
   * Webhook mode: updates come through the webhook route's intake, and the
   * leading instance points Telegram's webhook at `url`. @default long polling
   */
  webhook?: {
    /** The public URL (TELEGRAM_WEBHOOK_URL). */
    url: string;
    intake: Pick<TelegramWebhookIntake, 'attach' | 'secret'>;
  };
  /** Work only the leading instance does (the alert announcer), started and stopped with the lease. */
  whileLeading?: (bot: { api: Bot<BotContext>['api']; links: TelegramLinkService }) => {
    start(): void;
    stop(): Promise<void>;
  };
  /** Clock of the lease and of the retry backoff. @default the system clock */
  pollClock?: Clock;
  /** Retry backoff after failed polls (or setWebhook calls). @default 1 s doubling to 30 s */
  backoff?: BackoffRange;
  /** Polling (or, in webhook mode, setWebhook) began failing; once per outage. @default console.warn */
  onOutage?: BotPollerOptions['onOutage'];
  /** Polling (or setWebhook) succeeded again after an outage. @default console.info */
  onRecovery?: BotPollerOptions['onRecovery'];
}

export interface RunningTelegramBot {
  bot: Bot<BotContext>;
  notifier: TelegramNotifier;
  /** Announces copy decisions in the users' chats (those not muted). */
  copies: CopyAnnouncer;
  links: TelegramLinkService;
  status: TelegramStatus;
  /** The `telegram-bot` lease, in a fleet. */
  lease: FleetLease | undefined;
  /** Stops polling (confirming handled updates) or handling webhook updates, releases the lease. */
  stop(): Promise<void>;
}

export async function startTelegramBot(
  services: TelegramBotServices,
  opts: TelegramBotOptions,
): Promise<RunningTelegramBot> {
  const onError = opts.onError ?? ((err: unknown) => console.error('telegram bot:', err));
  const links = createTelegramLinkService(services.db, opts.clock ?? services.clock);
  const bot = createBot(
    opts.token,
    {
      links,
      positions: services.positions,
      traders: services.traders,
      marketData: services.marketData,
      copies: services.copies,
      onError,
    },
    opts.apiRoot ? { apiRoot: opts.apiRoot } : {},
  );
  await bot.init();
  await bot.api.setMyCommands(COMMANDS.map(({ command, description }) => ({ command, description })));
  const clock = opts.pollClock ?? systemClock;
  const status = opts.status ?? new TelegramStatus(clock);
  status.botUsername = bot.botInfo.username;
  const updates = updateSource(bot, opts, status, clock, onError);
  const leaderWork = opts.whileLeading?.({ api: bot.api, links });
  let leading = false;
  const lead = () => {
    updates.start();
    if (!leading) leaderWork?.start();
    leading = true;
  };
  const stopLeading = async (next: 'standby' | 'off') => {
    if (leading) await leaderWork?.stop();
    leading = false;
    await updates.stop();
    status.setRole(next);
  };
  const lease = opts.fleet
    ? new FleetLease({
        name: TELEGRAM_LEASE,
        owner: opts.fleet.owner,
        ttlMs: opts.fleet.ttlMs,
        store: opts.fleet.store,
        clock,
        onAcquire: () => void lead(),
        onLose: () => stopLeading('standby'),
        onError: (err) => onError(err),
      })
    : undefined;
  status.lease = lease;
  if (lease) {
    status.setRole('standby');
    await lease.start();
  } else lead();
  return {
    bot,
    notifier: new TelegramNotifier(bot.api, links),
    copies: new CopyAnnouncer(bot.api, links, onError),
    links,
    status,
    lease,
    async stop() {
      if (lease) await lease.stop();
      await stopLeading('off');
      updates.detach();
      status.botUsername = undefined;
    },
  };
}

const ALLOWED_UPDATES = ['message', 'callback_query'] as const;

/**
 * What the leading instance runs to get updates: the poller, or the webhook
 * registrar (with this instance's handler attached to the webhook intake at
 * once, leading or not: the load balancer sends updates to any instance).
 */
function updateSource(
  bot: Bot<BotContext>,
  opts: TelegramBotOptions,
  status: TelegramStatus,
  clock: Clock,
  onError: (err: unknown) => void,
): { start(): void; stop(): Promise<void>; detach(): void } {
  const onOutage =
    opts.onOutage ?? ((err, kind) => console.warn(`telegram Bot API failing (${kind}), retrying:`, err));
  const onRecovery =
    opts.onRecovery ??
    ((ms, n) => console.info(`telegram Bot API recovered after ${ms} ms (${n} failed attempts)`));
  const backoff = opts.backoff ? { backoff: opts.backoff } : {};
  if (!opts.webhook) {
    const poller = new BotPoller({
      bot,
      status,
      clock,
      allowedUpdates: [...ALLOWED_UPDATES],
      ...backoff,
      onOutage,
      onRecovery,
    });
    return { start: () => poller.start(), stop: () => poller.stop(), detach: () => undefined };
  }
  status.useWebhook(opts.webhook.url);
  const registrar = new WebhookRegistrar({
    api: bot.api,
    url: opts.webhook.url,
    secret: opts.webhook.intake.secret,
    allowedUpdates: ALLOWED_UPDATES,
    status,
    clock,
    ...backoff,
    onOutage,
    onRecovery,
  });
  const detach = opts.webhook.intake.attach(async (update) => {
    try {
      await bot.handleUpdate(update as unknown as Update);
    } catch (err) {
      // The bot's own handler already replied; what escapes it is logged, never redelivered.
      onError(err instanceof BotError ? err.error : err);
    }
  });
  return { start: () => registrar.start(), stop: () => registrar.stop(), detach };
}
