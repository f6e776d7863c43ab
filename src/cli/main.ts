/**
 * The `tradeloop` command: serve, migrate, users create <name>, backup <file>.
 * Output meant for programs (users create) is JSON on stdout; errors go to
 * stderr with a non-zero exit code.
 */
import { loadConfig } from '../config/load-config.js';
import { isAppError } from '../domain/errors.js';
import { startServer, stopOnSignals } from '../main.js';
import { buildServices } from '../services.js';
import { migrateToLatest } from '../store/migrate.js';
import { openDatabase } from '../store/open-database.js';

const USAGE = `usage: tradeloop <command>
  serve                  start the HTTP API (default)
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
      const s = await buildServices(config);
      try {
        const { user, token } = await s.users.create(name, { admin: flags.includes('--admin') });
        process.stdout.write(`${JSON.stringify({ id: user.id, name: user.name, token })}\n`);
      } finally {
        await s.close();
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
