/**
 * Starts the Telegram bot by long polling, from the same services as the API,
 * and hands back its notifier for the positions outbox. Resolves once the bot
 * is polling; a wrong token or an unreachable Bot API fails the start.
 *
 * @example
 * if (config.telegramBotToken) {
 *   const telegram = await startTelegramBot(services, { token: config.telegramBotToken });
 *   // outbox: await telegram.notifier.notify(event); on shutdown: await telegram.stop();
 * }
 */
import type { Bot } from 'grammy';
import type { Clock } from '../domain/clock.js';
import type { Database } from '../store/database.js';
import type { BotContext } from './bot-context.js';
import type { BotDeps, PositionsPort } from './bot-deps.js';
import { COMMANDS } from './commands/linking.js';
import { CopyAnnouncer } from './copy-announcer.js';
import { createBot } from './create-bot.js';
import { createTelegramLinkService, type TelegramLinkService } from './link-service.js';
import { TelegramNotifier } from './notifier.js';

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
  /** Unexpected errors (handlers, polling). @default console.error */
  onError?: (err: unknown) => void;
}

export interface RunningTelegramBot {
  bot: Bot<BotContext>;
  notifier: TelegramNotifier;
  /** Announces copy decisions in the users' chats (those not muted). */
  copies: CopyAnnouncer;
  links: TelegramLinkService;
  /** Stops polling (confirming handled updates) and waits for the loop to end. */
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
  let polling!: Promise<void>;
  await new Promise<void>((resolve, reject) => {
    polling = bot.start({ allowed_updates: ['message', 'callback_query'], onStart: () => resolve() });
    polling.catch(reject);
  });
  const loop = polling.catch(onError);
  return {
    bot,
    notifier: new TelegramNotifier(bot.api, links),
    copies: new CopyAnnouncer(bot.api, links, onError),
    links,
    async stop() {
      // Stopping confirms handled updates with one last getUpdates; if that fails, they come again.
      if (bot.isRunning()) await bot.stop().catch(onError);
      await loop;
    },
  };
}
