/**
 * BEGIN IMMEDIATE, tried again while SQLite answers SQLITE_BUSY at once. In
 * WAL mode a write transaction can fail to start without waiting out its
 * busy handler (most likely, reading SQLite's source: its read part began,
 * the log was restarted, and the write part met the checkpointer worker's
 * locks; the busy handler is called only while no transaction is open).
 * Seen in `copy-fanout-history` under the CPU profiler: SQLITE_BUSY 23 ms
 * into a BEGIN with busy_timeout 5,000, the fan-out failed (2026-12-07).
 * Nothing is done before BEGIN, so trying again is safe; waits double from
 * 1 ms to 16 ms and the whole try is bounded by the busy timeout (a BEGIN
 * that waited out the busy handler itself is not tried again).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { isSqliteBusy } from '../driver-errors.js';

const MAX_PAUSE_MS = 16;

/**
 * Runs `attempt` (a BEGIN, or a single statement in autocommit, which starts
 * its transaction the same way) again while it fails with SQLITE_BUSY, as
 * above. Only for an attempt that has done nothing when it fails so.
 */
export async function whileBusy<T>(attempt: () => T | Promise<T>, busyTimeoutMs: number): Promise<T> {
  const started = performance.now();
  for (let pause = 1; ; pause = Math.min(pause * 2, MAX_PAUSE_MS)) {
    try {
      return await attempt();
    } catch (err) {
      if (!isSqliteBusy(err) || performance.now() - started + pause > busyTimeoutMs) throw err;
    }
    await sleep(pause);
  }
}
