/**
 * The `tradeloop` command: serve, worker, migrate, users create <name>, backup <file>.
 * Output meant for programs (users create) is JSON on stdout; errors go to
 * stderr with a non-zero exit code.
 */
import { loadConfig } from '../config/load-config.js';
import { systemClock } from '../domain/clock.js';
import { isAppError } from '../domain/errors.js';
import { createJobs } from '../jobs/index.js';
import { startServer, stopOnSignals } from '../main.js';
import { type MetricsServer, serveMetrics } from '../observability/metrics-server.js';
import { createWorkerMetrics } from '../observability/worker-metrics.js';
import { venueConfig } from '../services.js';
import { migrateToLatest } from '../store/migrate.js';
import { openDatabase } from '../store/open-database.js';
import { UserRepository } from '../store/user-repository.js';
import { UserService } from '../users/user-service.js';

const USAGE = `usage: tradeloop <command>
  serve                  start the HTTP API (default)
  worker                 run research jobs from the BullMQ queue (needs REDIS_URL)
  migrate                apply pending database migrations
  users create <name> [--admin]
                         create a user; prints {"id": ..., "token": "..."}
  backup <file>          online backup of the SQLite database to <file>`;

async function run(argv: string[]): Promise<number> {
  const [command = 'serve', ...rest] = argv;
  if (command === '--help' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const config = loadConfig();
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
      const [sub, name, ...flags] = rest;
      if (sub !== 'create' || !name) break;
      // Only the store: building every service would also start job executors and streams.
      const db = await openDatabase(config);
      try {
        await migrateToLatest(db);
        const users = new UserService(new UserRepository(db), systemClock);
        const { user, token } = await users.create(name, { admin: flags.includes('--admin') });
        process.stdout.write(`${JSON.stringify({ id: user.id, name: user.name, token })}\n`);
      } finally {
        await db.close();
      }
      return 0;
    }
    case 'backup': {
      const [file] = rest;
      if (!file) break;
      const db = await openDatabase(config);
      const started = performance.now();
      await db.backup(file);
      await db.close();
      process.stdout.write(`${JSON.stringify({ file, ms: Math.round(performance.now() - started) })}\n`);
      return 0;
    }
  }
  process.stderr.write(`${USAGE}\n`);
  return 2;
}

run(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    process.stderr.write(
      `tradeloop: ${isAppError(err) ? err.message : String(err instanceof Error ? err.stack : err)}\n`,
    );
    process.exit(1);
  },
);
