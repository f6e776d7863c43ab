/**
 * OrderService.bulkImport of 10,000 validated orders per call (one
 * transaction each, running summaries updated), repeated to 200,000 rows,
 * against a bare insert of the same rows, one transaction per 10,000, into a
 * twin database with the same schema and indexes: on SQLite a prepared
 * INSERT per row, on PostgreSQL multi-row INSERTs of 1,000 rows. Batches
 * alternate between the two so both tables grow alike.
 */
import type { BenchContext, Benchmark } from './lib/context.js';
import { profilePhase } from './lib/cpu-profile.js';
import { type BenchDialect, bareClient, figureName, perDialect, servicesOn } from './lib/dialects.js';
import { createTraders, rawSqlite } from './lib/fixtures.js';
import { ORDER_ROW_INSERT_SQL, orderStream, PAIRS, toOrderRows } from './lib/order-inputs.js';
import { type BenchResult, result } from './lib/result.js';
import { timeOnce } from './lib/sampler.js';
import { formatNumber, summarize } from './lib/stats.js';

const BATCH = 10_000;
const BATCHES = 20;
const PG_CHUNK = 1_000;
const MIN_RATIO = { sqlite: 0.8, postgres: 0.7 };
const TIME_BUDGET_MS = 120_000;

export const bulkImport: Benchmark = perDialect('bulk-import', measure);

type BareInsert = (rows: unknown[][]) => Promise<unknown> | unknown;

/** The bare insert of one batch into the twin, in one transaction. */
async function bareInserter(
  ctx: BenchContext,
  dialect: BenchDialect,
  twin: Awaited<ReturnType<typeof servicesOn>>,
): Promise<{ pairIds: Map<string, number>; insert: BareInsert; name: string }> {
  const pairIds = new Map<string, number>();
  const now = Date.now();
  if (dialect === 'sqlite') {
    const raw = rawSqlite(twin.s);
    const addPair = raw.prepare(
      'INSERT INTO trading_pairs (symbol, base, quote, created_at) VALUES (?, ?, ?, ?)',
    );
    for (const p of PAIRS) {
      const [base = '', quote = ''] = p.symbol.split('/');
      pairIds.set(p.symbol, Number(addPair.run(p.symbol, base, quote, now).lastInsertRowid));
    }
    const insert = raw.prepare(ORDER_ROW_INSERT_SQL);
    const batch = raw.transaction((rows: unknown[][]) => {
      for (const r of rows) insert.run(...r);
    });
    return { pairIds, insert: (rows) => batch.immediate(rows), name: 'bare prepared INSERT, 1 tx per 10k' };
  }
  const c = await bareClient(ctx, twin.url);
  for (const p of PAIRS) {
    const [base = '', quote = ''] = p.symbol.split('/');
    const r = await c.query(
      'INSERT INTO trading_pairs (symbol, base, quote, created_at) VALUES ($1, $2, $3, $4) RETURNING id',
      [p.symbol, base, quote, now],
    );
    pairIds.set(p.symbol, Number(r.rows[0].id));
  }
  const head = ORDER_ROW_INSERT_SQL.slice(0, ORDER_ROW_INSERT_SQL.indexOf('values'));
  const insert = async (rows: unknown[][]) => {
    await c.query('BEGIN');
    for (let start = 0; start < rows.length; start += PG_CHUNK) {
      const values: unknown[] = [];
      const tuples = rows.slice(start, start + PG_CHUNK).map((row) => {
        const ph = row.map((v) => `$${values.push(v)}`);
        return `(${ph.join(', ')})`;
      });
      await c.query(`${head} values ${tuples.join(', ')}`, values);
    }
    await c.query('COMMIT');
  };
  return { pairIds, insert, name: `bare multi-row INSERT (${PG_CHUNK} rows), 1 tx per 10k` };
}

async function measure(ctx: BenchContext, dialect: BenchDialect): Promise<BenchResult> {
  const main = await servicesOn(ctx, dialect, 'bulk_import_service');
  const twin = await servicesOn(ctx, dialect, 'bulk_import_reference');
  const s = main.s;
  const { user } = await s.users.create('bench');
  const traderIds = await createTraders(s, user.id, 5);
  const twinUser = (await twin.s.users.create('bench')).user;
  const twinTraders = await createTraders(twin.s, twinUser.id, 5);
  if (twinUser.id !== user.id || twinTraders.join() !== traderIds.join())
    throw new Error('twin databases differ');
  const bare = await bareInserter(ctx, dialect, twin);

  const stream = orderStream({
    traderIds,
    total: (BATCHES + 1) * BATCH,
    endMs: Date.now() - 60_000,
    stepMs: 1_000,
    seed: 42,
  });
  const batches = Array.from({ length: BATCHES + 1 }, () => stream.next(BATCH));
  const now = Date.now();
  const rowBatches = batches.map((b) => toOrderRows(b, twinUser.id, bare.pairIds, now));

  // Warm-up batch, not timed.
  await s.orders.bulkImport(user.id, batches[0]!);
  await bare.insert(rowBatches[0]!);

  const serviceMs: number[] = [];
  const bareMs: number[] = [];
  const deadline = performance.now() + TIME_BUDGET_MS;
  await profilePhase(figureName('bulk-import', dialect), async () => {
    for (let i = 1; i <= BATCHES && performance.now() < deadline; i++) {
      const t = await timeOnce(() => s.orders.bulkImport(user.id, batches[i]!));
      if (t.value.imported !== BATCH) throw new Error(`bulkImport imported ${t.value.imported} of ${BATCH}`);
      serviceMs.push(t.ms);
      bareMs.push((await timeOnce(() => bare.insert(rowBatches[i]!))).ms);
    }
  });
  const rate = (ms: number[]) => (ms.length * BATCH) / (ms.reduce((a, b) => a + b, 0) / 1000);
  const service = rate(serviceMs);
  const reference = rate(bareMs);
  const sv = summarize(serviceMs);
  const rf = summarize(bareMs);
  const minRatio = MIN_RATIO[dialect];
  return result({
    name: figureName('bulk-import', dialect),
    dialect,
    value: service,
    unit: 'rows/s',
    target: `>= ${minRatio * 100}% of bare`,
    reference: { name: bare.name, value: reference, unit: 'rows/s' },
    pass: service / reference >= minRatio && serviceMs.length === BATCHES,
    notes: [
      `${serviceMs.length} timed calls of ${formatNumber(BATCH)} orders (${formatNumber(serviceMs.length * BATCH)} rows) after 1 warm-up call`,
      `per 10k call: service median ${formatNumber(sv.p50)} ms (max ${formatNumber(sv.max)}), bare median ${formatNumber(rf.p50)} ms (max ${formatNumber(rf.max)})`,
      'same schema and indexes on both sides; orders: half filled with averagePrice and fee, half open/cancelled limit orders; 90% linked to 5 traders; 4 USDT pairs; no clientOrderId',
      serviceMs.length < BATCHES ? `STOPPED BY THE ${TIME_BUDGET_MS / 1000} s BUDGET` : '',
    ].filter(Boolean),
  });
}
