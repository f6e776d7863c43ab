/**
 * The `tradeloop` command: serve, worker, migrate, users create|revoke, tokens rotate, backup.
 * With no command it prints the usage (`serve` is explicit).
 * Output meant for programs (users create) is JSON on stdout; errors go to
 * stderr with a non-zero exit code.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config/load-config.js';
import type { Config } from '../config/schema.js';
import { systemClock } from '../domain/clock.js';
import { isAppError } from '../domain/errors.js';
import { createJobs } from '../jobs/index.js';
import { startServer, stopOnSignals } from '../main.js';
import { type MetricsServer, serveMetrics } from '../observability/metrics-server.js';
import { createWorkerMetrics } from '../observability/worker-metrics.js';
import { venueConfig } from '../part-config.js';
import { migrateToLatest } from '../store/migrate.js';
import { openDatabase } from '../store/open-database.js';
import { tightenDataDir } from '../store/sqlite/private-files.js';
import { UserRepository } from '../store/user-repository.js';
import { UserService } from '../users/user-service.js';

const USAGE = `usage: tradeloop <command>
  serve                  start the HTTP API
  worker                 run research jobs from the BullMQ queue (needs REDIS_URL)
  migrate                apply pending database migrations
  users create <name> [--admin]
                         create a user; prints {"id", "name", "admin", "token"}
  users revoke <id|name> revoke the user's token, at once on every instance
  tokens rotate <id|name>
                         give the user a new token (the old one stops working); prints it
  backup <file>          online backup of the SQLite database to <file>`;

/** A command line that does not parse: the message names what is wrong, then the usage follows. */
class UsageError extends Error {}

/** The store and the user service, closed after `fn` (no other service is built). */
async function withUsers<T>(config: Config, fn: (users: UserService) => Promise<T>): Promise<T> {
  const db = await openDatabase(config);
  try {
    await migrateToLatest(db);
    return await fn(new UserService(new UserRepository(db), systemClock));
  } finally {
    await db.close();
  }
}

/**
 * `<DATA_DIR>/local-token` (printed at every start) must not keep a token that
 * no longer works: after a rotation it gets the new one, after a revocation it goes.
 */
async function refreshLocalToken(dataDir: string, users: UserService, replacement: string | undefined) {
  const file = path.join(dataDir, 'local-token');
  if (!fs.existsSync(file)) return;
  if (await users.authenticate(fs.readFileSync(file, 'utf8').trim())) return;
  if (replacement) fs.writeFileSync(file, `${replacement}\n`, { mode: 0o600 });
  else fs.unlinkSync(file);
}

const printJson = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);

async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    (command === undefined ? process.stderr : process.stdout).write(`${USAGE}\n`);
    return command === undefined ? 2 : 0;
  }
  const config = loadConfig();
  tightenDataDir(config.dataDir);
  switch (command) {
    case 'serve': {
      stopOnSignals(await startServer(config));
      return -1;
    }
    case 'worker': {
      // A BullMQ consumer: runs jobs queued by any API instance sharing this Redis and database.
      const db = await openDatabase(config);
      await migrateToLatest(db);
      const metrics = createWorkerMetrics();
      const jobs = await createJobs(
        {
          db,
          clock: systemClock,
          venueConfig: venueConfig(config),
          onError: (err) => process.stderr.write(`tradeloop worker: ${String(err)}\n`),
          onSettled: metrics.settled,
        },
        config,
        { role: 'worker' },
      );
      const metricsServer: MetricsServer | undefined =
        config.workerMetricsPort > 0
          ? await serveMetrics(metrics.registry, config.host, config.workerMetricsPort)
          : undefined;
      const serving = metricsServer ? `, metrics on http://${config.host}:${metricsServer.port}/metrics` : '';
      process.stdout.write(
        `tradeloop worker ready (pid ${process.pid}, queue prefix ${config.jobQueuePrefix}, database: ${db.dialect}${serving})\n`,
      );
      const stop = () => {
        // Running jobs go back to the queue; a second signal exits at once (they then stall and are retried).
        process.once('SIGTERM', () => process.exit(1));
        process.once('SIGINT', () => process.exit(1));
        jobs
          .close()
          .then(() => metricsServer?.close())
          .then(() => db.close())
          .then(
            () => process.exit(0),
            () => process.exit(1),
          );
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
      return -1;
    }
    case 'migrate': {
      const db = await openDatabase(config);
      const applied = await migrateToLatest(db);
      await db.close();
      process.stdout.write(`${JSON.stringify({ applied })}\n`);
      return 0;
    }
    case 'users': {
      const [sub, ref, ...flags] = rest;
      if (sub !== 'create' && sub !== 'revoke') throw new UsageError(`unknown users command "${sub ?? ''}"`);
      if (!ref) throw new UsageError(`users ${sub} needs a user ${sub === 'create' ? 'name' : 'id or name'}`);
      // Only the store: building every service would also start job executors and streams.
      await withUsers(config, async (users) => {
        if (sub === 'revoke') {
          const user = await users.revoke(ref);
          await refreshLocalToken(config.dataDir, users, undefined);
          printJson({ id: user.id, name: user.name, revoked: true });
          return;
        }
        const { user, token } = await users.create(ref, { admin: flags.includes('--admin') });
        printJson({ id: user.id, name: user.name, admin: user.isAdmin, token });
      });
      return 0;
    }
    case 'tokens': {
      const [sub, ref] = rest;
      if (sub !== 'rotate') throw new UsageError(`unknown tokens command "${sub ?? ''}"`);
      if (!ref) throw new UsageError('tokens rotate needs a user id or name');
      await withUsers(config, async (users) => {
        const { user, token } = await users.rotate(ref);
        await refreshLocalToken(config.dataDir, users, token);
        printJson({ id: user.id, name: user.name, admin: user.isAdmin, token });
      });
      return 0;
    }
    case 'backup': {
      const [file] = rest;
      if (!file) throw new UsageError('backup needs the file to write, e.g. tradeloop backup data/backup.db');
      const db = await openDatabase(config);
      const started = performance.now();
      await db.backup(file);
      await db.close();
      process.stdout.write(`${JSON.stringify({ file, ms: Math.round(performance.now() - started) })}\n`);
      return 0;
    }
  }
  throw new UsageError(`unknown command "${command}"`);
}

run(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`tradeloop: ${err.message}\n${USAGE}\n`);
      process.exit(2);
    }
    process.stderr.write(
      `tradeloop: ${isAppError(err) ? err.message : String(err instanceof Error ? err.stack : err)}\n`,
    );
    process.exit(1);
  },
);
