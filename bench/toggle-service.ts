/**
 * Toggling a followed trader through the service layer (validation, guarded
 * UPDATE ... RETURNING, cache invalidation), committed before it returns,
 * against a bare prepared UPDATE on the same table and connection.
 */
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Benchmark } from './lib/context.js';
import { createTraders, openServices, rawSqlite } from './lib/fixtures.js';
import { result } from './lib/result.js';
import { sampleInterleaved } from './lib/sampler.js';
import { describe, summarize } from './lib/stats.js';

const TRADERS = 1_000;
const TARGET_P99_US = 1_000;

export const toggleService: Benchmark = {
  name: 'toggle-service',
  async run(ctx) {
    const dir = ctx.tempDir('toggle-service');
    const s = await openServices(dir);
    ctx.defer(() => s.close());
    const { user } = await s.users.create('bench');
    const ids = await createTraders(s, user.id, TRADERS);
    const enabled = ids.map(() => true);
    let next = 0;
    const flip = (): [number, boolean] => {
      const k = next++ % ids.length;
      enabled[k] = !enabled[k];
      return [k, enabled[k]!];
    };

    const bare = rawSqlite(s).prepare(
      'UPDATE traders SET enabled = ?, version = version + 1, updated_at = ? WHERE id = ?',
    );
    const [service = [], reference = []] = await sampleInterleaved(
      [
        () => {
          const [k, on] = flip();
          return s.traders.update(user.id, ids[k]!, { enabled: on });
        },
        () => {
          const [k, on] = flip();
          return bare.run(on ? 1 : 0, Date.now(), ids[k]!);
        },
      ],
      { warmup: 2_000, samples: 20_000, maxMs: 30_000, chunk: 1_000 },
    );

    // Durability check: another connection sees every toggle (each was committed).
    const other = new BetterSqlite3(path.join(dir, 'tradeloop.db'), { readonly: true });
    const rows = other.prepare('SELECT id, enabled FROM traders ORDER BY id').all() as {
      id: number;
      enabled: number;
    }[];
    other.close();
    const mismatches = rows.filter((r, i) => r.id !== ids[i] || (r.enabled === 1) !== enabled[i]).length;

    const sv = summarize(service);
    const rf = summarize(reference);
    return [
      result({
        name: 'toggle-service',
        value: sv.p99,
        unit: 'µs',
        target: 'p99 <= 1 ms',
        reference: { name: 'bare prepared UPDATE p99', value: rf.p99, unit: 'µs' },
        pass: sv.p99 <= TARGET_P99_US && mismatches === 0,
        notes: [
          `service: ${describe(sv, 'µs')}`,
          `bare UPDATE: ${describe(rf, 'µs')}`,
          `${TRADERS} traders toggled in turn, SQLite WAL synchronous=${s.config.sqliteSynchronous}, every call auto-committed`,
          mismatches === 0
            ? 'a second connection sees every toggle committed'
            : `DURABILITY CHECK FAILED: ${mismatches} traders differ on a second connection`,
        ],
      }),
    ];
  },
};
