/**
 * The readiness checks the container gives /readyz: the database answers
 * with every migration applied, then the job queue's dependency (Redis with
 * REDIS_URL), each within READY_TIMEOUT_MS.
 */
import type { Readiness } from './api/routes/health.js';
import type { JobManager } from './jobs/index.js';
import { withDeadline } from './lib/deadline.js';
import type { Database } from './store/database.js';
import { migrationsAreCurrent } from './store/migrate.js';

export function readinessChecks(
  db: Database,
  jobs: Pick<JobManager, 'dependency' | 'check'>,
  timeoutMs: number,
): { ready(): Promise<boolean>; readiness(): Promise<Readiness> } {
  const ready = async () => {
    try {
      await db.ping();
      return await migrationsAreCurrent(db);
    } catch {
      return false;
    }
  };
  return {
    ready,
    async readiness() {
      const dbReady = await withDeadline(ready(), timeoutMs, () => false);
      if (!dbReady) {
        return {
          ok: false,
          dependency: 'database',
          message: `Database unreachable within ${timeoutMs} ms or migrations pending`,
        };
      }
      const dependency = jobs.dependency;
      if (dependency === undefined) return { ok: true };
      try {
        await jobs.check(timeoutMs);
        return { ok: true };
      } catch (err) {
        return { ok: false, dependency, message: err instanceof Error ? err.message : String(err) };
      }
    },
  };
}
