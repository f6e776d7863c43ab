/**
 * Database maintenance on a schedule. SQLite: a bounded `ANALYZE`
 * (`analysis_limit` keeps it short on big tables, since it holds the
 * writer), `PRAGMA optimize`, and `PRAGMA incremental_vacuum` — which only
 * frees pages when the file was created with auto_vacuum=INCREMENTAL; our
 * databases use the default (NONE), so that step reports itself skipped with
 * the free-page count instead. PostgreSQL: `ANALYZE` of this schema's tables
 * (autovacuum does the vacuuming). Then the tasks other modules add (the
 * sweep of expired idempotency keys, the prune of job results older than
 * JOB_RESULT_TTL_DAYS). Each run is returned as a record for the jobs list.
 */
import type { Clock } from '../domain/clock.js';
import type { Database, SqlExecutor } from '../store/database.js';

export interface MaintenanceStep {
  name: string;
  ok: boolean;
  durationMs: number;
  detail: string;
}

export interface MaintenanceResult {
  kind: 'maintenance';
  dialect: string;
  /** Epoch ms. */
  startedAt: number;
  durationMs: number;
  ok: boolean;
  steps: MaintenanceStep[];
}

const AUTO_VACUUM = ['NONE', 'FULL', 'INCREMENTAL'];

async function step(name: string, fn: () => Promise<string>): Promise<MaintenanceStep> {
  const t0 = performance.now();
  try {
    const detail = await fn();
    return { name, ok: true, durationMs: elapsed(t0), detail };
  } catch (err) {
    return {
      name,
      ok: false,
      durationMs: elapsed(t0),
      detail: err instanceof Error ? err.message : String(err),
    };
  }
}

const elapsed = (t0: number) => Math.round((performance.now() - t0) * 1000) / 1000;
const q = (sql: string) => ({ sql, parameters: [] });

async function sqliteSteps(db: Database): Promise<MaintenanceStep[]> {
  // All on the writer, each in its own short transaction, so other writes interleave.
  const onWriter = <T>(fn: (tx: SqlExecutor) => Promise<T>) => db.transaction(fn);
  return [
    await step('ANALYZE', () =>
      onWriter(async (tx) => {
        await tx.all(q('PRAGMA analysis_limit = 1000'));
        await tx.run(q('ANALYZE'));
        return 'statistics refreshed (analysis_limit = 1000 rows per index)';
      }),
    ),
    await step('PRAGMA optimize', () =>
      onWriter(async (tx) => {
        await tx.all(q('PRAGMA optimize'));
        return 'done';
      }),
    ),
    await step('PRAGMA incremental_vacuum', () =>
      onWriter(async (tx) => {
        const mode = (await tx.first<{ auto_vacuum: number }>(q('PRAGMA auto_vacuum')))?.auto_vacuum ?? 0;
        const free =
          (await tx.first<{ freelist_count: number }>(q('PRAGMA freelist_count')))?.freelist_count ?? 0;
        if (mode !== 2) {
          return `skipped: auto_vacuum = ${AUTO_VACUUM[mode] ?? mode}, so incremental_vacuum frees nothing (${free} free pages; VACUUM reclaims them offline)`;
        }
        await tx.run(q('PRAGMA incremental_vacuum'));
        return `freed ${free} pages`;
      }),
    ),
  ];
}

async function postgresSteps(db: Database): Promise<MaintenanceStep[]> {
  return [
    await step('ANALYZE', async () => {
      const tables = await db.all<{ name: string }>(
        q('select tablename as name from pg_tables where schemaname = current_schema() order by 1'),
      );
      if (tables.length === 0) return 'no tables';
      await db.run(q(`ANALYZE ${tables.map((t) => `"${t.name.replaceAll('"', '""')}"`).join(', ')}`));
      return `analyzed ${tables.length} tables`;
    }),
  ];
}

/** A step another module adds to every run; says what it did. */
export interface MaintenanceTask {
  name: string;
  run(now: number): Promise<string>;
}

/**
 * Runs the dialect's maintenance once, then `tasks`, and says what it did;
 * never throws (a failed step is recorded with `ok: false`).
 */
export async function runMaintenance(
  db: Database,
  now: () => number = Date.now,
  tasks: readonly MaintenanceTask[] = [],
): Promise<MaintenanceResult> {
  const startedAt = now();
  const t0 = performance.now();
  const steps = db.dialect === 'sqlite' ? await sqliteSteps(db) : await postgresSteps(db);
  for (const t of tasks) steps.push(await step(t.name, () => t.run(now())));
  return {
    kind: 'maintenance',
    dialect: db.dialect,
    startedAt,
    durationMs: elapsed(t0),
    ok: steps.every((s) => s.ok),
    steps,
  };
}

export interface MaintenanceSchedulerOptions {
  db: Database;
  clock: Clock;
  /** 0 = never. */
  intervalMs: number;
  /** Each run's result (the job system records it; the scheduler keeps the last few too). */
  record?: (result: MaintenanceResult) => void | Promise<void>;
}

/** Runs maintenance every `intervalMs` on the Clock, one run at a time. */
export class MaintenanceScheduler {
  private readonly recent: MaintenanceResult[] = [];
  private readonly tasks: MaintenanceTask[] = [];
  private cancel: (() => void) | undefined;
  private running: Promise<MaintenanceResult> | undefined;

  constructor(private readonly o: MaintenanceSchedulerOptions) {}

  /** Where each run's result goes from now on (the job system's record of finished jobs). */
  recordWith(record: (result: MaintenanceResult) => void | Promise<void>): void {
    this.o.record = record;
  }

  /** Adds a step to every run from now on. */
  addTask(task: MaintenanceTask): void {
    this.tasks.push(task);
  }

  start(): void {
    if (this.cancel || this.o.intervalMs <= 0) return;
    const tick = () => {
      this.cancel = this.o.clock.setTimer(this.o.intervalMs, tick);
      void this.runNow();
    };
    this.cancel = this.o.clock.setTimer(this.o.intervalMs, tick);
  }

  /** Runs now (or joins the run in progress). */
  runNow(): Promise<MaintenanceResult> {
    this.running ??= (async () => {
      try {
        const r = await runMaintenance(this.o.db, () => this.o.clock.now(), this.tasks);
        this.recent.unshift(r);
        this.recent.length = Math.min(this.recent.length, 10);
        // A failing recorder must not stop the schedule.
        await Promise.resolve(this.o.record?.(r)).catch(() => {});
        return r;
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /** The last runs, newest first (at most 10). */
  history(): MaintenanceResult[] {
    return [...this.recent];
  }

  /** Stops scheduling and waits for a run in progress. */
  async stop(): Promise<void> {
    this.cancel?.();
    this.cancel = undefined;
    await this.running?.catch(() => {});
  }
}
