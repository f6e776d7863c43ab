/**
 * Job counts and durations for metrics and alerts, read from the jobs table
 * (the truth for every executor and every worker host) on a timer, so a
 * scrape reads a snapshot and never waits for the database.
 */
import type { Clock } from '../domain/clock.js';
import type { Database } from './database.js';

export interface JobTypeDurations {
  type: string;
  /** Finished jobs of this type (succeeded or failed). */
  count: number;
  sumMs: number;
  p50Ms: number;
  p99Ms: number;
}

/** Counts of the jobs table's rows by state, and durations over a recent window. */
export interface JobStatsSnapshot {
  queued: number;
  running: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  durations: JobTypeDurations[];
}

/** No jobs: before the first read (so dashboards see every family, at zero). */
export const NO_JOB_STATS: JobStatsSnapshot = {
  queued: 0,
  running: 0,
  succeeded: 0,
  failed: 0,
  cancelled: 0,
  durations: [],
};
/** Durations are taken from jobs finished in the last hour. */
const WINDOW_MS = 60 * 60 * 1000;

export class JobStats {
  private snap: JobStatsSnapshot = NO_JOB_STATS;
  private cancel: (() => void) | undefined;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly everyMs = 5_000,
  ) {}

  snapshot(): JobStatsSnapshot {
    return this.snap;
  }

  start(): void {
    const tick = () => {
      void this.refresh()
        .catch(() => {}) // the last snapshot stays; the next tick tries again
        .finally(() => {
          if (this.cancel !== undefined) this.cancel = this.clock.setTimer(this.everyMs, tick);
        });
    };
    this.cancel = () => {};
    tick();
  }

  stop(): void {
    this.cancel?.();
    this.cancel = undefined;
  }

  async refresh(): Promise<JobStatsSnapshot> {
    const k = this.db.kysely;
    const counts = await this.db.all<{ status: string; n: number }>(
      k
        .selectFrom('jobs')
        .select((eb) => ['status', eb.fn.countAll<number>().as('n')])
        .groupBy('status')
        .compile(),
    );
    const rows = await this.db.all<{ type: string; started_at: number; finished_at: number }>(
      k
        .selectFrom('jobs')
        .select(['type', 'started_at', 'finished_at'])
        .where('finished_at', '>', this.clock.now() - WINDOW_MS)
        .where('started_at', 'is not', null)
        .compile() as never,
    );
    const by = (s: string) => Number(counts.find((c) => c.status === s)?.n ?? 0);
    const perType = new Map<string, number[]>();
    for (const r of rows) {
      const list = perType.get(r.type) ?? [];
      list.push(Number(r.finished_at) - Number(r.started_at));
      perType.set(r.type, list);
    }
    this.snap = {
      queued: by('queued'),
      running: by('running'),
      succeeded: by('succeeded'),
      failed: by('failed') + by('timed_out'),
      cancelled: by('cancelled'),
      durations: [...perType].map(([type, ms]) => {
        ms.sort((a, b) => a - b);
        const at = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]!;
        return {
          type,
          count: ms.length,
          sumMs: ms.reduce((a, b) => a + b, 0),
          p50Ms: at(0.5),
          p99Ms: at(0.99),
        };
      }),
    };
    return this.snap;
  }
}
