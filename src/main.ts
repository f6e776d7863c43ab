/**
 * Composition root for the server: load config, open and migrate the store,
 * make sure a local user exists, listen, and shut down gracefully on
 * SIGTERM/SIGINT (stop accepting, finish in-flight requests, checkpoint, close).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import type { Config } from './config/schema.js';
import { buildServices, type Services } from './container.js';
import { ConfigError } from './domain/errors.js';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from './store/sqlite/private-files.js';

export interface RunningServer {
  app: FastifyInstance;
  services: Services;
  url: string;
  stop(): Promise<void>;
}

/**
 * On first start, creates the local admin user and keeps its token in
 * `<DATA_DIR>/local-token` (mode 0600), so every start can print it.
 */
async function localToken(s: Services, dataDir: string): Promise<string | undefined> {
  const file = path.join(dataDir, 'local-token');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  if ((await s.users.count()) > 0) return undefined;
  const { token } = await s.users.create('local', { admin: true });
  ensurePrivateDir(dataDir);
  fs.writeFileSync(file, `${token}\n`, { mode: PRIVATE_FILE_MODE });
  return token;
}

export async function startServer(config: Config, opts: { quiet?: boolean } = {}): Promise<RunningServer> {
  const services = await buildServices(config);
  const app = await buildApp(services, {
    logger: config.logLevel === 'silent' ? false : { level: config.logLevel },
  });
  const token = await localToken(services, config.dataDir);
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    await services.close();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE')
      throw new ConfigError(
        `Port ${config.port} on ${config.host} is already in use: set PORT to a free port`,
      );
    throw err;
  }
  await services.startBackground();
  const telegram = config.telegramBotToken ? await startTelegram(services, app) : undefined;
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  if (!opts.quiet) {
    const lines = [
      `tradeloop listening on ${url}  (database: ${services.db.dialect})`,
      token ? `local API token: ${token}` : 'local API token: see tradeloop users create <name>',
      token ? `dashboard: ${url}/#token=${token}` : `dashboard: ${url}/`,
      token ? `try: curl -H "Authorization: Bearer ${token}" ${url}/api/v1/traders` : '',
    ];
    process.stdout.write(`${lines.filter(Boolean).join('\n')}\n`);
  }
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      const timer = setTimeout(() => app.server.closeAllConnections(), config.shutdownTimeoutMs);
      await app.close();
      clearTimeout(timer);
      await telegram?.stop();
      await services.close();
    })();
    return stopping;
  };
  return { app, services, url, stop };
}

/**
 * The Telegram bot. Every instance sends (TP/SL fills from the positions
 * outbox, copy decisions); only the holder of the `telegram-bot` fleet lease
 * long-polls (or, in webhook mode, sets the webhook, which every instance
 * answers) and announces alerts, so a fleet sharing one token neither
 * conflicts nor announces twice.
 */
async function startTelegram(services: Services, app: FastifyInstance): Promise<{ stop(): Promise<void> }> {
  // grammY loads only when the bot is configured.
  const { startTelegramBot } = await import('./telegram/start-telegram-bot.js');
  const { AlertAnnouncer } = await import('./telegram/alert-announcer.js');
  // The watchdog's own threshold bounds how late admins hear of a stall; a third of it, 5-60 s.
  const alertEveryMs = Math.min(60_000, Math.max(5_000, Math.round(services.config.copyWatchdogMs / 3)));
  const call = services.telegramWebhook ? 'setWebhook' : 'polling';
  const bot = await startTelegramBot(
    { ...services, copies: services.copy.service },
    {
      token: services.config.telegramBotToken,
      apiRoot: services.config.telegramApiRoot,
      onError: (err) => app.log.error({ err }, 'telegram bot'),
      status: services.telegram,
      ...(services.telegramWebhook && {
        webhook: { url: services.config.telegramWebhookUrl, intake: services.telegramWebhook },
      }),
      fleet: {
        store: services.fleet.leases,
        owner: services.instanceId,
        ttlMs: services.config.fleetLeaseMs,
      },
      whileLeading: ({ api, links }) => {
        const alerts = new AlertAnnouncer(
          api,
          links,
          () => services.observability.alerts.evaluate(),
          (err) => app.log.error({ err }, 'telegram alerts'),
        );
        return { start: () => alerts.start(alertEveryMs), stop: () => alerts.stop() };
      },
      onOutage: (err, kind) => app.log.warn({ err, kind }, `telegram ${call} failing, retrying with backoff`),
      onRecovery: (downMs, failures) => app.log.info({ downMs, failures }, `telegram ${call} recovered`),
    },
  );
  const remove = services.positionNotifier.add((e) => bot.notifier.notify(e));
  const unlisten = services.copy.listen(
    (d) => void bot.copies.announce(d).catch((err) => app.log.error({ err }, 'telegram copies')),
  );
  return {
    async stop() {
      remove();
      unlisten();
      await bot.stop();
    },
  };
}

export function stopOnSignals(server: RunningServer): void {
  const onSignal = (signal: string) => {
    server.app.log.info({ signal }, 'shutting down');
    server.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        server.app.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
