/**
 * Wires the store, cache and services together from a Config. Used by the
 * HTTP server, the CLI and the tests, so all of them run the same objects.
 */
import { TaggedCache } from './cache/tagged-cache.js';
import type { Config } from './config/schema.js';
import { TraderService } from './copytrading/trader-service.js';
import { type Clock, systemClock } from './domain/clock.js';
import { FillLedger } from './ledger/fill-ledger.js';
import { OrderService } from './ledger/order-service.js';
import type { Database } from './store/database.js';
import { LedgerRepository } from './store/ledger-repository.js';
import { migrateToLatest, migrationsAreCurrent } from './store/migrate.js';
import { openDatabase } from './store/open-database.js';
import { OrderRepository } from './store/order-repository.js';
import { TraderRepository } from './store/trader-repository.js';
import { TradingPairRepository } from './store/trading-pair-repository.js';
import { UserRepository } from './store/user-repository.js';
import { UserService } from './users/user-service.js';

export interface Services {
  config: Config;
  clock: Clock;
  db: Database;
  cache: TaggedCache;
  users: UserService;
  traders: TraderService;
  orders: OrderService;
  /** True when the database answers and every migration is applied. */
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

export async function buildServices(
  config: Config,
  opts: { clock?: Clock; migrate?: boolean } = {},
): Promise<Services> {
  const clock = opts.clock ?? systemClock;
  const db = openDatabase(config);
  if (opts.migrate ?? true) await migrateToLatest(db);
  const cache = new TaggedCache({ maxEntries: 50_000 });
  const ledgerRepo = new LedgerRepository(db);
  const traders = new TraderService(
    db,
    new TraderRepository(db),
    ledgerRepo,
    cache,
    clock,
    config.performanceCacheTtlMs,
  );
  const orders = new OrderService({
    db,
    orders: new OrderRepository(db),
    pairs: new TradingPairRepository(db),
    ledger: ledgerRepo,
    fills: new FillLedger(ledgerRepo),
    clock,
    onChange: (userId) => traders.changed(userId),
  });
  return {
    config,
    clock,
    db,
    cache,
    users: new UserService(new UserRepository(db), clock),
    traders,
    orders,
    async ready() {
      try {
        await db.ping();
        return await migrationsAreCurrent(db);
      } catch {
        return false;
      }
    },
    close: () => db.close(),
  };
}
