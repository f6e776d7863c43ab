/**
 * Starts the Telegram bot from the same services as the API and hands back
 * its notifier for the positions outbox. A wrong token or an unreachable Bot
 * API fails the start (`getMe`, `setMyCommands`); after that, polling
 * failures never stop the bot (see `BotPoller`). Telegram allows one long
 * poller per token, so in a fleet (`fleet` given) only the instance holding
 * the `telegram-bot` lease polls, and runs `whilePolling`; the others stand
 * by, sending messages all the same (sendMessage does not conflict), and one
 * of them takes over when the holder dies. Without `fleet` the bot polls at
 * once.
 *
 * @example
 * if (config.telegramBotToken) {
 *   const telegram = await startTelegramBot(services, { token: config.telegramBotToken,
 *     fleet: { store: new LeaseRepository(db), owner: instanceId, ttlMs: config.fleetLeaseMs } });
 *   // outbox: await telegram.notifier.notify(event); on shutdown: await telegram.stop();
 * }
 */
import type { Bot } from 'grammy';
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

/** The fleet lease name of the bot's poller. */
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
  /** Poll only while holding the `telegram-bot` lease. @default poll at once */
  fleet?: {
    store: Pick<LeaseRepository, 'acquire' | 'release'>;
    /** This instance's id. */
    owner: string;
    ttlMs: number;
  };
  /** Where the role and polling errors are kept. @default a new one */
  status?: TelegramStatus;
  /** Work only the polling instance does (the alert announcer), started and stopped with polling. */
  whilePolling?: (bot: { api: Bot<BotContext>['api']; links: TelegramLinkService }) => {
    start(): void;
    stop(): Promise<void>;
  };
  /** Clock of the lease and of the retry backoff. @default the system clock */
  pollClock?: Clock;
  /** Retry backoff after failed polls. @default 1 s doubling to 30 s */
  backoff?: BackoffRange;
  /** A polling outage began (logged once per outage). @default console.warn */
  onOutage?: BotPollerOptions['onOutage'];
  /** Polling recovered after an outage. @default console.info */
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
  /** Stops polling (confirming handled updates), releases the lease, waits for the loop to end. */
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
  const poller = new BotPoller({
    bot,
    status,
    clock,
    allowedUpdates: ['message', 'callback_query'],
    ...(opts.backoff ? { backoff: opts.backoff } : {}),
    onOutage:
      opts.onOutage ?? ((err, kind) => console.warn(`telegram polling failing (${kind}), retrying:`, err)),
    onRecovery:
      opts.onRecovery ??
      ((ms, n) => console.info(`telegram polling recovered after ${ms} ms (${n} failed attempts)`)),
  });
  const leaderWork = opts.whilePolling?.({ api: bot.api, links });
  let leading = false;
  const startPolling = () => {
    poller.start();
    if (!leading) leaderWork?.start();
    leading = true;
  };
  const stopPolling = async (next: 'standby' | 'off') => {
    if (leading) await leaderWork?.stop();
    leading = false;
    await poller.stop();
    status.setRole(next);
  };
  const lease = opts.fleet
    ? new FleetLease({
        name: TELEGRAM_LEASE,
        owner: opts.fleet.owner,
        ttlMs: opts.fleet.ttlMs,
        store: opts.fleet.store,
        clock,
        onAcquire: () => void startPolling(),
        onLose: () => stopPolling('standby'),
        onError: (err) => onError(err),
      })
    : undefined;
  status.lease = lease;
  if (lease) {
    status.setRole('standby');
    await lease.start();
  } else startPolling();
  return {
    bot,
    notifier: new TelegramNotifier(bot.api, links),
    copies: new CopyAnnouncer(bot.api, links, onError),
    links,
    status,
    lease,
    async stop() {
      if (lease) await lease.stop();
      await stopPolling('off');
    },
  };
}
