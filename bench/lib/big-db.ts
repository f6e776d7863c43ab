/**
 * The shared large dataset: one user with 100 traders and 1,000,000 orders,
 * imported through OrderService.bulkImport in batches of 10,000 so the running
 * summaries (trader stats, positions, daily volume) are exactly what the
 * service would keep. Built once per run in the run's temp directory; the
 * services are closed afterwards so each benchmark (or a child process) opens
 * the file itself.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createTraders, openServices } from './fixtures.js';
import { orderStream, PAIRS } from './order-inputs.js';

export const BIG_ORDERS = 1_000_000;
export const BIG_TRADERS = 100;
const BATCH = 10_000;

export interface BigDb {
  dataDir: string;
  /** The database the services open (DATABASE_URL): the SQLite file, or a PostgreSQL schema. */
  databaseUrl: string;
  /** The SQLite file (empty on PostgreSQL). */
  file: string;
  userId: number;
  token: string;
  traderIds: number[];
  pairs: string[];
  orders: number;
  buildMs: number;
  /** Size of the database (file after a checkpoint, or schema), in bytes. */
  bytes: number;
}

/** Builds the dataset in `dataDir` on `databaseUrl` (the SQLite file there when empty). */
export async function buildBigDb(
  dataDir: string,
  log: (m: string) => void,
  databaseUrl = '',
): Promise<BigDb> {
  fs.mkdirSync(dataDir, { recursive: true });
  const started = performance.now();
  const url = databaseUrl || `sqlite:${path.join(dataDir, 'tradeloop.db')}`;
  const s = await openServices(dataDir, { databaseUrl: url });
  let bytes = 0;
  let seeded: { userId: number; token: string; traderIds: number[] };
  try {
    const { user, token } = await s.users.create('bench');
    const traderIds = await createTraders(s, user.id, BIG_TRADERS);
    const stream = orderStream({
      traderIds,
      total: BIG_ORDERS,
      endMs: Date.now() - 60_000,
      stepMs: 20_000,
      seed: 7,
    });
    for (let done = 0; done < BIG_ORDERS; done += BATCH) {
      const r = await s.orders.bulkImport(user.id, stream.next(BATCH));
      if (r.imported !== BATCH) throw new Error(`bulk import took ${r.imported} of ${BATCH} orders`);
      if ((done + BATCH) % 250_000 === 0) {
        const secs = ((performance.now() - started) / 1000).toFixed(1);
        log(`1M-order database: ${(done + BATCH).toLocaleString('en-US')} orders imported, ${secs} s`);
      }
    }
    seeded = { userId: user.id, token, traderIds };
    if (s.db.dialect === 'postgres') {
      // Fresh statistics, as the maintenance job would keep them.
      await s.db.run({ sql: 'analyze', parameters: [] });
      const r = await s.db.first<{ bytes: number }>({
        sql: 'select sum(pg_total_relation_size(c.oid))::bigint as bytes from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = current_schema() and c.relkind = $1',
        parameters: ['r'],
      });
      bytes = Number(r?.bytes ?? 0);
    }
  } finally {
    await s.close();
  }
  const file = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : '';
  return {
    ...seeded,
    dataDir,
    databaseUrl: url,
    file,
    pairs: PAIRS.map((p) => p.symbol),
    orders: BIG_ORDERS,
    buildMs: performance.now() - started,
    bytes: file ? fs.statSync(file).size : bytes,
  };
}
