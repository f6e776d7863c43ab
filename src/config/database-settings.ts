/**
 * Where the data lives and how the store reaches it: the database URL, the
 * PostgreSQL pool and its bounded waits, and SQLite's tuning.
 */
import { int, oneOf, setting } from './setting.js';

export const databaseSettings = {
  databaseUrl: setting({
    env: 'DATABASE_URL',
    form: 'sqlite:<path> or postgres://user@host:port/db',
    default: '',
    parse: (raw) => (/^(sqlite:|postgres(ql)?:\/\/)/.test(raw) ? raw : undefined),
    doc: 'Selects the database. Default `sqlite:<DATA_DIR>/tradeloop.db`.',
  }),
  databasePoolSize: setting({
    env: 'DATABASE_POOL_SIZE',
    form: 'an integer from 1 to 200',
    default: 10,
    parse: int(1, 200),
    doc: 'PostgreSQL connection pool size (SQLite always uses one writer and one reader connection).',
  }),
  databaseConnectTimeoutMs: setting({
    env: 'DATABASE_CONNECT_TIMEOUT_MS',
    form: 'an integer from 100 to 600000',
    default: 5_000,
    parse: int(100, 600_000),
    doc: 'PostgreSQL: longest wait for a new connection, or for a free one from the pool; then the request answers 503 `DEPENDENCY_UNAVAILABLE`.',
  }),
  databaseStatementTimeoutMs: setting({
    env: 'DATABASE_STATEMENT_TIMEOUT_MS',
    form: 'an integer from 0 to 3600000',
    default: 15_000,
    parse: int(0, 3_600_000),
    doc: 'PostgreSQL: the server cancels a statement running longer (`statement_timeout`), and the driver stops waiting for an answer 1 s after it (`query_timeout`: a network partition); either answers 503. Migrations are exempt. 0 = no limit.',
  }),
  databaseIdleInTransactionTimeoutMs: setting({
    env: 'DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS',
    form: 'an integer from 0 to 3600000',
    default: 30_000,
    parse: int(0, 3_600_000),
    doc: 'PostgreSQL: the server ends a session left idle inside a transaction this long (`idle_in_transaction_session_timeout`), releasing its locks. 0 = no limit.',
  }),
  sqliteBusyTimeoutMs: setting({
    env: 'SQLITE_BUSY_TIMEOUT_MS',
    form: 'an integer from 0 to 600000',
    default: 5_000,
    parse: int(0, 600_000),
    doc: 'SQLite: how long a statement waits for a lock held by another process (a CLI command, a backup) before answering 503 `DEPENDENCY_UNAVAILABLE`. The wait blocks the process.',
  }),
  sqliteSynchronous: setting({
    env: 'SQLITE_SYNCHRONOUS',
    form: 'normal or full',
    default: 'normal' as 'normal' | 'full',
    parse: oneOf('normal', 'full'),
    doc: 'NORMAL survives a process crash (kill -9); FULL also survives power loss, at a cost per commit.',
  }),
  sqliteCacheMb: setting({
    env: 'SQLITE_CACHE_MB',
    form: 'an integer from 1 to 4096',
    default: 16,
    parse: int(1, 4096),
    doc: 'SQLite page cache per connection, in MiB.',
  }),
  sqliteMmapMb: setting({
    env: 'SQLITE_MMAP_MB',
    form: 'an integer from 0 to 65536',
    default: 0,
    parse: int(0, 65536),
    doc: 'SQLite memory-mapped I/O size, in MiB (0 disables: pages are read into the page cache; mapped pages a busy service reads count in its resident memory, ~40 MiB with the copy engine at full rate).',
  }),
};
