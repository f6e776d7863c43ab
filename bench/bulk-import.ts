/**
 * OrderService.bulkImport of 10,000 validated orders per call (one
 * transaction each, running summaries updated), repeated to 200,000 rows,
 * against a bare prepared INSERT of the same rows, one transaction per
 * 10,000, into a twin database. Batches alternate between the two so both
 * tables grow alike.
 */
import type { Benchmark } from './lib/context.js';
import { createTraders, openServices, rawSqlite } from './lib/fixtures.js';
import { ORDER_ROW_INSERT_SQL, orderStream, PAIRS, toOrderRows } from './lib/order-inputs.js';
import { result } from './lib/result.js';
import { timeOnce } from './lib/sampler.js';
import { formatNumber, summarize } from './lib/stats.js';

const BATCH = 10_000;
const BATCHES = 20;
const TARGET_ROWS_PER_SEC = 150_000;
const MIN_RATIO = 0.5;
const TIME_BUDGET_MS = 120_000;

export const bulkImport: Benchmark = {
  name: 'bulk-import',
  async run(ctx) {
    const s = await openServices(ctx.tempDir('bulk-import-service'));
    ctx.defer(() => s.close());
    const twin = await openServices(ctx.tempDir('bulk-import-reference'));
    ctx.defer(() => twin.close());

    const { user } = await s.users.create('bench');
    const traderIds = await createTraders(s, user.id, 5);
    const twinUser = (await twin.users.create('bench')).user;
    const twinTraders = await createTraders(twin, twinUser.id, 5);
    if (twinUser.id !== user.id || twinTraders.join() !== traderIds.join())
      throw new Error('twin databases differ');

    const raw = rawSqlite(twin);
    const addPair = raw.prepare(
      'INSERT INTO trading_pairs (symbol, base, quote, created_at) VALUES (?, ?, ?, ?)',
    );
    const pairIds = new Map<string, number>();
    for (const p of PAIRS) {
      const [base = '', quote = ''] = p.symbol.split('/');
      pairIds.set(p.symbol, Number(addPair.run(p.symbol, base, quote, Date.now()).lastInsertRowid));
    }
    const insert = raw.prepare(ORDER_ROW_INSERT_SQL);
    const insertBatch = raw.transaction((rows: unknown[][]) => {
      for (const r of rows) insert.run(...r);
    });

    const stream = orderStream({
      traderIds,
      total: (BATCHES + 1) * BATCH,
      endMs: Date.now() - 60_000,
      stepMs: 1_000,
      seed: 42,
    });
    const batches = Array.from({ length: BATCHES + 1 }, () => stream.next(BATCH));
    const now = Date.now();
    const rowBatches = batches.map((b) => toOrderRows(b, twinUser.id, pairIds, now));

    // Warm-up batch, not timed.
    await s.orders.bulkImport(user.id, batches[0]!);
    insertBatch.immediate(rowBatches[0]!);

    const serviceMs: number[] = [];
    const bareMs: number[] = [];
    const deadline = performance.now() + TIME_BUDGET_MS;
    for (let i = 1; i <= BATCHES && performance.now() < deadline; i++) {
      const t = await timeOnce(() => s.orders.bulkImport(user.id, batches[i]!));
      if (t.value.imported !== BATCH) throw new Error(`bulkImport imported ${t.value.imported} of ${BATCH}`);
      serviceMs.push(t.ms);
      bareMs.push((await timeOnce(() => insertBatch.immediate(rowBatches[i]!))).ms);
    }
    const rate = (ms: number[]) => (ms.length * BATCH) / (ms.reduce((a, b) => a + b, 0) / 1000);
    const service = rate(serviceMs);
    const bare = rate(bareMs);
    const sv = summarize(serviceMs);
    const rf = summarize(bareMs);
    return [
      result({
        name: 'bulk-import',
        value: service,
        unit: 'rows/s',
        target: `>= ${formatNumber(TARGET_ROWS_PER_SEC)} rows/s and >= ${MIN_RATIO * 100}% of bare`,
        reference: { name: 'bare prepared INSERT, 1 tx per 10k', value: bare, unit: 'rows/s' },
        pass: service >= TARGET_ROWS_PER_SEC && service / bare >= MIN_RATIO && serviceMs.length === BATCHES,
        notes: [
          `${serviceMs.length} timed calls of ${formatNumber(BATCH)} orders (${formatNumber(serviceMs.length * BATCH)} rows) after 1 warm-up call`,
          `per 10k call: service median ${formatNumber(sv.p50)} ms (max ${formatNumber(sv.max)}), bare median ${formatNumber(rf.p50)} ms (max ${formatNumber(rf.max)})`,
          'orders: half filled with averagePrice and fee, half open/cancelled limit orders; 90% linked to 5 traders; 4 USDT pairs; no clientOrderId',
          serviceMs.length < BATCHES ? `STOPPED BY THE ${TIME_BUDGET_MS / 1000} s BUDGET` : '',
        ].filter(Boolean),
      }),
    ];
  },
};
